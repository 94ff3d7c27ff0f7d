import type { Pool, PoolClient } from 'pg';
import { errorFields, Logger, NULL_LOGGER } from '@radflow/observability';
import { OUTBOX_TOPICS } from './job-names';
import { JobSink } from './job-producer';
import { OutboxRow, planJobs } from './outbox-jobs';
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
  /**
   * Under a steady flow of rows, batches start at least this far apart (a NOTIFY within it waits
   * for its end), so rows gather into a few jobs instead of one job per commit; a row committed
   * after a quiet spell is relayed at once, and a backlog in full batches without waiting. It
   * bounds the jobs per second, the cost that matters on BullMQ's PostgreSQL backend, at the
   * price of that much latency under load.
   */
  minBatchIntervalMs?: number;
  /** Backoff while the queue backend (or Postgres) is down: doubles from the first to the last. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Bounds how long the batch's row locks are held when the backend hangs instead of failing. */
  enqueueTimeoutMs?: number;
}

// Topics this build can route. A row of another topic (written by a newer build) waits,
// untouched, for a relay that knows it, instead of blocking the batches behind it.
// `outbox.id`, not `id`: ORDER BY a bare name means the output column, here the id as text.
const SELECT_BATCH = `
  SELECT id::text AS id, topic, aggregate_id, payload, created_at
    FROM outbox
   WHERE relayed_at IS NULL AND topic = ANY($1::text[])
   ORDER BY outbox.id
   LIMIT $2
     FOR UPDATE SKIP LOCKED`;
// The rows of a batch whose add failed, again: the same rows give the same jobs (planJobs).
const SELECT_AGAIN = `
  SELECT id::text AS id, topic, aggregate_id, payload, created_at
    FROM outbox
   WHERE relayed_at IS NULL AND id = ANY($1::bigint[])
   ORDER BY outbox.id
     FOR UPDATE SKIP LOCKED`;
const MARK_RELAYED = 'UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])';
const COUNT_UNROUTABLE = `
  SELECT topic, count(*)::int AS count FROM outbox
   WHERE relayed_at IS NULL AND NOT (topic = ANY($1::text[])) GROUP BY topic`;

/**
 * Moves committed outbox rows to BullMQ (DESIGN §3). Each batch is one transaction: lock the
 * oldest unrelayed rows (SKIP LOCKED, so several relays share the work), add their jobs, mark the
 * rows relayed, commit. A batch becomes one job per job name, carrying the events of its rows
 * (planJobs): with BullMQ's PostgreSQL backend a job costs far more than an event.
 *
 * Delivery is at-least-once; processors must be idempotent. Job ids derive from the exact set of
 * events a job carries (outboxJobId), so re-adding the same rows adds nothing, and different rows
 * never share an id (no event is ever lost to a dedup). If the add fails (or the UPDATE or the
 * commit after it) the transaction rolls back, the rows stay, and the relay retries with backoff
 * until the backend is back; its next batch is then the same rows again (SELECT_AGAIN), so jobs
 * that were added before the failure are not added twice. When the rows changed in between, an
 * event may be delivered twice, never lost:
 * - another relay took some of them after the rollback (several relays share one outbox);
 * - the process died, and the batch read after the restart is not the same set: a row committed
 *   late with a lower id joins it, or another relay holds some rows, or new rows fill it up.
 * A single relay whose add throws (backend down, timeout) re-reads the same rows, so each event
 * is delivered once.
 *
 * Woken by NOTIFY on `outbox` (sent at commit by a trigger), with polling as the fallback.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private readonly sink: JobSink;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minBatchIntervalMs: number;
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
  /** Ids of the batch whose add may have happened without the UPDATE: the next batch reads them again. */
  private retryIds?: string[];

  constructor(options: OutboxRelayOptions) {
    this.pool = options.pool;
    this.sink = options.sink;
    this.log = (options.logger ?? NULL_LOGGER).child({ component: 'outbox-relay' });
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.minBatchIntervalMs = options.minBatchIntervalMs ?? 100;
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
      const again = this.retryIds;
      // a new batch sees every row committed so far; a batch read again does not
      if (!again) this.notified = false;
      await client.query('BEGIN');
      const { rows } = again
        ? await client.query<OutboxRow>(SELECT_AGAIN, [again])
        : await client.query<OutboxRow>(SELECT_BATCH, [OUTBOX_TOPICS, this.batchSize]);
      if (again && rows.length !== again.length) {
        this.log.info(
          { event: 'outbox.retry-changed', before: again.length, now: rows.length },
          'another relay took rows of the failed batch meanwhile: the events of the rest may be delivered twice',
        );
      }
      const ids = rows.map((r) => r.id);
      let jobs = 0;
      if (rows.length > 0) {
        const planned = planJobs(rows);
        jobs = planned.length;
        // from here until the commit, the jobs may exist while the rows are not marked
        this.retryIds = ids;
        await withTimeout(this.sink.enqueue(planned), this.enqueueTimeoutMs, 'adding jobs to the queue backend');
        await client.query(MARK_RELAYED, [ids]);
      }
      await client.query('COMMIT');
      this.retryIds = undefined;
      if (rows.length > 0) {
        this.log.debug({ event: 'outbox.relayed', count: rows.length, jobs, firstId: ids[0], lastId: ids[ids.length - 1] }, 'outbox rows relayed');
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
        const again = this.retryIds !== undefined;
        const started = Date.now();
        const count = await this.relayBatch();
        if (failures > 0) this.log.info({ event: 'outbox.relay-resumed', failures }, 'outbox relay resumed');
        failures = 0;
        retryMs = this.retryInitialMs;
        // a batch read again was not a look at the whole outbox, a full one left rows: go on at once
        if (!again && count < this.batchSize) {
          await this.sleep(this.pollIntervalMs, true);
          const rest = started + this.minBatchIntervalMs - Date.now();
          if (rest > 0) await this.sleep(rest, false);
        }
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
