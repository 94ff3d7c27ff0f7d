import {
  DomainError, DomainErrorCode, LifecycleFlag, OrderGroupCommand, StepTransitionRecord, StudyRecord, StudyTransitionRecord, subjectOf, OrderRecord, OutboxEvent, Patient, PatientDemographics, PatientIdentifier,
  ProcedureRecord, ProcedureStepInput, RequestedProcedureInput, SpsStatus, StepRecord, VisitInput, WorkflowStore,
} from '@radflow/domain';
import { insertSql, isUniqueViolation, json, Sql, SqlSession, SqlWrite, updateSql } from './sql';
import { timeOrderedId } from './time-ordered-id';
import { stepColumns } from './step-columns';

const FINAL = `('CANCELED','DISCONTINUED','COMPLETED')`;

/**
 * WorkflowStore over one Postgres transaction, in plain SQL (the ingest hot path). Ids are made
 * here, so inserts and updates are sent without waiting for them (`write`); only reads wait.
 */
export class PgWorkflowStore implements WorkflowStore {
  private readonly sql: Sql;
  private readonly write: SqlWrite;

  constructor(db: SqlSession) {
    this.sql = db.query;
    this.write = db.write;
  }

  async findPatient(id: PatientIdentifier): Promise<Patient | null> {
    const rows = await this.sql('SELECT * FROM patients WHERE patient_id = $1 AND issuer = $2', [id.id, id.issuer]);
    return rows[0] ? toPatient(rows[0]) : null;
  }

  async resolvePatient(id: PatientIdentifier): Promise<Patient | null> {
    const rows = await this.sql(
      `SELECT s.* FROM patients p JOIN patients s ON s.id = COALESCE(p.merged_into, p.id)
        WHERE p.patient_id = $1 AND p.issuer = $2 FOR UPDATE OF s`,
      [id.id, id.issuer],
    );
    return rows[0] ? toPatient(rows[0]) : null;
  }

  async upsertPatient(d: PatientDemographics): Promise<string> {
    const cols: [string, unknown][] = [
      ['name', d.name], ['name_ideographic', d.nameIdeographic], ['name_phonetic', d.namePhonetic],
      ['birth_date', d.birthDate], ['birth_time', d.birthTime], ['sex', d.sex], ['mother_birth_name', d.motherBirthName],
      ['issuer_universal_id', d.identifier.universalId], ['issuer_universal_id_type', d.identifier.universalIdType],
      ['identifier_type_code', d.identifier.typeCode], ['other_ids', d.otherIdentifiers?.length ? json(d.otherIdentifiers) : undefined],
    ];
    // $3.. are values, $14.. say whether the sender stated them ("" clears, empty keeps)
    const params: unknown[] = [d.identifier.id, d.identifier.issuer, ...cols.map(([, v]) => v ?? null), ...cols.map(([, v]) => v !== undefined)];
    const names = cols.map(([c]) => c);
    const sets = names.map((c, i) => `${c} = CASE WHEN $${3 + cols.length + i} THEN EXCLUDED.${c} ELSE patients.${c} END`);
    const rows = await this.sql<{ ref: string }>(
      `INSERT INTO patients (patient_id, issuer, ${names.join(', ')})
       VALUES ($1, $2, ${names.map((c, i) => (c === 'other_ids' ? `COALESCE($${3 + i}::jsonb, '[]')` : `$${3 + i}`)).join(', ')})
       ON CONFLICT (patient_id, issuer) DO UPDATE SET ${sets.join(', ')}, updated_at = now()
       RETURNING COALESCE(merged_into, id) AS ref`,
      params,
    );
    return rows[0].ref;
  }

  async updateVisitOnOpenOrders(patientRef: string, visit: VisitInput): Promise<void> {
    const cols = visitColumns(visit);
    const set = Object.entries(cols).filter(([, v]) => v !== undefined);
    if (!set.length) return;
    this.write(
      `UPDATE imaging_orders o SET ${set.map(([c], i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now()
        WHERE o.patient_ref = $1 AND EXISTS (
          SELECT 1 FROM requested_procedures r JOIN scheduled_procedure_steps s ON s.procedure_ref = r.id
           WHERE r.order_ref = o.id AND s.status NOT IN ${FINAL})`,
      [patientRef, ...set.map(([, v]) => v)],
    );
  }

  async mergePatient(priorRef: string, survivingRef: string): Promise<{ orders: number; steps: number }> {
    const orders = await this.sql('UPDATE imaging_orders SET patient_ref = $2, updated_at = now() WHERE patient_ref = $1 RETURNING id', [priorRef, survivingRef]);
    const steps = await this.sql('UPDATE scheduled_procedure_steps SET patient_ref = $2, updated_at = now() WHERE patient_ref = $1 RETURNING id', [priorRef, survivingRef]);
    await this.sql('UPDATE patients SET merged_into = $2, updated_at = now() WHERE id = $1 OR merged_into = $1', [priorRef, survivingRef]);
    return { orders: orders.length, steps: steps.length };
  }

  async changePatientIdentifier(patientRef: string, to: PatientIdentifier): Promise<void> {
    await this.sql(
      `UPDATE patients SET patient_id = $2, issuer = $3, issuer_universal_id = $4, issuer_universal_id_type = $5,
              identifier_type_code = $6, updated_at = now() WHERE id = $1`,
      [patientRef, to.id, to.issuer, to.universalId ?? null, to.universalIdType ?? null, to.typeCode ?? null],
    );
  }

  async findOrder(key: { accessionNumber?: string; sendingApplication: string; placerOrderNumber?: string }): Promise<OrderRecord | null> {
    const rows = key.accessionNumber
      ? await this.sql('SELECT id, patient_ref, accession_number FROM imaging_orders WHERE accession_number = $1 FOR UPDATE', [key.accessionNumber])
      : key.placerOrderNumber
        ? await this.sql(
            'SELECT id, patient_ref, accession_number FROM imaging_orders WHERE sending_application = $1 AND placer_order_number = $2 FOR UPDATE',
            [key.sendingApplication, key.placerOrderNumber],
          )
        : [];
    // An order without accession stores NULL (Type 2); the domain sees it as ''.
    return rows[0] ? { ref: rows[0].id, patientRef: rows[0].patient_ref, accessionNumber: rows[0].accession_number ?? '' } : null;
  }

  async createOrder(patientRef: string, sendingApplication: string, g: OrderGroupCommand, visit: VisitInput): Promise<OrderRecord | null> {
    const q = insertSql('imaging_orders', { patient_ref: patientRef, sending_application: sendingApplication, ...orderColumns(g), ...visitColumns(visit) }, 'id', 'ON CONFLICT (accession_number) DO NOTHING');
    const rows = await this.sql<{ id: string }>(q.text, q.params);
    return rows[0] ? { ref: rows[0].id, patientRef, accessionNumber: g.accessionNumber ?? '' } : null;
  }

  async updateOrder(orderRef: string, patientRef: string, g: OrderGroupCommand, visit: VisitInput): Promise<void> {
    const { accession_number: _keep, ...cols } = orderColumns(g);
    const q = updateSql('imaging_orders', orderRef, { patient_ref: patientRef, ...cols, ...visitColumns(visit) });
    this.write(q.text, q.params);
    this.write('UPDATE scheduled_procedure_steps s SET patient_ref = $2 FROM requested_procedures r WHERE s.procedure_ref = r.id AND r.order_ref = $1 AND s.patient_ref <> $2', [orderRef, patientRef]);
  }

  async findProcedures(orderRef: string): Promise<ProcedureRecord[]> {
    const rows = await this.sql('SELECT id, requested_procedure_id, study_instance_uid FROM requested_procedures WHERE order_ref = $1 ORDER BY id', [orderRef]);
    return rows.map((r) => ({ ref: r.id, orderRef, requestedProcedureId: r.requested_procedure_id, studyInstanceUid: r.study_instance_uid }));
  }

  async createProcedure(orderRef: string, p: RequestedProcedureInput & { requestedProcedureId: string; studyInstanceUid: string }): Promise<ProcedureRecord> {
    const id = timeOrderedId();
    const q = insertSql('requested_procedures', { id, order_ref: orderRef, requested_procedure_id: p.requestedProcedureId, study_instance_uid: p.studyInstanceUid, ...procedureColumns(p) });
    this.write(q.text, q.params, (e) => {
      if (!isUniqueViolation(e, 'requested_procedures_study_uid')) return e;
      return new DomainError(DomainErrorCode.DuplicateOrder, 'study instance UID already used by another procedure', subjectOf('requested-procedure', 'studyInstanceUid', p.origin));
    });
    return { ref: id, orderRef, requestedProcedureId: p.requestedProcedureId, studyInstanceUid: p.studyInstanceUid };
  }

  async updateProcedure(procedureRef: string, p: RequestedProcedureInput): Promise<void> {
    const q = updateSql('requested_procedures', procedureRef, procedureColumns(p));
    this.write(q.text, q.params);
  }

  async findSteps(procedureRef: string): Promise<StepRecord[]> {
    const rows = await this.sql('SELECT id, sps_id, status, held FROM scheduled_procedure_steps WHERE procedure_ref = $1 ORDER BY id FOR UPDATE', [procedureRef]);
    return rows.map((r) => ({ ref: r.id, procedureRef, spsId: r.sps_id, status: r.status, held: r.held }));
  }

  async findOpenStepsOfPatient(patientRef: string, date: string): Promise<StepRecord[]> {
    const rows = await this.sql(
      `SELECT id, procedure_ref, sps_id, status, held FROM scheduled_procedure_steps
        WHERE patient_ref = $1 AND start_date = $2 AND status NOT IN ${FINAL} ORDER BY id FOR UPDATE`,
      [patientRef, date],
    );
    return rows.map((r) => ({ ref: r.id, procedureRef: r.procedure_ref, spsId: r.sps_id, status: r.status, held: r.held }));
  }

  async createStep(procedureRef: string, patientRef: string, s: ProcedureStepInput & { spsId: string }, status: SpsStatus): Promise<StepRecord> {
    const id = timeOrderedId();
    const q = insertSql('scheduled_procedure_steps', { id, procedure_ref: procedureRef, patient_ref: patientRef, sps_id: s.spsId, status, ...stepColumns(s) });
    this.write(q.text, q.params);
    return { ref: id, procedureRef, spsId: s.spsId, status, held: false };
  }

  async updateStep(stepRef: string, s: ProcedureStepInput): Promise<void> {
    const q = updateSql('scheduled_procedure_steps', stepRef, stepColumns(s));
    this.write(q.text, q.params);
  }

  async transitionStep(t: StepTransitionRecord): Promise<void> {
    const payload = JSON.stringify({ procedureRef: t.procedureRef, from: t.from, to: t.to, held: t.held, event: t.event });
    if (t.from === null) {
      this.write(
        `WITH history AS (
           INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope, note)
           VALUES ($1, $2, NULL, $3, $4, $5, $6, 'step', $7))
         INSERT INTO outbox (topic, aggregate_id, payload) VALUES ('procedure-step.changed', $2, $8)`,
        [t.procedureRef, t.stepRef, t.to, t.event, t.source.kind, t.source.ref, t.note ?? null, payload],
      );
      return;
    }
    // One statement, sent without waiting: the guard raises 40001 when the step left \`from\` meanwhile.
    this.write(
      `WITH moved AS (
         UPDATE scheduled_procedure_steps SET status = $3, held = COALESCE($4, held), updated_at = now()
          WHERE id = $2 AND status = $5 AND held = $6 RETURNING id),
       history AS (
         INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope, note)
         SELECT $1, id, $5, $3, $7, $8, $9, 'step', $10 FROM moved),
       announced AS (INSERT INTO outbox (topic, aggregate_id, payload) SELECT 'procedure-step.changed', id, $11 FROM moved)
       SELECT radflow_expect_moved((SELECT count(*) FROM moved), 'procedure step')`,
      [t.procedureRef, t.stepRef, t.to, t.held ?? null, t.from, t.wasHeld ?? false, t.event, t.source.kind, t.source.ref, t.note ?? null, payload],
    );
  }

  async findStudy(procedureRef: string): Promise<StudyRecord | null> {
    const rows = await this.sql(
      `SELECT r.id, r.order_ref, r.study_status, s.id AS step_ref, s.sps_id, s.status, s.held
         FROM requested_procedures r LEFT JOIN scheduled_procedure_steps s ON s.procedure_ref = r.id
        WHERE r.id = $1 ORDER BY s.id FOR UPDATE OF r`,
      [procedureRef],
    );
    if (!rows[0]) return null;
    const steps = rows.filter((r) => r.step_ref).map((r) => ({ ref: r.step_ref, procedureRef, spsId: r.sps_id, status: r.status, held: r.held }));
    return { ref: rows[0].id, orderRef: rows[0].order_ref, state: rows[0].study_status, steps };
  }

  async transitionStudy(t: StudyTransitionRecord): Promise<void> {
    this.write(
      `WITH moved AS (
         UPDATE requested_procedures SET study_status = $2, updated_at = now() WHERE id = $1 AND study_status = $3 RETURNING id),
       history AS (
         INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope, note)
         SELECT id, NULL, $3, $2, $4, $5, $6, 'study', $7 FROM moved),
       announced AS (INSERT INTO outbox (topic, aggregate_id, payload) SELECT 'study.changed', id, $8 FROM moved)
       SELECT radflow_expect_moved((SELECT count(*) FROM moved), 'study')`,
      [t.procedureRef, t.to, t.from, t.event, t.source.kind, t.source.ref, t.note ?? null, JSON.stringify({ from: t.from, to: t.to, event: t.event })],
    );
  }

  async recordFlag(f: LifecycleFlag): Promise<void> {
    this.write(
      `INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope, note)
       VALUES ($1, $2, $3, $3, $4, $5, $6, 'flag', $7)`,
      [f.procedureRef, f.stepRef ?? null, f.state, f.event, f.source.kind, f.source.ref, f.note],
    );
  }

  async addOutbox(e: OutboxEvent): Promise<void> {
    this.write('INSERT INTO outbox (topic, aggregate_id, payload) VALUES ($1, $2, $3)', [e.topic, e.aggregateId, JSON.stringify(e.payload)]);
  }

  async nextGeneratedNumber(): Promise<number> {
    const rows = await this.sql<{ n: string }>(`SELECT nextval('generated_id_seq') AS n`);
    return Number(rows[0].n);
  }
}



function toPatient(r: any): Patient {
  return {
    ref: r.id,
    identifier: { id: r.patient_id, issuer: r.issuer, universalId: r.issuer_universal_id ?? undefined, universalIdType: r.issuer_universal_id_type ?? undefined },
    name: r.name, birthDate: r.birth_date, sex: r.sex, mergedInto: r.merged_into,
  };
}

export function orderColumns(g: OrderGroupCommand): Record<string, unknown> {
  return {
    accession_number: g.accessionNumber, accession_issuer: json(g.accessionIssuer),
    placer_order_number: g.placerOrderNumber, placer_issuer: json(g.placerIssuer),
    filler_order_number: g.fillerOrderNumber, filler_issuer: json(g.fillerIssuer),
    priority: g.priority,
    requesting_physician: g.requestingPhysician, requesting_service: g.requestingService,
    reason_for_procedure: g.reasonForProcedure, reason_code: json(g.reasonCode), order_entered_by: g.orderEnteredBy,
    callback_phone: g.callbackPhone, institution_name: g.institutionName, medical_alerts: g.medicalAlerts,
    patient_state: g.patientState, confidentiality_code: g.confidentialityCode, comments: g.comments,
  };
}

export function visitColumns(v: VisitInput): Record<string, unknown> {
  return {
    admission_id: v.admissionId, current_patient_location: v.currentPatientLocation,
    referring_physician: v.referringPhysician, pregnancy_status: v.pregnancyStatus, allergies: v.allergies,
  };
}

export function procedureColumns(p: RequestedProcedureInput): Record<string, unknown> {
  return {
    description: p.description, code: json(p.code), priority: p.priority,
    transport_arrangements: p.transportArrangements, location: p.location, comments: p.comments,
  };
}
