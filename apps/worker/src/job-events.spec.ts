import { UnrecoverableError, type Job } from 'bullmq';
import type { OutboxJobData } from '@radflow/queue';
import { EventsFailedError, forEachEvent } from './job-events';

/** A job of these events that keeps its progress like BullMQ does between attempts. */
function batchJob(outboxIds: string[]) {
  const job = {
    progress: 0 as unknown,
    data: { events: outboxIds.map((outboxId) => ({ outboxId }) as OutboxJobData) },
    async updateProgress(p: unknown) {
      job.progress = p;
    },
  };
  return job as typeof job & Job<{ events: OutboxJobData[] }>;
}

describe('forEachEvent', () => {
  it('runs every event once, in order', async () => {
    const ran: string[] = [];
    await forEachEvent(batchJob(['1', '2', '3']), (e) => void ran.push(e.outboxId));
    expect(ran).toEqual(['1', '2', '3']);
  });

  it('goes on after an event fails, fails the job, and its retry runs only the events that failed', async () => {
    const job = batchJob(['1', '2', '3', '4']);
    const ran: string[] = [];
    let broken = new Set(['2', '4']);
    const handle = async (e: OutboxJobData) => {
      ran.push(e.outboxId);
      if (broken.has(e.outboxId)) throw new Error(`event ${e.outboxId} broke`);
    };
    const failure = await forEachEvent(job, handle).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EventsFailedError);
    expect(failure).toMatchObject({ name: 'EventsFailedError', outboxIds: ['2', '4'], pending: ['2', '4'] });
    expect((failure as Error).message).toContain('event 2 broke');
    expect(ran).toEqual(['1', '2', '3', '4']);

    broken = new Set(['4']);
    await expect(forEachEvent(job, handle)).rejects.toMatchObject({ outboxIds: ['4'] });
    broken = new Set();
    await forEachEvent(job, handle);
    expect(ran).toEqual(['1', '2', '3', '4', '2', '4', '4']);
  });

  it('does not retry events that failed unrecoverably; only those left: the job fails for good', async () => {
    const job = batchJob(['1', '2', '3']);
    const handle = async (e: OutboxJobData) => {
      if (e.outboxId === '1') throw new UnrecoverableError('bad event');
      if (e.outboxId === '3') throw new Error('flaky');
    };
    await expect(forEachEvent(job, handle)).rejects.toMatchObject({ name: 'EventsFailedError', outboxIds: ['1', '3'], pending: ['3'] });
    const ran: string[] = [];
    const again = forEachEvent(job, async (e) => {
      ran.push(e.outboxId);
      throw new UnrecoverableError('still bad');
    });
    // BullMQ tells an unrecoverable error by its name
    await expect(again).rejects.toMatchObject({ name: 'UnrecoverableError', outboxIds: ['3'], pending: [] });
    expect(ran).toEqual(['3']);
  });

  it('takes a job of the previous build (one event, no list) as a job of that one event', async () => {
    const legacy = batchJob([]) as unknown as { data: unknown };
    legacy.data = { outboxId: '41', topic: 'patient.updated', aggregateId: 'a', occurredAt: '2026-11-23T10:00:00.000Z', payload: { source: 'hl7' } };
    const ran: string[] = [];
    await forEachEvent(legacy as unknown as Job<{ events: OutboxJobData[] }>, (e) => void ran.push(e.outboxId));
    expect(ran).toEqual(['41']);
    legacy.data = { something: 'else' };
    await expect(forEachEvent(legacy as unknown as Job<{ events: OutboxJobData[] }>, () => undefined)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('runs every event again when the progress could not be saved (at-least-once)', async () => {
    const job = batchJob(['1', '2']);
    job.updateProgress = async () => {
      throw new Error('backend down');
    };
    await expect(forEachEvent(job, async (e) => {
      if (e.outboxId === '2') throw new Error('no');
    })).rejects.toBeInstanceOf(EventsFailedError);
    const ran: string[] = [];
    await forEachEvent(job, (e) => void ran.push(e.outboxId));
    expect(ran).toEqual(['1', '2']);
  });
});
