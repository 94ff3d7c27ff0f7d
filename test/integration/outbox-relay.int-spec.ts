import { ChildProcess, spawn } from 'node:child_process';
import { NestFactory } from '@nestjs/core';
import { Pool, PoolClient } from 'pg';
import type { Logger } from '@radflow/observability';
import { createDataSource, ensureDatabase, migrate } from '@radflow/persistence';
import {
  AnyQueue, createQueueBackend, JobProducer, JobSink, OutboxJobData, OutboxRelay, PlannedJob, QUEUE_NAMES, QueueBackend,
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

/** One worker per queue that records the outbox id of every job it runs. */
function recordingWorkers(backend: QueueBackend): Map<string, number> {
  const seen = new Map<string, number>();
  for (const queue of QUEUE_NAMES) {
    backend.createWorker<OutboxJobData>(queue, async (job) => {
      seen.set(job.data.outboxId, (seen.get(job.data.outboxId) ?? 0) + 1);
    });
  }
  return seen;
}

function expectEachOnce(seen: Map<string, number>, ids: string[]): void {
  for (const id of ids) expect({ id, runs: seen.get(id) }).toEqual({ id, runs: 1 });
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

    it('relays committed rows once, woken by NOTIFY, and marks them relayed', async () => {
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

      await waitFor('120 jobs', () => seen.size === all.length, 10_000);
      await sleep(500); // a duplicate would show up now
      expectEachOnce(seen, all);
      expect(await unrelayed(pool, all)).toBe(0);
      await relay.stop();
    });

    it('re-adding a batch after a crash between add and UPDATE creates no duplicate job', async () => {
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
      await waitFor('40 jobs', () => seen.size === ids.length);
      await sleep(500);
      expect(crashes).toBeGreaterThanOrEqual(3);
      expectEachOnce(seen, ids);
    });

    it('two relays at once never enqueue a row twice (SKIP LOCKED), and the queue holds one job per row', async () => {
      const producer = new JobProducer(backend);
      const enqueued = [new Map<string, number>(), new Map<string, number>()];
      const sinkOf = (record: Map<string, number>): JobSink => ({
        check: () => producer.check(),
        async enqueue(jobs: readonly PlannedJob[]) {
          await sleep(5); // holds the batch's row locks a little, so the relays overlap
          await producer.enqueue(jobs);
          for (const j of jobs) record.set(j.data.outboxId, (record.get(j.data.outboxId) ?? 0) + 1);
        },
      });
      const { ids } = await insertOutbox(pool, 600);
      const relays = enqueued.map((record) => new OutboxRelay({ pool, sink: sinkOf(record), batchSize: 25, pollIntervalMs: 100 }));
      await Promise.all(relays.map((r) => r.start()));
      cleanups.push(() => Promise.all(relays.map((r) => r.stop())));

      await waitFor('all rows relayed', async () => (await unrelayed(pool, ids)) === 0);
      for (const record of enqueued) expect(record.size).toBeGreaterThan(0); // both did work
      for (const id of ids) expect({ id, times: (enqueued[0].get(id) ?? 0) + (enqueued[1].get(id) ?? 0) }).toEqual({ id, times: 1 });

      const counts = await Promise.all(QUEUE_NAMES.map((q) => (backend.createQueue(q) as AnyQueue).getJobCountByTypes('waiting', 'active', 'completed')));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(ids.length);
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
      await waitFor('jobs before the outage', () => seen.size === before.length);
      await backend.checkQueueBackend();

      await killRedis();
      const during = (await insertOutbox(pool, 30)).ids;
      await sleep(2500);
      expect(await unrelayed(pool, during)).toBe(during.length);
      await expect(backend.checkQueueBackend()).rejects.toThrow();

      await startRedis(); // same port, empty: what it held before is gone, the outbox still has the rest
      await waitFor('rows relayed after the outage', async () => (await unrelayed(pool, during)) === 0, 30_000);
      await waitFor('jobs after the outage', () => during.every((id) => seen.has(id)), 30_000);
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
    it('boots alone, relays outbox rows and runs each job’s processor once, then stops cleanly', async () => {
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
