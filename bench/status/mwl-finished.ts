import { Client, Pool } from 'pg';
import { buildMwlSql, createDataset, DicomElement, getString, MwlFindHandler, parseMwlQuery, planMwlAnswer, Tags } from '@radflow/dicom';

/**
 * Does the worklist stay fast as history grows? The MWL queries Q1–Q3 of bench/mwl against N
 * scheduled items, alone and with M finished steps beside them, all written by SQL
 * (INSERT … SELECT generate_series) with the distributions of the peers' gen_worklist.py:
 * 20 stations, 30 days of December 2026, 15-minute slots from 07:00.
 */

type El = [number, DicomElement];
const el = (t: number, vr: string, value = ''): El => [t, { vr, value } as DicomElement];

/**
 * The identifiers of the peers' make_queries.sh (same keys, same default values): Q1 station AE
 * CT01 + one day, Q2 modality CT + 3-day range, Q3 Patient ID.
 */
function identifier(o: { patientId?: string; modality?: string; stationAe?: string; startDate?: string }): El[] {
  const item = createDataset([
    el(Tags.Modality, 'CS', o.modality), el(Tags.ScheduledStationAETitle, 'AE', o.stationAe), el(Tags.ScheduledProcedureStepStartDate, 'DA', o.startDate),
    el(Tags.ScheduledProcedureStepStartTime, 'TM'), el(Tags.ScheduledProcedureStepDescription, 'LO'), el(Tags.ScheduledProcedureStepID, 'SH'),
  ]);
  return [
    el(Tags.AccessionNumber, 'SH'), el(Tags.PatientName, 'PN'), el(Tags.PatientID, 'LO', o.patientId), el(Tags.PatientBirthDate, 'DA'), el(Tags.PatientSex, 'CS'),
    el(Tags.StudyInstanceUID, 'UI'), el(Tags.RequestedProcedureDescription, 'LO'),
    [Tags.ScheduledProcedureStepSequence, { vr: 'SQ', value: [item] } as DicomElement], el(Tags.RequestedProcedureID, 'SH'),
  ];
}

export const MWL_QUERIES = {
  Q1: identifier({ stationAe: 'CT01', startDate: '20261212' }),
  Q2: identifier({ modality: 'CT', startDate: '20261210-20261212' }),
  Q3: identifier({ patientId: 'P0000500' }),
} as const;
export type MwlQueryName = keyof typeof MWL_QUERIES;

const STATIONS = `ARRAY['CT01','CT02','CT03','CT04','MR01','MR02','MR03','MR04','US01','US02','US03','CR01','CR02','CR03','DX01','DX02','MG01','MG02','NM01','NM02']`;
const MODALITIES = `ARRAY['CT','CT','CT','CT','MR','MR','MR','MR','US','US','US','CR','CR','CR','DX','DX','MG','MG','NM','NM']`;
/** Station, day and slot of row g; `salt` gives the finished steps a spread of their own. */
const SLOT = (salt: number) => `abs(hashint4(g * 7 + ${salt})) % 20 AS st, '202612' || lpad((1 + abs(hashint4(g * 7 + ${salt + 1})) % 30)::text, 2, '0') AS d, abs(hashint4(g * 7 + ${salt + 2})) % 48 AS slot`;
const STEP_COLUMNS = `(${MODALITIES})[1 + src.st], ARRAY[(${STATIONS})[1 + src.st]], src.d, lpad((7 + src.slot / 4)::text, 2, '0') || lpad(((src.slot % 4) * 15)::text, 2, '0') || '00'`;

/** N scheduled items: patient P0000001 … with one order (A00000001 …), procedure and step each. */
export async function loadScheduled(c: Client, n: number): Promise<void> {
  await c.query(
    `WITH src AS (SELECT g, ${SLOT(5)},
         (ARRAY['SMITH','JOHNSON','BROWN','GARCIA','MILLER','DAVIS','WILSON','TAYLOR','MOORE','MARTIN'])[1 + abs(hashint4(g * 7 + 3)) % 10] || '^' ||
         (ARRAY['JAMES','MARY','JOHN','ANNA','PETER','EVA','PAUL','LAURA'])[1 + abs(hashint4(g * 7 + 4)) % 8] AS name
       FROM generate_series(1, $1::int) g),
     p AS (INSERT INTO patients (patient_id, issuer, name, birth_date, sex) SELECT 'P' || lpad(g::text, 7, '0'), 'BENCH', name, '19700101', 'O' FROM src RETURNING id, patient_id),
     o AS (INSERT INTO imaging_orders (patient_ref, accession_number) SELECT p.id, 'A' || lpad(substr(p.patient_id, 2)::int::text, 8, '0') FROM p RETURNING id, patient_ref, accession_number),
     r AS (INSERT INTO requested_procedures (order_ref, requested_procedure_id, study_instance_uid)
           SELECT o.id, 'RP1', '1.2.826.0.1.3680043.10.999.5.' || substr(o.accession_number, 2)::int FROM o RETURNING id, order_ref)
     INSERT INTO scheduled_procedure_steps (procedure_ref, patient_ref, sps_id, modality, station_ae_titles, start_date, start_time, status)
     SELECT r.id, o.patient_ref, 'SPS1', ${STEP_COLUMNS}, 'SCHEDULED'
       FROM r JOIN o ON o.id = r.order_ref JOIN src ON src.g = substr(o.accession_number, 2)::int`,
    [n],
  );
}

/**
 * M finished steps (7 in 10 COMPLETED, the rest CANCELED, DISCONTINUED, DEPARTED) on the same
 * stations and days as the schedule, the worst case for the worklist indexes: each an order
 * (H0000001 …) of one of the N patients, so every patient has history (Q3 reads it too).
 */
export async function addFinished(c: Client, m: number, n: number, log: (s: string) => void, batch = 100_000): Promise<void> {
  for (let from = 1; from <= m; from += batch) {
    const to = Math.min(m, from + batch - 1);
    const t0 = Date.now();
    await c.query(
      `WITH src AS (SELECT g, ${SLOT(11)},
           (ARRAY['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','CANCELED','DISCONTINUED','DEPARTED'])[1 + abs(hashint4(g * 7 + 14)) % 10] AS status
         FROM generate_series($1::int, $2::int) g),
       o AS (INSERT INTO imaging_orders (patient_ref, accession_number)
             SELECT p.id, 'H' || lpad(src.g::text, 7, '0') FROM src JOIN patients p ON p.patient_id = 'P' || lpad((1 + src.g % $3)::text, 7, '0') AND p.issuer = 'BENCH'
             RETURNING id, patient_ref, accession_number),
       r AS (INSERT INTO requested_procedures (order_ref, requested_procedure_id, study_instance_uid)
             SELECT o.id, 'RP1', '1.2.826.0.1.3680043.10.999.6.' || substr(o.accession_number, 2)::int FROM o RETURNING id, order_ref)
       INSERT INTO scheduled_procedure_steps (procedure_ref, patient_ref, sps_id, modality, station_ae_titles, start_date, start_time, status)
       SELECT r.id, o.patient_ref, 'SPS1', ${STEP_COLUMNS}, src.status
         FROM r JOIN o ON o.id = r.order_ref JOIN src ON src.g = substr(o.accession_number, 2)::int`,
      [from, to, n],
    );
    log(`  finished steps ${from.toLocaleString('en')}–${to.toLocaleString('en')} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

/** The MWL step indexes as they were before migration 1763900000010 (over every step), for comparison. */
export async function useFullIndexes(c: Client): Promise<void> {
  await c.query(`
    DROP INDEX scheduled_procedure_steps_mwl_station_start_unfinished, scheduled_procedure_steps_mwl_station_multi_unfinished,
      scheduled_procedure_steps_mwl_modality_start_unfinished, scheduled_procedure_steps_mwl_start_unfinished, scheduled_procedure_steps_patient_unfinished;
    CREATE INDEX scheduled_procedure_steps_mwl_station_start ON scheduled_procedure_steps (station_ae_titles, start_date, start_time, id);
    CREATE INDEX scheduled_procedure_steps_mwl_station_multi ON scheduled_procedure_steps USING gin (station_ae_titles) WHERE cardinality(station_ae_titles) > 1;
    CREATE INDEX scheduled_procedure_steps_mwl_modality_start ON scheduled_procedure_steps (modality, start_date, start_time, id);
    CREATE INDEX scheduled_procedure_steps_mwl_start ON scheduled_procedure_steps (start_date, start_time, id);
    ANALYZE scheduled_procedure_steps;
  `);
}

export interface QuerySamples {
  answers: number;
  /** Accession numbers answered, sorted, to compare scenarios. */
  accessions: string[];
  /** ms per C-FIND. */
  ms: number[];
}

/**
 * Whole C-FINDs through the MWL handler, in process (parse, SQL, cursor, answer datasets), one
 * after the other on a warm cache: ms per C-FIND of `repeats` after `warmup`.
 */
export async function timeQuery(pool: Pool, query: MwlQueryName, repeats: number, warmup = 10): Promise<QuerySamples> {
  const handler = new MwlFindHandler(pool, { maxAnswers: 1_000_000 });
  const association = { id: 'bench', callingAeTitle: 'FINDSCU', calledAeTitle: 'RADFLOW', peerAddress: '127.0.0.1' };
  const run = async (): Promise<string[]> => {
    const request = { association, messageId: 1, affectedSopClassUid: '1.2.840.10008.5.1.4.31', priority: 0, identifier: createDataset([...MWL_QUERIES[query]]), combinedDateTimeMatching: false };
    const out: string[] = [];
    for await (const m of handler.find(request, new AbortController().signal)) out.push(getString(m.identifier, Tags.AccessionNumber) ?? '');
    return out;
  };
  let accessions: string[] = [];
  for (let i = 0; i < warmup; i++) accessions = await run();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { answers: accessions.length, accessions: accessions.sort(), ms };
}

/**
 * The step indexes in the plan of the statement the handler sends, planned with the settings of
 * its cursor (libs/dicom/src/mwl/mwl-cursor.ts; a cursor gets no parallel workers).
 */
export async function explainMwl(url: string, els: readonly El[]): Promise<string[]> {
  const query = parseMwlQuery(createDataset([...els]));
  const sql = buildMwlSql(query, planMwlAnswer(query), { offeredStatuses: ['SCHEDULED', 'ARRIVED'], nameMatch: 'insensitive', limit: 1_000_001 });
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0');
    const plan = JSON.stringify((await c.query({ text: `EXPLAIN (FORMAT JSON) ${sql.text}`, values: sql.values })).rows[0]['QUERY PLAN']);
    await c.query('ROLLBACK');
    const used = [...plan.matchAll(/"Index Name":"([^"]+)"/g)].map((m) => m[1]).filter((i) => i.startsWith('scheduled_procedure_steps') || i.startsWith('patients_patient'));
    return [...new Set(used)].concat(/"Seq Scan"[^}]*"scheduled_procedure_steps"/.test(plan) ? ['Seq Scan'] : []);
  } finally {
    await c.end();
  }
}
