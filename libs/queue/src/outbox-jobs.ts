import { JOB_DEFINITIONS, JobName, JobOptions, OUTBOX_ROUTES, OutboxTopic, outboxJobId } from './job-names';
import { OutboxJobData } from './payloads';
import { QueueName } from './queue-names';

/** One row of the `outbox` table as the relay reads it. */
export interface OutboxRow {
  /** bigint: pg returns it as a string, and so do we, never a lossy number */
  id: string;
  topic: OutboxTopic;
  aggregate_id: string | null;
  payload: unknown;
  created_at: Date;
}

/** A job ready for Queue.addBulk on its queue. */
export interface PlannedJob {
  queue: QueueName;
  name: JobName;
  data: OutboxJobData;
  opts: JobOptions & { jobId: string };
}

/** The jobs one outbox row becomes (OUTBOX_ROUTES), each with the row's stable job id. */
export function toJobs(row: OutboxRow): PlannedJob[] {
  const data = {
    outboxId: row.id,
    topic: row.topic,
    aggregateId: row.aggregate_id,
    occurredAt: row.created_at.toISOString(),
    payload: row.payload,
  } as OutboxJobData;
  return OUTBOX_ROUTES[row.topic].map((name) => {
    const def = JOB_DEFINITIONS[name];
    return { queue: def.queue, name, data, opts: { ...def.options, jobId: outboxJobId(row.id) } };
  });
}
