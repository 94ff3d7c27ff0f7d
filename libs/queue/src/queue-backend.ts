import { Pool, PoolClient, PoolConfig } from 'pg';
import { Redis } from 'ioredis';
import {
  assertSchemaCompatibility,
  createPostgresBackend,
  createRedisBackend,
  IQueueBackend,
  Processor,
  quoteSchemaName,
  Queue,
  runMigrations,
  withBackend,
  Worker,
} from 'bullmq';
import { errorFields, Logger, NULL_LOGGER } from '@radflow/observability';
import { QUEUE_NAMES } from './queue-names';
import { withTimeout } from './with-timeout';

export type QueueBackendKind = 'redis' | 'postgres';

/** A BullMQ queue or worker on either backend; callers never depend on which one. */
export type AnyQueue<D = unknown> = Queue<D, unknown, string, D, unknown, string, IQueueBackend, any>;
export type AnyWorker<D = unknown> = Worker<D, unknown, string, IQueueBackend, any, any>;

export interface QueueBackendEnv {
  REDIS_URL?: string;
  databaseUrl: string;
}

export interface QueueBackendOptions {
  logger?: Logger;
  /** PostgreSQL backend only: the schema BullMQ's tables live in, beside ours. */
  schema?: string;
  /** PostgreSQL backend only: every worker holds one connection of it for LISTEN. */
  poolSize?: number;
}

export interface WorkerSettings {
  concurrency?: number;
}

/**
 * Where BullMQ keeps its jobs: Redis when REDIS_URL is set, else the PostgreSQL backend in the
 * application database (DESIGN §2). Queues and workers built here are tracked, so close()
 * shuts them before it closes the connections they use (DEPENDENCIES trap 4).
 */
export interface QueueBackend {
  readonly kind: QueueBackendKind;
  /** A producer: in Redis mode its commands fail at once while Redis is down, never queue up. */
  createQueue<D = unknown>(name: string): AnyQueue<D>;
  createWorker<D = unknown>(name: string, processor: Processor<D>, settings?: WorkerSettings): AnyWorker<D>;
  /** Readiness: resolves when the backend answers, rejects (quickly) when it does not. */
  checkQueueBackend(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE_SCHEMA = 'bullmq';

/** How long close() lets running jobs finish. */
const CLOSE_GRACE_MS = 20_000;

/**
 * Builds the backend. PostgreSQL: runs BullMQ's migrations now, explicitly, so a schema problem
 * stops start-up instead of the first job. Redis: does not wait for Redis, which may be down at
 * start; the relay keeps outbox rows until it is up.
 *
 * The backend factory is passed per instance (bullmq `withBackend`), never through the
 * process-wide `setDefaultBackendFactory`, so one process can hold both kinds (tests do).
 */
export async function createQueueBackend(env: QueueBackendEnv, options: QueueBackendOptions = {}): Promise<QueueBackend> {
  const log = (options.logger ?? NULL_LOGGER).child({ component: 'queue-backend' });
  return env.REDIS_URL ? new RedisQueueBackend(env.REDIS_URL, log) : PostgresQueueBackend.create(env.databaseUrl, options, log);
}

abstract class TrackingBackend {
  private readonly queues = new Set<AnyQueue<any>>();
  private readonly workers = new Set<AnyWorker<any>>();
  private closing?: Promise<void>;
  private readonly lastWarn = new Map<string, number>();

  constructor(protected readonly log: Logger) {}

  protected track<T extends AnyQueue<any> | AnyWorker<any>>(instance: T, kind: 'queue' | 'worker', name: string): T {
    // An 'error' event without a listener would crash the process; the backend being down is
    // an expected state here (the relay retries), so it is logged, at most every 30 s.
    (instance as unknown as NodeJS.EventEmitter).on('error', (e: Error) => this.warn({ event: 'queue.error', kind, queue: name, ...errorFields(e) }));
    if (kind === 'queue') this.queues.add(instance as AnyQueue<any>);
    else this.workers.add(instance as AnyWorker<any>);
    return instance;
  }

  protected warn(fields: { event: string; [key: string]: unknown }): void {
    const now = Date.now();
    if (now - (this.lastWarn.get(fields.event) ?? 0) < 30_000) return;
    this.lastWarn.set(fields.event, now);
    this.log.warn(fields, 'queue backend error');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // A graceful close lets running jobs finish, but while the backend is down it waits for
      // ever (BullMQ 6 quits its blocking connection): nothing could be recorded as done anyway,
      // so close by force then; the jobs' locks expire and they run again (at-least-once).
      const reachable = await withTimeout(this.checkQueueBackend(), 2000, 'queue backend check').then(() => true, () => false);
      // workers first: one still polling a closed connection spins (DEPENDENCIES trap 4)
      await Promise.allSettled(
        [...this.workers].map((w) =>
          withTimeout(w.close(!reachable), CLOSE_GRACE_MS, 'closing a worker').catch((e) => this.log.error({ event: 'queue.close-timeout', ...errorFields(e) }, 'worker did not close')),
        ),
      );
      await Promise.allSettled([...this.queues].map((q) => q.close()));
      await this.closeConnections();
    })();
    return this.closing;
  }

  abstract checkQueueBackend(): Promise<void>;
  protected abstract closeConnections(): Promise<void>;
}

class RedisQueueBackend extends TrackingBackend implements QueueBackend {
  readonly kind = 'redis' as const;
  private readonly classes = withBackend(createRedisBackend);
  /** Workers block on it; BullMQ requires maxRetriesPerRequest: null so they wait for Redis. */
  private readonly workerConnection: Redis;
  /** Producers and /health: fail fast while Redis is down so the relay backs off instead of piling up commands. */
  private readonly producerConnection: Redis;

  constructor(url: string, log: Logger) {
    super(log);
    this.workerConnection = new Redis(url, { maxRetriesPerRequest: null });
    this.producerConnection = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    for (const c of [this.workerConnection, this.producerConnection]) {
      c.on('error', (e: Error) => this.warn({ event: 'redis.error', ...errorFields(e) }));
    }
  }

  createQueue<D>(name: string): AnyQueue<D> {
    return this.track(new this.classes.Queue<D>(name, { connection: this.producerConnection }), 'queue', name) as AnyQueue<D>;
  }

  createWorker<D>(name: string, processor: Processor<D>, settings: WorkerSettings = {}): AnyWorker<D> {
    const worker = new this.classes.Worker<D>(name, processor, { connection: this.workerConnection, concurrency: settings.concurrency ?? 1 });
    return this.track(worker, 'worker', name) as unknown as AnyWorker<D>;
  }

  async checkQueueBackend(): Promise<void> {
    await this.producerConnection.ping();
  }

  protected async closeConnections(): Promise<void> {
    // Not quit(): its queued QUIT is lost when Redis has just gone (status still 'ready'), and
    // the client then reconnects for ever. Every queue and worker is closed: nothing is pending.
    for (const c of [this.workerConnection, this.producerConnection]) c.disconnect();
  }
}

class PostgresQueueBackend extends TrackingBackend implements QueueBackend {
  readonly kind = 'postgres' as const;
  private readonly classes = withBackend(createPostgresBackend);

  private constructor(
    /** BullMQ's own pool: its search_path is pinned to the BullMQ schema, so it is never shared with ours. */
    private readonly pool: Pool,
    private readonly schema: string,
    log: Logger,
  ) {
    super(log);
  }

  static async create(databaseUrl: string, options: QueueBackendOptions, log: Logger): Promise<PostgresQueueBackend> {
    const schema = options.schema ?? DEFAULT_QUEUE_SCHEMA;
    const pool = new Pool({
      connectionString: databaseUrl,
      // a caller-owned pool is used as-is by BullMQ, which reads unqualified names: pin the schema
      options: `-c search_path=${quoteSchemaName(schema)}`,
      max: options.poolSize ?? QUEUE_NAMES.length * 2 + 4,
      // lets BullMQ block up to an hour on LISTEN instead of re-polling every 10 s
      keepAlive: true,
      application_name: 'radflow-bullmq',
      connectionTimeoutMillis: 5000,
      // pg-pool listens for errors only on idle clients; a checked-out one whose backend is
      // terminated would otherwise raise an uncaught 'error'. Dropped on release, like an idle one.
      onConnect: (client: PoolClient) => void client.on('error', (e) => backend.warn({ event: 'queue.pg-error', ...errorFields(e) })),
    } as PoolConfig);
    const backend = new PostgresQueueBackend(pool, schema, log);
    pool.on('error', (e) => backend.warn({ event: 'queue.pg-error', ...errorFields(e) }));
    try {
      const client = await pool.connect();
      try {
        const version = await runMigrations(client, schema);
        log.info({ event: 'queue.migrated', schema, version }, 'BullMQ schema ready');
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return backend;
  }

  createQueue<D>(name: string): AnyQueue<D> {
    return this.track(new this.classes.Queue<D>(name, { connection: this.pool }), 'queue', name) as unknown as AnyQueue<D>;
  }

  createWorker<D>(name: string, processor: Processor<D>, settings: WorkerSettings = {}): AnyWorker<D> {
    const worker = new this.classes.Worker<D>(name, processor, { connection: this.pool, concurrency: settings.concurrency ?? 1 });
    return this.track(worker, 'worker', name) as unknown as AnyWorker<D>;
  }

  async checkQueueBackend(): Promise<void> {
    await assertSchemaCompatibility(this.pool, this.schema);
  }

  protected async closeConnections(): Promise<void> {
    await this.pool.end();
  }
}
