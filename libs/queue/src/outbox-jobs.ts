import { JOB_DEFINITIONS, JobName, JobOptions, OUTBOX_ROUTES, OutboxTopic, outboxJobId } from './job-names';
import { OutboxBatchJobData, OutboxJobData } from './payloads';
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
  data: OutboxBatchJobData;
  opts: JobOptions & { jobId: string };
}

/** The event of one outbox row, as jobs carry it (ids only, like the row). */
export function toEvent(row: OutboxRow): OutboxJobData {
  return {
    outboxId: row.id,
    topic: row.topic,
    aggregateId: row.aggregate_id,
    occurredAt: row.created_at.toISOString(),
    payload: row.payload,
  } as OutboxJobData;
}

/**
 * The jobs of one relay batch: one per job name its rows route to (OUTBOX_ROUTES), carrying the
 * events of that name in outbox id order, in the order the names first occur. A pure function
 * of the set of rows, so the same rows always give the same jobs with the same ids (outboxJobId).
 */
export function planJobs(rows: readonly OutboxRow[]): PlannedJob[] {
  const byName = new Map<JobName, OutboxJobData[]>();
  for (const row of [...rows].sort(byId)) {
    const event = toEvent(row);
    for (const name of OUTBOX_ROUTES[row.topic]) {
      const events = byName.get(name);
      if (events) events.push(event);
      else byName.set(name, [event]);
    }
  }
  return [...byName].map(([name, events]) => {
    const def = JOB_DEFINITIONS[name];
    const jobId = outboxJobId(name, events);
    return { queue: def.queue, name, data: { events }, opts: { ...def.options, jobId } };
  });
}

/** Numeric order of bigint ids held as decimal strings (no leading zeros). */
function byId(a: OutboxRow, b: OutboxRow): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
