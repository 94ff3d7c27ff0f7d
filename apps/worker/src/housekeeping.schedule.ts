import type { Job } from 'bullmq';
import { FlagStaleSteps, StaleStepThresholds, UnitOfWork } from '@radflow/domain';
import { errorFields, Logger } from '@radflow/observability';
import { HOUSEKEEPING_QUEUE, QueueBackend, SCHEDULED_JOB_OPTIONS, ScheduledJobName } from '@radflow/queue';

/** HOUSEKEEPING_INTERVAL_SECONDS and the STALE_* thresholds, with the unit of work the runs use. */
export interface HousekeepingOptions {
  uow: UnitOfWork;
  /** 0: no runs, and a scheduler left by an earlier start is removed. */
  intervalSeconds: number;
  thresholds: StaleStepThresholds;
  /** The clock of the runs; tests pass their own. */
  now?: () => Date;
}

/** How long to wait before trying again to register the schedule while the queue backend is down. */
const RETRY_MS = 30_000;

/**
 * Runs housekeeping every interval as a BullMQ job scheduler on the worker's queue backend (Redis
 * or PostgreSQL): every worker instance upserts the same scheduler, the backend makes one job per
 * interval, and one worker runs it. A backend that is down at start-up does not stop the worker;
 * the schedule is registered once it answers.
 */
export class HousekeepingSchedule {
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly backend: QueueBackend,
    private readonly options: HousekeepingOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    const queue = this.backend.createQueue(HOUSEKEEPING_QUEUE);
    const enabled = this.options.intervalSeconds > 0 && (this.options.thresholds.arrivedAfterMinutes > 0 || this.options.thresholds.inProgressAfterMinutes > 0);
    if (enabled) {
      const worker = this.backend.createWorker(HOUSEKEEPING_QUEUE, (job) => this.run(job), { concurrency: 1 });
      worker.on('failed', (job: Job | undefined, e: Error) => this.log.warn({ event: 'housekeeping.failed', jobId: job?.id, ...errorFields(e) }, 'housekeeping run failed'));
    }
    const register = async (): Promise<void> => {
      if (enabled) {
        await queue.upsertJobScheduler(ScheduledJobName.FlagStaleSteps, { every: this.options.intervalSeconds * 1000 }, { name: ScheduledJobName.FlagStaleSteps, data: {}, opts: SCHEDULED_JOB_OPTIONS });
      } else {
        await queue.removeJobScheduler(ScheduledJobName.FlagStaleSteps);
      }
      this.log.info({ event: 'housekeeping.scheduled', enabled, intervalSeconds: this.options.intervalSeconds, ...this.options.thresholds }, enabled ? 'housekeeping scheduled' : 'housekeeping off');
    };
    const attempt = (): void => {
      register().catch((e: Error) => {
        if (this.stopped) return;
        this.log.warn({ event: 'housekeeping.schedule-failed', retryInMs: RETRY_MS, ...errorFields(e) }, 'could not register the housekeeping schedule');
        this.retry = setTimeout(attempt, RETRY_MS);
        this.retry.unref();
      });
    };
    attempt();
  }

  /** Before the backend closes (it closes the queue and the worker). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private async run(job: Job): Promise<void> {
    if (job.name !== ScheduledJobName.FlagStaleSteps) return;
    const now = (this.options.now ?? (() => new Date()))();
    const flagged = await new FlagStaleSteps(this.options.uow).execute({ now, thresholds: this.options.thresholds });
    // every few minutes: worth an info line only when it found something
    const found = Object.values(flagged).some((count) => count > 0);
    (found ? this.log.info : this.log.debug).call(this.log, { event: 'housekeeping.ran', jobId: job.id, flagged }, 'housekeeping ran');
  }
}
