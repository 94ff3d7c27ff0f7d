import type { ChangeSource, SpsStatus } from '@radflow/domain';
import { JobName, OutboxTopic } from './job-names';

/*
 * Job payloads. Like the outbox rows they come from, they carry ids only, never PHI (no names,
 * patient identifiers, accession numbers): a processor that needs more reads it from Postgres.
 */

type SourceKind = ChangeSource['kind'];

/** `aggregateId` is the scheduled procedure step. `from`/`to` are set for status transitions only. */
export interface ProcedureStepChangedPayload {
  procedureRef: string;
  from?: SpsStatus | null;
  to?: SpsStatus;
  /** e.g. `order.new`, `order.cancel` */
  event: string;
}

/** `aggregateId` is the patient. */
export interface PatientUpdatedPayload {
  source: SourceKind;
}

/** `aggregateId` is the surviving patient; `priorRef` the retired one. */
export interface PatientMergedPayload {
  priorRef: string;
  orders: number;
  steps: number;
  source: SourceKind;
}

/** `aggregateId` is the patient whose identifier changed. */
export interface PatientIdentifierChangedPayload {
  source: SourceKind;
}

export interface OutboxPayloads {
  [OutboxTopic.ProcedureStepChanged]: ProcedureStepChangedPayload;
  [OutboxTopic.PatientUpdated]: PatientUpdatedPayload;
  [OutboxTopic.PatientMerged]: PatientMergedPayload;
  [OutboxTopic.PatientIdentifierChanged]: PatientIdentifierChangedPayload;
}

/** What a job built from one outbox row carries. */
export interface OutboxJobData<T extends OutboxTopic = OutboxTopic> {
  /** `outbox.id` (bigint, as a string): the correlation id for logs. */
  outboxId: string;
  topic: T;
  aggregateId: string | null;
  /** `outbox.created_at`, ISO 8601: when the change committed, not when the job ran. */
  occurredAt: string;
  payload: OutboxPayloads[T];
}

/** The data type of each job name. */
export interface JobDataMap {
  [JobName.ProcedureStepChanged]: OutboxJobData<typeof OutboxTopic.ProcedureStepChanged>;
  [JobName.PatientUpdated]: OutboxJobData<typeof OutboxTopic.PatientUpdated>;
  [JobName.PatientMerged]: OutboxJobData<typeof OutboxTopic.PatientMerged>;
  [JobName.PatientIdentifierChanged]: OutboxJobData<typeof OutboxTopic.PatientIdentifierChanged>;
}

export type JobData<N extends JobName = JobName> = JobDataMap[N];
