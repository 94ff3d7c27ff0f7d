import type { DefaultJobOptions } from 'bullmq';
import { QueueName } from './queue-names';

/**
 * Outbox topics, as the workflow writes them into `outbox.topic` in the same transaction as the
 * change (DESIGN §3). The strings are stored in the database: never rename one, add a new topic.
 */
export const OutboxTopic = {
  ProcedureStepChanged: 'procedure-step.changed',
  PatientUpdated: 'patient.updated',
  PatientMerged: 'patient.merged',
  PatientIdentifierChanged: 'patient.identifier-changed',
} as const;
export type OutboxTopic = (typeof OutboxTopic)[keyof typeof OutboxTopic];

export const OUTBOX_TOPICS: readonly OutboxTopic[] = Object.values(OutboxTopic);

/** BullMQ job names (STYLE §4: `domain.verb`). Stored with every job: never rename one. */
export const JobName = {
  ProcedureStepChanged: 'procedure-step.changed',
  PatientUpdated: 'patient.updated',
  PatientMerged: 'patient.merged',
  PatientIdentifierChanged: 'patient.identifier-changed',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export const JOB_NAMES: readonly JobName[] = Object.values(JobName);

export type JobOptions = Required<Pick<DefaultJobOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>>;

export interface JobDefinition {
  queue: QueueName;
  options: JobOptions;
}

/**
 * Completed jobs are kept for a day: the relay's `jobId` dedup (outbox-<id>) only works while
 * the earlier job still exists, and a relay that crashed between add and UPDATE retries within
 * seconds, or at worst when Postgres is back. Failed jobs stay two weeks for inspection.
 */
const EVENT_JOB: JobOptions = {
  attempts: 10,
  // 2 s, 4 s, 8 s … about 17 minutes in all: outlives a RIS restart, not a day-long outage
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** Every job: its queue and its options (STYLE §7: next to the name, never at call sites). */
export const JOB_DEFINITIONS: Readonly<Record<JobName, JobDefinition>> = {
  [JobName.ProcedureStepChanged]: { queue: QueueName.WorkflowEvents, options: EVENT_JOB },
  [JobName.PatientUpdated]: { queue: QueueName.PatientEvents, options: EVENT_JOB },
  [JobName.PatientMerged]: { queue: QueueName.PatientEvents, options: EVENT_JOB },
  [JobName.PatientIdentifierChanged]: { queue: QueueName.PatientEvents, options: EVENT_JOB },
};

/**
 * Which jobs the relay enqueues for an outbox row of each topic. A list, so one event may fan
 * out to several queues later (HL7 out, live push); at most one job per queue per topic, since
 * the job id is derived from the outbox row id alone.
 */
export const OUTBOX_ROUTES: Readonly<Record<OutboxTopic, readonly JobName[]>> = {
  [OutboxTopic.ProcedureStepChanged]: [JobName.ProcedureStepChanged],
  [OutboxTopic.PatientUpdated]: [JobName.PatientUpdated],
  [OutboxTopic.PatientMerged]: [JobName.PatientMerged],
  [OutboxTopic.PatientIdentifierChanged]: [JobName.PatientIdentifierChanged],
};

export function isOutboxTopic(topic: string): topic is OutboxTopic {
  return Object.prototype.hasOwnProperty.call(OUTBOX_ROUTES, topic);
}

/** A job created from outbox row N always has this id, so enqueuing the row twice adds one job. */
export function outboxJobId(outboxId: string): string {
  return `outbox-${outboxId}`;
}

export function jobNamesOfQueue(queue: QueueName): JobName[] {
  return JOB_NAMES.filter((name) => JOB_DEFINITIONS[name].queue === queue);
}
