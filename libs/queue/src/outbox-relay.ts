import type { Pool, PoolClient } from 'pg';
import { errorFields, Logger, NULL_LOGGER } from '@radflow/observability';
import { OUTBOX_TOPICS } from './job-names';
import { JobSink } from './job-producer';
import { OutboxRow, toJobs } from './outbox-jobs';
import { withTimeout } from './with-timeout';

/** The channel the outbox trigger notifies (migration AddOutboxNotify). */
export const OUTBOX_CHANNEL = 'outbox';

export interface OutboxRelayOptions {
  /** Any pool on the application database; the relay holds one of its connections for LISTEN. */
  pool: Pool;
  sink: JobSink;
  logger?: Logger;
  /** Rows per transaction. */
  batchSize?: number;
  /** Polling fallback: a missed NOTIFY (LISTEN connection lost) delays a row by this much at most. */
  pollIntervalMs?: number;
  /** Backoff while the queue backend (or Postgres) is down: doubles from the first to the last. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Bounds how long the batch's row locks are held when the backend hangs instead of failing. */
  enqueueTimeoutMs?: number;
}

// Topics this build can route. A row of another topic (written by a newer build) waits,
// untouched, for a relay that knows it, instead of blocking the batches behind it.
const SELECT_BATCH = `
  SELECT id::text AS id, topic, aggregate_id, payload, created_at
    FROM outbox
   WHERE relayed_at IS NULL AND topic = ANY($1::text[])
   ORDER BY id
   LIMIT $2
     FOR UPDATE SKIP LOCKED`;
const MARK_RELAYED = 'UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])';
const COUNT_UNROUTABLE = `
  SELECT topic, count(*)::int AS count FROM outbox
   WHERE relayed_at IS NULL AND NOT (topic = ANY($1::text[])) GROUP BY topic`;

/**
 * Moves committed outbox rows to BullMQ (DESIGN §3). Each batch is one transaction: lock the
 * oldest unrelayed rows (SKIP LOCKED, so several relays share the work), add their jobs, mark the
 * rows relayed, commit. Jobs carry the id `outbox-<row id>`, so a crash between the add and the
 * commit re-adds the same jobs, which the backend ignores. If the add fails the transaction rolls
 * back: the rows stay, and the relay retries with backoff until the backend is back.
 *
 * Woken by NOTIFY on `outbox` (sent at commit by a trigger), with polling as the fallback.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly sink: JobSink;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly enqueueTimeoutMs: number;

  private running = false;
  private loop?: Promise<void>;
  private listener?: PoolClient;
  private listenTimer?: NodeJS.Timeout;
  /** Set by a NOTIFY; cleared when a batch starts, since that batch sees every committed row. */
  private notified = false;
  private interrupt?: () => void;
  private interruptOnNotify = false;

  constructor(options: OutboxRelayOptions) {
    this.pool = options.pool;
    this.sink = options.sink;
    this.log = (options.logger ?? NULL_LOGGER).child({ component: 'outbox-relay' });
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retryInitialMs = options.retryInitialMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.enqueueTimeoutMs = options.enqueueTimeoutMs ?? 15_000;
  }

  /** Starts listening and relaying. Resolves once the first LISTEN was attempted. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
    void this.reportUnroutable();
    this.loop = this.run();
  }

  /** Finishes the batch in progress (its add is bounded by enqueueTimeoutMs), then releases its connections. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.listenTimer);
    this.interrupt?.();
    await this.loop;
    this.loop = undefined;
    const client = this.listener;
    this.listener = undefined;
    if (client) {
      client.removeAllListeners('notification');
      // destroyed, not returned: a pooled connection still LISTENing would leak notifications
      client.release(true);
    }
  }

  /** Relays one batch; returns how many rows it relayed. Throws (rows untouched) when the add fails. */
  async relayBatch(): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // a checked-out pg client has no error listener: a dropped connection would crash the process
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    try {
      this.notified = false;
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(SELECT_BATCH, [OUTBOX_TOPICS, this.batchSize]);
      if (rows.length > 0) {
        await withTimeout(this.sink.enqueue(rows.flatMap(toJobs)), this.enqueueTimeoutMs, 'adding jobs to the queue backend');
        await client.query(MARK_RELAYED, [rows.map((r) => r.id)]);
      }
      await client.query('COMMIT');
      if (rows.length > 0) {
        this.log.debug({ event: 'outbox.relayed', count: rows.length, firstId: rows[0].id, lastId: rows[rows.length - 1].id }, 'outbox rows relayed');
      }
      return rows.length;
    } catch (e) {
      await client.query('ROLLBACK').catch((re: Error) => (broken ??= re));
      throw e;
    } finally {
      client.removeListener('error', onError);
      client.release(broken ?? false);
    }
  }

  private async run(): Promise<void> {
    let retryMs = this.retryInitialMs;
    let failures = 0;
    while (this.running) {
      try {
        // fails fast while the backend is down, before any row is locked
        await this.sink.check();
        const count = await this.relayBatch();
        if (failures > 0) this.log.info({ event: 'outbox.relay-resumed', failures }, 'outbox relay resumed');
        failures = 0;
        retryMs = this.retryInitialMs;
        if (count < this.batchSize) await this.sleep(this.pollIntervalMs, true);
      } catch (e) {
        failures++;
        // first failure and then every tenth, so an hour-long outage is not a wall of lines
        if (failures === 1 || failures % 10 === 0) {
          this.log.warn({ event: 'outbox.relay-failed', failures, retryMs, ...errorFields(e) }, 'outbox relay failed, rows kept for retry');
        }
        // jitter, so relays of several instances do not retry in step
        await this.sleep(retryMs * (0.75 + Math.random() * 0.5), false);
        retryMs = Math.min(retryMs * 2, this.retryMaxMs);
      }
    }
  }

  /** Waits ms; a NOTIFY ends the wait only between batches, never during a backoff. stop() always does. */
  private sleep(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (wakeOnNotify && this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = done;
      this.interruptOnNotify = wakeOnNotify;
    });
  }

  private readonly onNotify = () => {
    this.notified = true;
    if (this.interruptOnNotify) this.interrupt?.();
  };

  private async listen(): Promise<void> {
    if (!this.running || this.listener) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const c = client;
      c.on('error', (e: Error) => this.dropListener(c, e));
      c.on('notification', (msg) => msg.channel === OUTBOX_CHANNEL && this.onNotify());
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (!this.running) {
        c.release(true);
        return;
      }
      this.listener = c;
      // rows committed while nobody listened are found by the next batch anyway
      this.onNotify();
    } catch (e) {
      client?.release(true);
      this.log.warn({ event: 'outbox.listen-failed', ...errorFields(e) }, 'LISTEN outbox failed; polling until it works');
      this.scheduleListen();
    }
  }

  private dropListener(client: PoolClient, e: Error): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.removeAllListeners('notification');
    client.release(e);
    this.log.warn({ event: 'outbox.listen-lost', ...errorFields(e) }, 'LISTEN connection lost; polling until it is back');
    this.scheduleListen();
  }

  private scheduleListen(): void {
    if (!this.running) return;
    clearTimeout(this.listenTimer);
    this.listenTimer = setTimeout(() => void this.listen(), 2000);
  }

  /** A row nobody can route is kept, not dropped: say so once at start, with counts per topic. */
  private async reportUnroutable(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ topic: string; count: number }>(COUNT_UNROUTABLE, [OUTBOX_TOPICS]);
      for (const row of rows) {
        this.log.error({ event: 'outbox.unroutable', topic: row.topic, count: row.count }, 'outbox rows with an unknown topic are kept unrelayed');
      }
    } catch {
      // best effort: the database being down is reported by the relay loop itself
    }
  }
}
