/**
 * Synthetic worklist rows (patient → order → requested procedure → step) for tests, written with
 * plain SQL so a spec controls every column a C-FIND can match on. All people are invented.
 */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface MwlItemSpec {
  accessionNumber: string;
  patientId?: string;
  issuer?: string;
  /** DICOM PN, alphabetic group. */
  patientName?: string | null;
  patientNameIdeographic?: string | null;
  patientNamePhonetic?: string | null;
  birthDate?: string | null;
  sex?: string | null;
  referringPhysician?: string | null;
  requestingPhysician?: string | null;
  requestedProcedureId?: string;
  studyInstanceUid?: string;
  procedureDescription?: string | null;
  procedureCode?: { value: string; scheme?: string; meaning?: string } | null;
  priority?: string | null;
  spsId?: string;
  modality?: string | null;
  stationAeTitles?: string[];
  stationName?: string | null;
  location?: string | null;
  startDate?: string | null;
  startTime?: string | null;
  spsDescription?: string | null;
  protocolCodes?: Array<{ value: string; scheme?: string; meaning?: string }>;
  performingPhysician?: string | null;
  status?: string;
  held?: boolean;
}

export interface MwlItemRefs {
  patientRef: string;
  orderRef: string;
  procedureRef: string;
  stepRef: string;
}

let serial = 0;

/** Inserts one worklist item; a patient with the same ID and issuer is reused. */
export async function insertMwlItem(db: Queryable, spec: MwlItemSpec): Promise<MwlItemRefs> {
  const n = ++serial;
  const patientId = spec.patientId ?? `TP${String(n).padStart(6, '0')}`;
  const patient = await db.query(
    `INSERT INTO patients (patient_id, issuer, name, name_ideographic, name_phonetic, birth_date, sex)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (patient_id, issuer) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [patientId, spec.issuer ?? 'TEST', nullable(spec.patientName, `TESTPERSON^NUMBER${n}`), spec.patientNameIdeographic ?? null, spec.patientNamePhonetic ?? null, nullable(spec.birthDate, '19700101'), nullable(spec.sex, 'O')],
  );
  const patientRef = patient.rows[0].id as string;
  const order = await db.query(
    `INSERT INTO imaging_orders (patient_ref, accession_number, priority, referring_physician, requesting_physician)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [patientRef, spec.accessionNumber, nullable(spec.priority, 'ROUTINE'), spec.referringPhysician ?? null, spec.requestingPhysician ?? null],
  );
  const orderRef = order.rows[0].id as string;
  const procedure = await db.query(
    `INSERT INTO requested_procedures (order_ref, requested_procedure_id, study_instance_uid, description, code)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [
      orderRef,
      spec.requestedProcedureId ?? `RP${n}`,
      spec.studyInstanceUid ?? `1.2.826.0.1.3680043.10.999.2.${n}`,
      nullable(spec.procedureDescription, 'SYNTHETIC PROCEDURE'),
      spec.procedureCode === undefined ? null : JSON.stringify(spec.procedureCode),
    ],
  );
  const procedureRef = procedure.rows[0].id as string;
  const startDate = nullable(spec.startDate, '20261123');
  const startTime = nullable(spec.startTime, '090000');
  const step = await db.query(
    `INSERT INTO scheduled_procedure_steps (procedure_ref, patient_ref, sps_id, modality, station_ae_titles, station_name, location,
       start_date, start_time, start_at, description, protocol_codes, performing_physician, status, held)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      procedureRef,
      patientRef,
      spec.spsId ?? `SPS${n}`,
      nullable(spec.modality, 'CT'),
      spec.stationAeTitles ?? ['CT01'],
      spec.stationName ?? null,
      spec.location ?? null,
      startDate,
      startTime,
      startDate ? localInstant(startDate, startTime) : null,
      nullable(spec.spsDescription, 'SYNTHETIC STEP'),
      JSON.stringify(spec.protocolCodes ?? []),
      spec.performingPhysician ?? null,
      spec.status ?? 'SCHEDULED',
      spec.held ?? false,
    ],
  );
  return { patientRef, orderRef, procedureRef, stepRef: step.rows[0].id as string };
}

/** Empties the worklist tables (and what references them) between specs. */
export async function truncateMwlTables(db: Queryable): Promise<void> {
  await db.query('TRUNCATE study_transitions, scheduled_procedure_steps, requested_procedures, imaging_orders, patients CASCADE');
}

/**
 * Bulk synthetic rows with generate_series, distributed like the peers' gen_worklist.py (20
 * stations, 30 days in December 2026, 15-minute slots, ~6.6 % of family names starting with SMI).
 * For plan checks: the planner only picks the worklist indexes once tables are big.
 */
export async function insertBulkMwlItems(db: Queryable, count: number, prefix = 'BULK'): Promise<void> {
  await db.query(
    `WITH src AS (
       SELECT g,
         (ARRAY['SMITH','SMIRNOV','JOHNSON','BROWN','GARCIA','MILLER','DAVIS','WILSON','TAYLOR','MOORE','MARTIN','LEE','WHITE','HARRIS','CLARK',
                'LEWIS','WALKER','YOUNG','ALLEN','KING','WRIGHT','SCOTT','HILL','SCHMIDT','WEBER','MEYER','FISCHER','WAGNER','BECKER','HOFFMANN'])[1 + abs(hashint4(g * 7 + 3)) % 30]
           || '^' || (ARRAY['JAMES','MARY','JOHN','ANNA','PETER','EVA','PAUL','LAURA'])[1 + abs(hashint4(g * 7 + 4)) % 8] AS name,
         abs(hashint4(g * 7 + 5)) % 20 AS st,
         '202612' || lpad((1 + abs(hashint4(g * 7 + 6)) % 30)::text, 2, '0') AS d,
         abs(hashint4(g * 7 + 7)) % 48 AS slot
       FROM generate_series(1, $1::int) g),
     p AS (INSERT INTO patients (patient_id, issuer, name, birth_date, sex)
           SELECT $2 || 'P' || g, 'BULK', name, '19700101', 'O' FROM src RETURNING id, patient_id),
     o AS (INSERT INTO imaging_orders (patient_ref, accession_number)
           SELECT p.id, $2 || 'A' || substr(p.patient_id, length($2) + 2) FROM p RETURNING id, patient_ref, accession_number),
     r AS (INSERT INTO requested_procedures (order_ref, requested_procedure_id, study_instance_uid)
           SELECT o.id, 'RP1', '1.2.826.0.1.3680043.10.999.3.' || abs(hashtext($2)) || '.' || substr(o.accession_number, length($2) + 2) FROM o
           RETURNING id, order_ref)
     INSERT INTO scheduled_procedure_steps (procedure_ref, patient_ref, sps_id, modality, station_ae_titles, start_date, start_time, status)
     SELECT r.id, o.patient_ref, 'SPS1',
       (ARRAY['CT','CT','CT','CT','MR','MR','MR','MR','US','US','US','CR','CR','CR','DX','DX','MG','MG','NM','NM'])[1 + src.st],
       ARRAY[(ARRAY['CT01','CT02','CT03','CT04','MR01','MR02','MR03','MR04','US01','US02','US03','CR01','CR02','CR03','DX01','DX02','MG01','MG02','NM01','NM02'])[1 + src.st]],
       src.d, lpad((7 + src.slot / 4)::text, 2, '0') || lpad(((src.slot % 4) * 15)::text, 2, '0') || '00', 'SCHEDULED'
     FROM r JOIN o ON o.id = r.order_ref JOIN p ON p.id = o.patient_ref
     JOIN src ON $2 || 'P' || src.g = p.patient_id`,
    [count, prefix],
  );
}

function nullable<T>(value: T | null | undefined, fallback: T): T | null {
  return value === undefined ? fallback : value;
}

function localInstant(date: string, time: string | null): Date {
  const t = (time ?? '').padEnd(6, '0');
  return new Date(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)), Number(t.slice(0, 2)), Number(t.slice(2, 4)), Number(t.slice(4, 6)));
}
