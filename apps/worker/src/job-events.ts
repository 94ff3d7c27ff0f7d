import { UnrecoverableError, type Job } from 'bullmq';
import type { OutboxJobData } from '@radflow/queue';

/** What a job whose events partly failed keeps in its progress: the events its retry runs. */
export interface EventsProgress {
  pending: string[];
}

/**
 * Some events of a job failed. Its name is BullMQ's `UnrecoverableError` when every one of them
 * threw an UnrecoverableError, so the job is not retried: retrying cannot help them.
 */
export class EventsFailedError extends Error {
  constructor(
    /** The outbox ids of the events that failed, in order. */
    readonly outboxIds: string[],
    /** The ones a retry will run again (the others were unrecoverable). */
    readonly pending: string[],
    cause: unknown,
  ) {
    const shown = outboxIds.length > 10 ? `${outboxIds.slice(0, 10).join(', ')}, …` : outboxIds.join(', ');
    super(`${outboxIds.length} event(s) failed (outbox ${shown}); first: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = pending.length === 0 ? 'UnrecoverableError' : 'EventsFailedError';
  }
}

/**
 * Runs `handle` for each event of a job, in outbox id order. An event that throws does not stop
 * the ones after it (a job carries the events of a whole relay batch, most of them unrelated):
 * the job fails once all ran, its progress names the events that failed, and its retry (the
 * job's `attempts`) runs only those, so each event gets the retries it would have had as a job
 * of its own. Should the progress not be saved, the retry runs every event again: delivery is
 * at-least-once, handlers must be idempotent anyway.
 */
export async function forEachEvent<E extends OutboxJobData>(
  job: Job<{ events: E[] }>,
  handle: (event: E) => unknown,
): Promise<void> {
  const pending = pendingOf(job.progress);
  const failed: Array<{ outboxId: string; error: unknown }> = [];
  const events = eventsOf<E>(job.data);
  if (!events) throw new UnrecoverableError('job data carries no outbox events');
  for (const event of events) {
    if (pending && !pending.has(event.outboxId)) continue;
    try {
      await handle(event);
    } catch (error) {
      failed.push({ outboxId: event.outboxId, error });
    }
  }
  if (failed.length === 0) return;
  const retry = failed.filter((f) => !isUnrecoverable(f.error)).map((f) => f.outboxId);
  const progress: EventsProgress = { pending: retry };
  await job.updateProgress(progress).catch(() => undefined);
  throw new EventsFailedError(failed.map((f) => f.outboxId), retry, failed[0].error);
}

/**
 * The events of a job. A job added by a relay of the previous build (one job per outbox row, its
 * data the event itself) may still wait in the queue after an upgrade: it is its own one event.
 * Undefined for data of neither shape.
 */
export function eventsOf<E extends OutboxJobData = OutboxJobData>(data: unknown): E[] | undefined {
  const d = data as { events?: unknown; outboxId?: unknown } | null | undefined;
  if (Array.isArray(d?.events)) return d.events as E[];
  if (typeof d?.outboxId === 'string') return [d as unknown as E];
  return undefined;
}

function pendingOf(progress: unknown): Set<string> | undefined {
  const list = (progress as Partial<EventsProgress> | null)?.pending;
  return Array.isArray(list) ? new Set(list.map(String)) : undefined;
}

function isUnrecoverable(e: unknown): boolean {
  return e instanceof UnrecoverableError || (e instanceof Error && e.name === 'UnrecoverableError');
}
