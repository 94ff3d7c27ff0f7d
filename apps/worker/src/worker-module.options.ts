import type { Pool } from 'pg';
import type { Logger } from '@radflow/observability';
import type { OutboxRelayOptions } from '@radflow/queue';
import type { HousekeepingOptions } from './housekeeping.schedule';

/** What the worker needs from the process that hosts it. */
export interface WorkerModuleOptions {
  /** The application database: outbox rows, and BullMQ's own schema when redisUrl is unset. */
  databaseUrl: string;
  /** REDIS_URL: BullMQ runs on Redis when set, else on the PostgreSQL backend. */
  redisUrl?: string;
  /** The host's pool for the relay (it holds one connection for LISTEN); when absent the worker opens its own. */
  pool?: Pool;
  /** Falls back to the process LOGGER when the host has ObservabilityModule. */
  logger?: Logger;
  /** Jobs run at once per queue. */
  concurrency?: number;
  /** Periodic housekeeping (stale steps); none when absent. */
  housekeeping?: HousekeepingOptions;
  relay?: Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'minBatchIntervalMs' | 'retryInitialMs' | 'retryMaxMs' | 'enqueueTimeoutMs'>;
}

export const WORKER_MODULE_OPTIONS = Symbol('WORKER_MODULE_OPTIONS');
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');
export const WORKER_PROCESSORS = Symbol('WORKER_PROCESSORS');
