import { ChildProcess, spawn } from 'node:child_process';
import { NestFactory } from '@nestjs/core';
import { Pool, PoolClient } from 'pg';
import type { Logger } from '@radflow/observability';
import { createDataSource, ensureDatabase, migrate } from '@radflow/persistence';
import {
  AnyQueue, createQueueBackend, JobProducer, JobSink, OutboxBatchJobData, OutboxRelay, PlannedJob, QUEUE_NAMES, QueueBackend,
} from '@radflow/queue';
import { WorkerModule } from '../../apps/worker/src';
import { freePort } from '../support/free-port';

/**
 * The outbox relay against real Postgres, on both BullMQ backends. Each case gets its own
 * database so no other spec's outbox rows (or relays) interfere.
 */

// a Redis outage and restart take seconds; do not depend on the project's default timeout
jest.setTimeout(60_000);

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

async function freshDatabase(suffix: string): Promise<string> {
  const admin = process.env.RADFLOW_ADMIN_DATABASE_URL!;
  const name = `${process.env.RADFLOW_TEST_DATABASE}_relay_${suffix}`;
  await ensureDatabase(admin, name);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const ds = createDataSource({ url: u.toString(), poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  return u.toString();
}

/** Inserts rows the way the workflow does: several statements, one transaction. Returns their ids. */
async function insertOutbox(pool: Pool, count: number, commit = true): Promise<{ ids: string[]; client?: PoolClient }> {
  const client = await pool.connect();
  await client.query('BEGIN');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const step = i % 3 !== 2;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO outbox (topic, aggregate_id, payload) VALUES ($1, gen_random_uuid(), $2) RETURNING id::text AS id`,
      step
        ? ['procedure-step.changed', JSON.stringify({ procedureRef: '00000000-0000-4000-8000-000000000001', to: 'SCHEDULED', event: 'order.new' })]
        : ['patient.updated', JSON.stringify({ source: 'hl7' })],
    );
    ids.push(rows[0].id);
  }
  if (!commit) return { ids, client };
  await client.query('COMMIT');
  client.release();
  return { ids };
}

async function unrelayed(pool: Pool, ids: string[]): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL', [ids]);
  return rows[0].n;
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One batch of a relay that then dies (never started, never stopped): its error message. */
async function relayOnce(relay: OutboxRelay): Promise<string> {
  return relay.relayBatch().then(() => 'relayed', (e: Error) => e.message);
}

/** Per outbox id, how many times its event ran; `jobs` counts the jobs that carried them. */
type Seen = Map<string, number> & { jobs: number };

/** One worker per queue that records the outbox id of every event of every job it runs. */
function recordingWorkers(backend: QueueBackend): Seen {
  const seen = Object.assign(new Map<string, number>(), { jobs: 0 });
  for (const queue of QUEUE_NAMES) {
    backend.createWorker<OutboxBatchJobData>(queue, async (job) => {
      seen.jobs++;
      for (const { outboxId } of job.data.events) seen.set(outboxId, (seen.get(outboxId) ?? 0) + 1);
    });
  }
  return seen;
}

function expectEachOnce(seen: Map<string, number>, ids: string[]): void {
  for (const id of ids) expect({ id, runs: seen.get(id) }).toEqual({ id, runs: 1 });
  expect(seen.size).toBe(ids.length);
}

/** Per outbox id, in how many jobs of the backend (waiting, active or completed) its event is. */
async function eventsInQueues(backend: QueueBackend): Promise<Map<string, number>> {
  const inJobs = new Map<string, number>();
  for (const q of QUEUE_NAMES) {
    const jobs = await (backend.createQueue<OutboxBatchJobData>(q) as AnyQueue<OutboxBatchJobData>).getJobs(['waiting', 'active', 'completed'], 0, -1);
    for (const job of jobs) for (const { outboxId } of job.data.events) inJobs.set(outboxId, (inJobs.get(outboxId) ?? 0) + 1);
  }
  return inJobs;
}

/** Commits one row of each of the two topics the tests use, in its own transaction, or leaves it open. */
async function insertOne(pool: Pool, commit = true): Promise<{ id: string; client?: PoolClient }> {
  const { ids, client } = await insertOutbox(pool, 1, commit);
  return { id: ids[0], client };
}

/** A logger that keeps every line, with its bindings, for assertions. */
function capturingLogger(lines: Array<Record<string, unknown>>, bindings: object = {}): Logger {
  const put = (level: string) => (obj: object, msg: string) => void lines.push({ level, ...bindings, ...obj, msg });
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error'), child: (b) => capturingLogger(lines, { ...bindings, ...b }) };
}

describe('outbox relay', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    // relays first, then the backends (workers before connections), pools last
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  describe('on the PostgreSQL backend', () => {
    let pool: Pool;
    let backend: QueueBackend;

    beforeEach(async () => {
      const url = await freshDatabase(`pg_${Date.now()}`);
      pool = new Pool({ connectionString: url, max: 6 });
      cleanups.push(() => pool.end());
      backend = await createQueueBackend({ databaseUrl: url });
      cleanups.push(() => backend.close());
    });

    it('relays committed rows once, woken by NOTIFY, in a few batch jobs, and marks them relayed', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      // polling far slower than the test: only the trigger's NOTIFY can wake the relay in time
      const relay = new OutboxRelay({ pool, sink: producer, pollIntervalMs: 120_000 });
      await relay.start();
      cleanups.push(() => relay.stop());
      await sleep(200);

      const open = await insertOutbox(pool, 30, false);
      await sleep(1000);
      expect(seen.size).toBe(0); // not committed: invisible to the relay
      await open.client!.query('COMMIT');
      open.client!.release();
      const { ids } = await insertOutbox(pool, 90);
      const all = [...open.ids, ...ids];

      await waitFor('120 events', () => seen.size === all.length, 10_000);
      await sleep(500); // a duplicate would show up now
      expectEachOnce(seen, all);
      expect(await unrelayed(pool, all)).toBe(0);
      // a transaction commits its rows at once, so each commit is one batch: one job per job name
      expect(seen.jobs).toBeLessThanOrEqual(4);
      await relay.stop();
    });

    it('gathers a steady flow of commits into few jobs, and relays a row after a quiet spell at once', async () => {
      const seen = recordingWorkers(backend);
      const relay = new OutboxRelay({ pool, sink: new JobProducer(backend), pollIntervalMs: 120_000, minBatchIntervalMs: 1000 });
      await relay.start();
      cleanups.push(() => relay.stop());
      await sleep(1200);

      const started = Date.now();
      const quiet = (await insertOne(pool)).id;
      await waitFor('the row after a quiet spell', async () => (await unrelayed(pool, [quiet])) === 0, 5000);
      expect(Date.now() - started).toBeLessThan(600); // not held back by the interval
      await waitFor('its event', () => seen.has(quiet));
      const jobsBefore = seen.jobs;
      const flow: string[] = [];
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        flow.push((await insertOne(pool)).id); // one commit, one NOTIFY each
        await sleep(10);
      }
      await waitFor('the flow', () => flow.every((id) => seen.has(id)), 10_000);
      await sleep(500);
      expectEachOnce(seen, [quiet, ...flow]);
      // one job per batch here (one topic), batches at least a second apart: 2 or 3, not one per commit
      expect(flow.length).toBeGreaterThan(30);
      expect(seen.jobs - jobsBefore).toBeLessThanOrEqual(4);
    });

    it('re-adding a batch after a crash between add and UPDATE runs no event twice', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      let crashes = 0;
      const crashingSink: JobSink = {
        check: () => producer.check(),
        async enqueue(jobs) {
          await producer.enqueue(jobs);
          if (crashes++ < 2) throw new Error('simulated crash after add');
        },
      };
      const { ids } = await insertOutbox(pool, 40);
      const relay = new OutboxRelay({ pool, sink: crashingSink, pollIntervalMs: 100, retryInitialMs: 50 });
      await relay.start();
      cleanups.push(() => relay.stop());

      await waitFor('rows relayed after the crashes', async () => (await unrelayed(pool, ids)) === 0);
      await waitFor('40 events', () => seen.size === ids.length);
      await sleep(500);
      expect(crashes).toBeGreaterThanOrEqual(3);
      expectEachOnce(seen, ids);
      expectEachOnce(await eventsInQueues(backend), ids);
    });

    it('a relay that failed after its add reads the same rows again, even when rows committed in between', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      let crash = true;
      const crashingSink: JobSink = {
        check: () => producer.check(),
        async enqueue(jobs) {
          await producer.enqueue(jobs);
          if (crash) throw new Error('simulated crash after add');
        },
      };
      const relay = new OutboxRelay({ pool, sink: crashingSink });
      const first = (await insertOutbox(pool, 6)).ids;
      await expect(relay.relayBatch()).rejects.toThrow('simulated crash');
      // a row with a lower id than the next ones, committed after them, and more rows
      const late = await insertOne(pool, false);
      const more = (await insertOutbox(pool, 3)).ids;
      await late.client!.query('COMMIT');
      late.client!.release();
      crash = false;
      expect(await relay.relayBatch()).toBe(first.length); // the same rows, so the same jobs: deduped
      expect(await relay.relayBatch()).toBe(4);
      const all = [...first, late.id, ...more];
      await waitFor('every event', () => all.every((id) => seen.has(id)));
      await sleep(500);
      expectEachOnce(seen, all);
    });

    it('a batch read with other rows after a crash may run events twice, never loses one', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      const crashingSink: JobSink = {
        check: () => producer.check(),
        async enqueue(jobs) {
          await producer.enqueue(jobs);
          throw new Error('simulated crash after add');
        },
      };
      // rows a and c committed, b (an id between them) still open: the dying relay's batch is {a, c}
      const a = (await insertOne(pool)).id;
      const b = await insertOne(pool, false);
      const c = (await insertOne(pool)).id;
      expect(await relayOnce(new OutboxRelay({ pool, sink: crashingSink }))).toMatch('simulated crash');
      await b.client!.query('COMMIT');
      b.client!.release();

      // after the restart the batch is {a, b, c}: same first and last id, other events
      const restarted = new OutboxRelay({ pool, sink: producer });
      expect(await restarted.relayBatch()).toBe(3);
      await waitFor('every event', () => seen.get(a) === 2 && seen.get(c) === 2 && seen.has(b.id));
      await sleep(500);
      expect(seen.get(b.id)).toBe(1); // a job id by first and last id alone would have dropped it
      expect([seen.get(a), seen.get(c)]).toEqual([2, 2]); // at-least-once: the dead relay's jobs ran too
    });

    it('when another relay took rows of a failed batch, the rest may run twice, none is lost', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      let crash = true;
      const lines: Array<Record<string, unknown>> = [];
      const failing = new OutboxRelay({
        pool,
        logger: capturingLogger(lines),
        sink: {
          check: () => producer.check(),
          async enqueue(jobs) {
            await producer.enqueue(jobs);
            if (crash) throw new Error('simulated crash after add');
          },
        },
      });
      const { ids } = await insertOutbox(pool, 10);
      await expect(failing.relayBatch()).rejects.toThrow('simulated crash');
      // meanwhile another relay takes the first three rows
      expect(await new OutboxRelay({ pool, sink: producer, batchSize: 3 }).relayBatch()).toBe(3);
      expect(await unrelayed(pool, ids.slice(0, 3))).toBe(0); // the oldest three, in id order
      crash = false;
      expect(await failing.relayBatch()).toBe(7);
      expect(lines).toContainEqual(expect.objectContaining({ event: 'outbox.retry-changed', before: 10, now: 7 }));
      // every event ran as often as jobs carry it: once from the failed batch's jobs, once more
      // from the job that carried it after (a job of unchanged events would have been deduped)
      const inJobs = await eventsInQueues(backend);
      await waitFor('every job ran', () => ids.every((id) => seen.get(id) === inJobs.get(id)));
      await sleep(500);
      for (const id of ids) expect({ id, runs: seen.get(id) }).toEqual({ id, runs: 2 });
      expect(await unrelayed(pool, ids)).toBe(0);
    });

    it('two relays at once never enqueue or run an event twice (SKIP LOCKED)', async () => {
      const seen = recordingWorkers(backend);
      const producer = new JobProducer(backend);
      const enqueued = [new Map<string, number>(), new Map<string, number>()];
      const sinkOf = (record: Map<string, number>): JobSink => ({
        check: () => producer.check(),
        async enqueue(jobs: readonly PlannedJob[]) {
          await sleep(5); // holds the batch's row locks a little, so the relays overlap
          await producer.enqueue(jobs);
          for (const j of jobs) for (const { outboxId } of j.data.events) record.set(outboxId, (record.get(outboxId) ?? 0) + 1);
        },
      });
      const { ids } = await insertOutbox(pool, 600);
      const relays = enqueued.map((record) => new OutboxRelay({ pool, sink: sinkOf(record), batchSize: 25, pollIntervalMs: 100 }));
      await Promise.all(relays.map((r) => r.start()));
      cleanups.push(() => Promise.all(relays.map((r) => r.stop())));

      await waitFor('all rows relayed', async () => (await unrelayed(pool, ids)) === 0);
      for (const record of enqueued) expect(record.size).toBeGreaterThan(0); // both did work
      for (const id of ids) expect({ id, times: (enqueued[0].get(id) ?? 0) + (enqueued[1].get(id) ?? 0) }).toEqual({ id, times: 1 });

      // every event in exactly one job of the backend, and run once
      expectEachOnce(await eventsInQueues(backend), ids);
      await waitFor('every event ran', () => ids.every((id) => seen.has(id)));
      await sleep(500);
      expectEachOnce(seen, ids);
      // batches of 25 rows: at most two jobs (one per job name) per batch
      expect(seen.jobs).toBeLessThanOrEqual(2 * Math.ceil(ids.length / 25));
    });
  });

  describe('on Redis', () => {
    let redis: ChildProcess | undefined;
    let port: number;

    async function startRedis(): Promise<void> {
      const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
        child.on('error', (e) => (clearTimeout(timer), reject(new Error(`cannot run ${REDIS_SERVER} (apt-get install -y redis-server): ${e.message}`))));
        child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited with ${code}: ${out}`))));
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ready to accept connections')) (clearTimeout(timer), resolve());
        });
      });
      child.removeAllListeners('exit');
      redis = child;
    }

    async function killRedis(): Promise<void> {
      const child = redis;
      redis = undefined;
      if (!child || child.exitCode !== null) return;
      await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));
    }

    beforeEach(async () => {
      port = await freePort();
      await startRedis();
      cleanups.push(() => killRedis());
    });

    it('relays while Redis is up, keeps rows while it is down, and relays them when it is back', async () => {
      const url = await freshDatabase(`redis_${Date.now()}`);
      const pool = new Pool({ connectionString: url, max: 4 });
      cleanups.push(() => pool.end());
      const backend = await createQueueBackend({ REDIS_URL: `redis://127.0.0.1:${port}`, databaseUrl: url });
      cleanups.push(() => backend.close());
      expect(backend.kind).toBe('redis');
      const seen = recordingWorkers(backend);
      const relay = new OutboxRelay({ pool, sink: new JobProducer(backend), pollIntervalMs: 200, retryInitialMs: 100, retryMaxMs: 500 });
      await relay.start();
      cleanups.push(() => relay.stop());

      const before = (await insertOutbox(pool, 50)).ids;
      await waitFor('events before the outage', () => seen.size === before.length);
      await backend.checkQueueBackend();

      await killRedis();
      const during = (await insertOutbox(pool, 30)).ids;
      await sleep(2500);
      expect(await unrelayed(pool, during)).toBe(during.length);
      await expect(backend.checkQueueBackend()).rejects.toThrow();

      await startRedis(); // same port, empty: what it held before is gone, the outbox still has the rest
      await waitFor('rows relayed after the outage', async () => (await unrelayed(pool, during)) === 0, 30_000);
      await waitFor('events after the outage', () => during.every((id) => seen.has(id)), 30_000);
      await backend.checkQueueBackend();
      await sleep(500);
      expectEachOnce(seen, [...before, ...during]);

      // shutting down while Redis is down must not hang (BullMQ's graceful close would)
      await relay.stop();
      await killRedis();
      const started = Date.now();
      await backend.close();
      expect(Date.now() - started).toBeLessThan(5000);
      // a force-closed BullMQ worker keeps its fetch watchdog timer (drainDelay + 1 s) running
      await sleep(6500);
    });
  });

  describe('WorkerModule', () => {
    it('boots alone, relays outbox rows and runs each event’s processor once, then stops cleanly', async () => {
      const url = await freshDatabase(`module_${Date.now()}`);
      const pool = new Pool({ connectionString: url, max: 2 });
      cleanups.push(() => pool.end());
      const lines: Array<Record<string, unknown>> = [];
      const app = await NestFactory.createApplicationContext(
        WorkerModule.forRoot({ databaseUrl: url, logger: capturingLogger(lines), relay: { pollIntervalMs: 200 } }),
        { logger: false },
      );
      cleanups.push(() => app.close());
      await app.init();
      expect(lines).toContainEqual(expect.objectContaining({ event: 'worker.started', backend: 'postgres' }));

      const { ids } = await insertOutbox(pool, 12);
      const ran = () => lines.filter((l) => l.event === 'job.ran').map((l) => String(l.outboxId));
      await waitFor('processors ran', () => ids.every((id) => ran().includes(id)));
      await sleep(300);
      expect(ran().sort()).toEqual([...ids].sort());
      // ids only: the processors never log the payload
      expect(lines.filter((l) => l.event === 'job.ran').every((l) => !('payload' in l))).toBe(true);

      const started = Date.now();
      await app.close();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(lines).toContainEqual(expect.objectContaining({ event: 'worker.stopped' }));
    });
  });
});
