import { PlannedJob } from './outbox-jobs';
import { AnyQueue, QueueBackend } from './queue-backend';
import { QueueName } from './queue-names';

/** Where the relay puts jobs. An interface so the relay can be tested against a fake. */
export interface JobSink {
  /** Adds every job or throws; adding a job whose id already exists is a no-op (dedup). */
  enqueue(jobs: readonly PlannedJob[]): Promise<void>;
  /** Rejects quickly when the backend is down, so the relay backs off without locking rows. */
  check(): Promise<void>;
}

/** Adds planned jobs to their BullMQ queues, one addBulk per queue. */
export class JobProducer implements JobSink {
  private readonly queues = new Map<QueueName, AnyQueue>();

  constructor(private readonly backend: QueueBackend) {}

  async enqueue(jobs: readonly PlannedJob[]): Promise<void> {
    const byQueue = new Map<QueueName, PlannedJob[]>();
    for (const job of jobs) {
      const list = byQueue.get(job.queue) ?? [];
      list.push(job);
      byQueue.set(job.queue, list);
    }
    await Promise.all(
      [...byQueue].map(([queue, list]) => this.queue(queue).addBulk(list.map((j) => ({ name: j.name, data: j.data, opts: j.opts })))),
    );
  }

  check(): Promise<void> {
    return this.backend.checkQueueBackend();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(name: QueueName): AnyQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = this.backend.createQueue(name);
      this.queues.set(name, q);
    }
    return q;
  }
}
