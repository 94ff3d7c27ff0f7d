import {
  LinkedPerformedStep, NewPerformedStep, PerformedStepChanges, PerformedStepRecord, PerformedStepStore, ScheduledStepReference, StepCandidate, StepRecord,
} from '@radflow/domain';
import { definedColumns, json, Sql, SqlSession, SqlWrite } from './sql';

const RECORD_COLUMNS = `id, sop_instance_uid, status, modality, performed_step_id, start_date, start_time, study_id, scheduled_references,
  patient_id, patient_issuer, patient_name, patient_birth_date, patient_sex, performed_series`;

/** PerformedStepStore over one Postgres transaction. */
export class PgPerformedStepStore implements PerformedStepStore {
  private readonly sql: Sql;
  private readonly write: SqlWrite;

  constructor(db: SqlSession) {
    this.sql = db.query;
    this.write = db.write;
  }

  async find(instanceUid: string): Promise<PerformedStepRecord | null> {
    const rows = await this.sql(`SELECT ${RECORD_COLUMNS} FROM performed_procedure_steps WHERE sop_instance_uid = $1 FOR UPDATE`, [instanceUid]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async create(p: NewPerformedStep): Promise<string | null> {
    const cols = definedColumns({
      sop_instance_uid: p.instanceUid, status: p.status, modality: p.modality,
      performed_station_ae_title: p.stationAeTitle, performed_station_name: p.stationName, performed_location: p.location,
      performed_step_id: p.performedStepId, start_date: p.startDate, start_time: p.startTime,
      description: p.description, procedure_type_description: p.procedureTypeDescription, comments: p.comments,
      study_instance_uid: p.studyInstanceUid, study_id: p.studyId,
      scheduled_references: json(p.references.map(referenceJson)),
      patient_id: p.patient.id, patient_issuer: p.patient.issuer, patient_name: p.patient.name,
      patient_birth_date: p.patient.birthDate, patient_sex: p.patient.sex,
      needs_reconciliation: p.needsReconciliation, reconciliation_reason: p.reconciliationReason,
      performed_series: json(p.series), dose: json(p.dose), attributes: json(p.receivedAttributes),
      association_id: p.sourceRef,
    });
    const rows = await this.sql<{ id: string }>(
      `INSERT INTO performed_procedure_steps (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (sop_instance_uid) DO NOTHING RETURNING id`,
      cols.map(([, v]) => v),
    );
    return rows[0]?.id ?? null;
  }

  async update(ref: string, c: PerformedStepChanges): Promise<void> {
    const cols = definedColumns({
      status: c.status, end_date: c.endDate, end_time: c.endTime,
      description: c.description, procedure_type_description: c.procedureTypeDescription, comments: c.comments,
      performed_series: json(c.series), dose: json(c.dose), discontinuation_reason: json(c.discontinuationReason),
      needs_reconciliation: c.needsReconciliation, reconciliation_reason: c.reconciliationReason,
      association_id: c.sourceRef,
    });
    const sets = cols.map(([col], i) => `${col} = $${i + 3}`);
    // N-SET replaces each attribute it carries as a whole: a top-level merge of the attribute sets
    this.write(
      `UPDATE performed_procedure_steps SET ${[...sets, 'attributes = attributes || $2::jsonb', 'updated_at = now()'].join(', ')} WHERE id = $1`,
      [ref, JSON.stringify(c.receivedAttributes), ...cols.map(([, v]) => v)],
    );
  }

  async link(performedRef: string, stepRefs: readonly string[]): Promise<void> {
    this.write(
      'INSERT INTO performed_step_links (performed_ref, step_ref) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
      [performedRef, stepRefs],
    );
  }

  async findStepCandidates(keys: { accessionNumbers: readonly string[]; studyInstanceUids: readonly string[] }): Promise<StepCandidate[]> {
    if (keys.accessionNumbers.length === 0 && keys.studyInstanceUids.length === 0) return [];
    const rows = await this.sql(
      `SELECT s.id, s.procedure_ref, s.sps_id, s.status, s.held, s.modality, r.requested_procedure_id, r.study_instance_uid,
              o.accession_number, (SELECT count(*) FROM requested_procedures r2 WHERE r2.order_ref = o.id)::int AS procedures_in_order
         FROM scheduled_procedure_steps s
         JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref
        WHERE o.accession_number = ANY($1::text[]) OR r.study_instance_uid = ANY($2::text[])
        ORDER BY s.id FOR UPDATE OF s`,
      [keys.accessionNumbers, keys.studyInstanceUids],
    );
    return rows.map((r) => ({
      ...toStep(r),
      accessionNumber: r.accession_number ?? '', requestedProcedureId: r.requested_procedure_id, studyInstanceUid: r.study_instance_uid,
      modality: r.modality ?? undefined, proceduresInOrder: r.procedures_in_order,
    }));
  }

  async findLinkedSteps(performedRef: string): Promise<StepRecord[]> {
    const rows = await this.sql(
      `SELECT s.id, s.procedure_ref, s.sps_id, s.status, s.held
         FROM performed_step_links l JOIN scheduled_procedure_steps s ON s.id = l.step_ref
        WHERE l.performed_ref = $1 ORDER BY s.id FOR UPDATE OF s`,
      [performedRef],
    );
    return rows.map(toStep);
  }

  async findPerformedOfSteps(stepRefs: readonly string[]): Promise<LinkedPerformedStep[]> {
    const rows = await this.sql(
      `SELECT l.step_ref, p.id, p.status, jsonb_array_length(p.performed_series) AS series_count
         FROM performed_step_links l JOIN performed_procedure_steps p ON p.id = l.performed_ref
        WHERE l.step_ref = ANY($1::uuid[]) ORDER BY p.id`,
      [stepRefs],
    );
    return rows.map((r) => ({ stepRef: r.step_ref, performedRef: r.id, status: r.status, seriesCount: r.series_count }));
  }
}

function toStep(r: any): StepRecord {
  return { ref: r.id, procedureRef: r.procedure_ref, spsId: r.sps_id, status: r.status, held: r.held };
}

/** The keys only: an edge's origin (where it read the reference) is not stored. */
function referenceJson(r: ScheduledStepReference): Omit<ScheduledStepReference, 'origin'> {
  return { studyInstanceUid: r.studyInstanceUid, accessionNumber: r.accessionNumber, requestedProcedureId: r.requestedProcedureId, spsId: r.spsId };
}

function toRecord(r: any): PerformedStepRecord {
  const opt = (v: string | null) => v ?? undefined;
  return {
    ref: r.id, instanceUid: r.sop_instance_uid, status: r.status, modality: r.modality,
    performedStepId: r.performed_step_id, startDate: r.start_date, startTime: r.start_time, studyId: opt(r.study_id),
    references: r.scheduled_references,
    patient: { id: opt(r.patient_id), issuer: opt(r.patient_issuer), name: opt(r.patient_name), birthDate: opt(r.patient_birth_date), sex: opt(r.patient_sex) },
    series: r.performed_series,
  };
}
