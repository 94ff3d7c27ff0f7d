import type { JobSchedulerTemplateOptions } from 'bullmq';

/**
 * Jobs the worker makes for itself on a schedule (BullMQ job schedulers), not from outbox rows:
 * a queue of their own, so a long run never waits behind events, nor events behind it. The names
 * are stored with the scheduler and its jobs: never rename one.
 */
export const HOUSEKEEPING_QUEUE = 'housekeeping';

export const ScheduledJobName = {
  FlagStaleSteps: 'housekeeping.flag-stale-steps',
} as const;
export type ScheduledJobName = (typeof ScheduledJobName)[keyof typeof ScheduledJobName];

/**
 * A failed run is not retried: the next one comes at the next interval and finds the same steps.
 * A few runs are kept for inspection.
 */
export const SCHEDULED_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 1,
  removeOnComplete: { count: 50 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
