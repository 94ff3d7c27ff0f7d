import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Pool } from 'pg';
import type { Job } from 'bullmq';
import { errorFields, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { createQueueBackend, JobData, JobProducer, OutboxRelay, QUEUE_NAMES, QueueBackend } from '@radflow/queue';
import { EventsFailedError, eventsOf } from './job-events';
import { HousekeepingSchedule } from './housekeeping.schedule';
import { JobHandlerRegistry } from './job-handler.registry';
import { WORKER_LOGGER, WORKER_MODULE_OPTIONS, WORKER_PROCESSORS, WorkerModuleOptions } from './worker-module.options';

/**
 * Owns the worker's BullMQ side: the queue backend, one Worker per queue, and the outbox relay.
 *
 * Everything is closed in beforeApplicationShutdown, which Nest runs for every module before any
 * onApplicationShutdown, so workers stop before the database module ends its pool or the
 * embedded Postgres (a worker left polling a stopped Postgres spins; DEPENDENCIES trap 4).
 */
@Injectable()
export class WorkerRuntime implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private backend?: QueueBackend;
  private producer?: JobProducer;
  private relay?: OutboxRelay;
  private housekeeping?: HousekeepingSchedule;
  private ownPool?: Pool;
  private stopping?: Promise<void>;

  constructor(
    @Inject(WORKER_MODULE_OPTIONS) private readonly options: WorkerModuleOptions,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
    @Inject(WORKER_PROCESSORS) private readonly processors: object[],
    @Optional() @Inject(READINESS) private readonly readiness?: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    // before anything connects: a job without exactly one handler must stop the boot
    const registry = JobHandlerRegistry.fromProcessors(this.processors);
    try {
      const concurrency = this.options.concurrency ?? 4;
      const backend = await createQueueBackend(
        { REDIS_URL: this.options.redisUrl, databaseUrl: this.options.databaseUrl },
        // PostgreSQL backend: per worker one LISTEN connection plus one per running job, and the producers
        // (housekeeping: one worker running one job at a time)
        { logger: this.log, poolSize: QUEUE_NAMES.length * (concurrency + 1) + 2 + (this.options.housekeeping ? 2 : 0) },
      );
      this.backend = backend;
      this.readiness?.register({ name: 'queue', check: () => backend.checkQueueBackend() });
      for (const queue of QUEUE_NAMES) {
        const worker = backend.createWorker<JobData>(queue, (job) => registry.dispatch(queue, job), { concurrency });
        worker.on('failed', (job: Job<JobData> | undefined, e: Error) => this.onFailed(queue, job, e));
      }
      if (this.options.housekeeping) {
        this.housekeeping = new HousekeepingSchedule(backend, this.options.housekeeping, this.log);
        this.housekeeping.start();
      }
      const pool = this.options.pool ?? (this.ownPool = new Pool({ connectionString: this.options.databaseUrl, max: 3, application_name: 'radflow-outbox-relay' }));
      this.ownPool?.on('error', (e) => this.log.warn({ event: 'outbox.pg-error', ...errorFields(e) }, 'relay pool error'));
      this.producer = new JobProducer(backend);
      this.relay = new OutboxRelay({ pool, sink: this.producer, logger: this.log, ...this.options.relay });
      await this.relay.start();
      this.log.info({ event: 'worker.started', backend: backend.kind, queues: QUEUE_NAMES }, 'worker started');
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** Already done by beforeApplicationShutdown; here for hosts that only call this hook. */
  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.housekeeping?.stop();
      await this.relay?.stop();
      await this.producer?.close();
      await this.backend?.close(); // workers, then queues, then connections
      await this.ownPool?.end();
      this.log.info({ event: 'worker.stopped' }, 'worker stopped');
    })();
    return this.stopping;
  }

  private onFailed(queue: string, job: Job<JobData> | undefined, e: Error): void {
    const final = !!job && (job.attemptsMade >= (job.opts.attempts ?? 1) || e.name === 'UnrecoverableError');
    const events = eventsOf(job?.data) ?? [];
    const fields = {
      event: 'job.failed', queue, job: job?.name, jobId: job?.id, events: events.length,
      firstId: events[0]?.outboxId, lastId: events[events.length - 1]?.outboxId,
      failedIds: e instanceof EventsFailedError ? e.outboxIds : undefined,
      attempt: job?.attemptsMade, final, ...errorFields(e),
    };
    if (final) this.log.error(fields, 'job failed for good');
    else this.log.warn(fields, 'job failed, will retry');
  }
}
