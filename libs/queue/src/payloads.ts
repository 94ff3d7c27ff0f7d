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
  /** e.g. `order.placed`, `order.cancelled`, `performed.completed` */
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

/** `aggregateId` is the study (requested procedure). */
export interface StudyChangedPayload {
  from: string;
  to: string;
  event: string;
}

/** `aggregateId` is the study; `reportRef` the stored report version. */
export interface ReportReceivedPayload {
  reportRef: string;
  version: number;
  status: string;
  studyState: string;
  source: SourceKind;
}

export interface OutboxPayloads {
  [OutboxTopic.ProcedureStepChanged]: ProcedureStepChangedPayload;
  [OutboxTopic.PatientUpdated]: PatientUpdatedPayload;
  [OutboxTopic.PatientMerged]: PatientMergedPayload;
  [OutboxTopic.PatientIdentifierChanged]: PatientIdentifierChangedPayload;
  [OutboxTopic.StudyChanged]: StudyChangedPayload;
  [OutboxTopic.ReportReceived]: ReportReceivedPayload;
}

/** One event: what the relay takes from one outbox row. */
export interface OutboxJobData<T extends OutboxTopic = OutboxTopic> {
  /** `outbox.id` (bigint, as a string): the correlation id for logs. */
  outboxId: string;
  topic: T;
  aggregateId: string | null;
  /** `outbox.created_at`, ISO 8601: when the change committed, not when the job ran. */
  occurredAt: string;
  payload: OutboxPayloads[T];
}

/**
 * What a job carries: the events of one relay batch routed to the job's name, in outbox id
 * order, never empty. One job per batch and name, not per row: with BullMQ's PostgreSQL backend
 * a job costs Postgres several times what applying an HL7 order does.
 */
export interface OutboxBatchJobData<T extends OutboxTopic = OutboxTopic> {
  events: OutboxJobData<T>[];
}

/** The data type of each job name. */
export interface JobDataMap {
  [JobName.ProcedureStepChanged]: OutboxBatchJobData<typeof OutboxTopic.ProcedureStepChanged>;
  [JobName.PatientUpdated]: OutboxBatchJobData<typeof OutboxTopic.PatientUpdated>;
  [JobName.PatientMerged]: OutboxBatchJobData<typeof OutboxTopic.PatientMerged>;
  [JobName.PatientIdentifierChanged]: OutboxBatchJobData<typeof OutboxTopic.PatientIdentifierChanged>;
  [JobName.StudyChanged]: OutboxBatchJobData<typeof OutboxTopic.StudyChanged>;
  [JobName.ReportReceived]: OutboxBatchJobData<typeof OutboxTopic.ReportReceived>;
}

export type JobData<N extends JobName = JobName> = JobDataMap[N];

/** One event of a job of name N. */
export type JobEvent<N extends JobName = JobName> = JobData<N>['events'][number];
