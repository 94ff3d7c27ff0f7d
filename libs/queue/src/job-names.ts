import { createHash } from 'node:crypto';
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
  StudyChanged: 'study.changed',
  ReportReceived: 'report.received',
} as const;
export type OutboxTopic = (typeof OutboxTopic)[keyof typeof OutboxTopic];

export const OUTBOX_TOPICS: readonly OutboxTopic[] = Object.values(OutboxTopic);

/** BullMQ job names (STYLE §4: `domain.verb`). Stored with every job: never rename one. */
export const JobName = {
  ProcedureStepChanged: 'procedure-step.changed',
  PatientUpdated: 'patient.updated',
  PatientMerged: 'patient.merged',
  PatientIdentifierChanged: 'patient.identifier-changed',
  StudyChanged: 'study.changed',
  ReportReceived: 'report.received',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export const JOB_NAMES: readonly JobName[] = Object.values(JobName);

export type JobOptions = Required<Pick<DefaultJobOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>>;

export interface JobDefinition {
  queue: QueueName;
  options: JobOptions;
}

/**
 * Completed jobs are kept for a day: the relay's `jobId` dedup (outboxJobId) only works while
 * the earlier job still exists, and a relay that crashed between add and UPDATE retries within
 * seconds, or at worst when Postgres is back. Failed jobs stay two weeks for inspection.
 * `attempts` count per job: a job carries the events of one relay batch, and a retry runs only
 * the events that failed (apps/worker `forEachEvent`).
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
  [JobName.StudyChanged]: { queue: QueueName.WorkflowEvents, options: EVENT_JOB },
  [JobName.ReportReceived]: { queue: QueueName.WorkflowEvents, options: EVENT_JOB },
};

/**
 * Which jobs the relay enqueues for an outbox row of each topic. A list, so one event may fan
 * out to several jobs later (HL7 out, live push). The relay adds one job per job name per batch,
 * carrying that batch's events of every topic routed to the name (planJobs).
 */
export const OUTBOX_ROUTES: Readonly<Record<OutboxTopic, readonly JobName[]>> = {
  [OutboxTopic.ProcedureStepChanged]: [JobName.ProcedureStepChanged],
  [OutboxTopic.PatientUpdated]: [JobName.PatientUpdated],
  [OutboxTopic.PatientMerged]: [JobName.PatientMerged],
  [OutboxTopic.PatientIdentifierChanged]: [JobName.PatientIdentifierChanged],
  [OutboxTopic.StudyChanged]: [JobName.StudyChanged],
  [OutboxTopic.ReportReceived]: [JobName.ReportReceived],
};

export function isOutboxTopic(topic: string): topic is OutboxTopic {
  return Object.prototype.hasOwnProperty.call(OUTBOX_ROUTES, topic);
}

/**
 * The id of the job `name` carrying exactly these events (in outbox id order):
 * `outbox-<first id>-<last id>-<name>-<digest>`. The same events under the same name always give
 * the same id, so a batch enqueued twice (a crash between add and UPDATE) adds its jobs once.
 *
 * The digest covers every event's id and commit time. The ids make a dedup safe: a batch re-read
 * after a crash may hold other rows between the same first and last id (a row committed late
 * with a lower id, a row another relay took in between); without them the backend would take the
 * new job for the old one and drop the events the old one lacked, with them a different set of
 * events is a different job, and at worst an event is delivered twice (at-least-once). The times
 * keep ids from colliding when outbox ids are used again (a database restored from a backup, or
 * created anew, beside a Redis that still holds the jobs of the old one).
 */
export function outboxJobId(name: JobName, events: ReadonlyArray<{ outboxId: string; occurredAt: string }>): string {
  if (events.length === 0) throw new Error('a job carries at least one event');
  const hash = createHash('sha256');
  for (const e of events) hash.update(`${e.outboxId}@${e.occurredAt},`);
  return `outbox-${events[0].outboxId}-${events[events.length - 1].outboxId}-${name}-${hash.digest('hex').slice(0, 16)}`;
}

export function jobNamesOfQueue(queue: QueueName): JobName[] {
  return JOB_NAMES.filter((name) => JOB_DEFINITIONS[name].queue === queue);
}
