import { ChildProcess, spawn } from 'node:child_process';
import { NestFactory } from '@nestjs/core';
import { Pool, PoolClient } from 'pg';
import { createDataSource, ensureDatabase, migrate } from '@radflow/persistence';
import {
  AnyQueue, createQueueBackend, JobProducer, JobSink, OUTBOX_CHANNEL, OutboxBatchJobData, OutboxRelay, PlannedJob, QUEUE_NAMES, QueueBackend,
} from '@radflow/queue';
import { WorkerModule } from '../../apps/worker/src';
import { freePort } from '../support/free-port';
import { capturingLogger } from '../support/capturing-logger';

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
        ? ['procedure-step.changed', JSON.stringify({ procedureRef: '00000000-0000-4000-8000-000000000001', to: 'SCHEDULED', event: 'order.placed' })]
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

/** The outbox ids of each batch the relay handed to the sink, and the jobs it made of them, in order. */
type Batch = { ids: string[]; jobs: number };

/** Passes every batch on to `sink`, after `before` (a gate a test may hold), and records it. */
function recordingSink(sink: JobSink, batches: Batch[], before: (batch: Batch) => Promise<void> = async () => undefined): JobSink {
  return {
    check: () => sink.check(),
    async enqueue(jobs) {
      const batch = { ids: [...new Set(jobs.flatMap((j) => j.data.events.map((e) => e.outboxId)))], jobs: jobs.length };
      await before(batch);
      await sink.enqueue(jobs);
      batches.push(batch);
    },
  };
}

/** Each commit's rows went out in one batch: none was split across batches. */
function expectWholeCommits(batches: Batch[], commits: string[][]): void {
  for (const batch of batches) {
    for (const commit of commits) {
      const inBatch = commit.filter((id) => batch.ids.includes(id)).length;
      expect({ commit: commit[0], inBatch }).toEqual({ commit: commit[0], inBatch: inBatch === 0 ? 0 : commit.length });
    }
  }
}

/** A promise with its resolve, for a test to release a gate when it chooses. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A logger that keeps every line, with its bindings, for assertions. */
describe('outbox relay', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    // relays first, then the backends (workers before connections), pools last
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  describe('on the PostgreSQL backend', () => {
    let url: string;
    let pool: Pool;
    let backend: QueueBackend;

    beforeEach(async () => {
      url = await freshDatabase(`pg_${Date.now()}`);
      pool = new Pool({ connectionString: url, max: 6 });
      cleanups.push(() => pool.end());
      backend = await createQueueBackend({ databaseUrl: url });
      cleanups.push(() => backend.close());
    });

    it('relays committed rows once, woken by NOTIFY, a commit never split across batches, and marks them relayed', async () => {
      const seen = recordingWorkers(backend);
      const batches: Batch[] = [];
      // polling far slower than the test: only the trigger's NOTIFY can wake the relay in time
      const relay = new OutboxRelay({ pool, sink: recordingSink(new JobProducer(backend), batches), pollIntervalMs: 120_000 });
      await relay.start();
      cleanups.push(() => relay.stop());

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
      // a transaction commits its rows at once, so each batch holds whole commits: one job per job name
      expectWholeCommits(batches, [open.ids, ids]);
      expect(batches.flatMap((b) => b.ids).sort()).toEqual([...all].sort());
      expect(batches.map((b) => b.jobs)).toEqual(batches.map(() => 2)); // both topics are in every commit
      expect(seen.jobs).toBe(2 * batches.length);
      await relay.stop();
    });

    it('relays a lone commit in a batch of its own, and gathers the commits made meanwhile into the next batch', async () => {
      const seen = recordingWorkers(backend);
      const batches: Batch[] = [];
      const gate = deferred();
      const reached = deferred();
      // the first batch is held in its add until the test has committed the flow
      const sink = recordingSink(new JobProducer(backend), batches, async () => {
        if (batches.length > 0) return;
        reached.resolve();
        await gate.promise;
      });
      const relay = new OutboxRelay({ pool, sink, pollIntervalMs: 120_000, minBatchIntervalMs: 1000 });
      await relay.start();
      cleanups.push(() => relay.stop());

      const lone = (await insertOne(pool)).id;
      await reached.promise;
      const flow: string[] = [];
      for (let i = 0; i < 40; i++) flow.push((await insertOne(pool)).id); // one commit, one NOTIFY each
      gate.resolve();

      await waitFor('the flow', () => [lone, ...flow].every((id) => seen.has(id)), 10_000);
      await sleep(500);
      expectEachOnce(seen, [lone, ...flow]);
      expect(await unrelayed(pool, [lone, ...flow])).toBe(0);
      // one topic, so one job per batch: two jobs for 41 commits, not one per commit
      expect(batches).toEqual([{ ids: [lone], jobs: 1 }, { ids: flow, jobs: 1 }]);
      expect(seen.jobs).toBe(2);
    });

    it('when its LISTEN connection is killed, listens again and relays what was written during and after, each once', async () => {
      const seen = recordingWorkers(backend);
      const lines: Array<Record<string, unknown>> = [];
      const relayPool = new Pool({ connectionString: url, max: 3, application_name: 'relay-listen-test' });
      cleanups.push(() => relayPool.end());
      // polling far slower than the test: rows written after the reconnect are found through NOTIFY only
      const relay = new OutboxRelay({ pool: relayPool, sink: new JobProducer(backend), logger: capturingLogger(lines), pollIntervalMs: 120_000 });
      await relay.start();
      cleanups.push(() => relay.stop());
      const listener = async (): Promise<number | undefined> =>
        (await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'relay-listen-test' AND query = 'LISTEN ${OUTBOX_CHANNEL}'`,
        )).rows.map((r) => r.pid)[0];

      const before = (await insertOutbox(pool, 6)).ids;
      await waitFor('events before the kill', () => before.every((id) => seen.has(id)));
      const first = await listener();
      expect(first).toBeDefined();

      await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND datname = current_database()", [first]); // a pid reused by another database's backend is left alone
      await waitFor('the relay to see its connection lost', () => lines.some((l) => l.event === 'outbox.listen-lost'));
      const during = (await insertOutbox(pool, 6)).ids; // its NOTIFY reaches nobody
      await waitFor('a new LISTEN connection', async () => ((await listener()) ?? first) !== first);
      await waitFor('rows written while nobody listened', async () => (await unrelayed(pool, during)) === 0);

      const after = (await insertOutbox(pool, 6)).ids;
      await waitFor('events after the reconnect', () => after.every((id) => seen.has(id)), 10_000);
      await sleep(500); // a duplicate would show up now
      expectEachOnce(seen, [...before, ...during, ...after]);
      expect(await unrelayed(pool, [...before, ...during, ...after])).toBe(0);
      expect(lines.filter((l) => l.event === 'outbox.listen-lost')).toHaveLength(1);
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
      // each relay's first batch waits in its add until the other holds a batch too: two batches
      // locked at once, so the second relay's SELECT had to skip the first one's rows
      const holding = enqueued.map(() => deferred());
      const sinkOf = (record: Map<string, number>, index: number): JobSink => ({
        check: () => producer.check(),
        async enqueue(jobs: readonly PlannedJob[]) {
          holding[index].resolve();
          await holding[1 - index].promise;
          await producer.enqueue(jobs);
          for (const j of jobs) for (const { outboxId } of j.data.events) record.set(outboxId, (record.get(outboxId) ?? 0) + 1);
        },
      });
      const { ids } = await insertOutbox(pool, 600);
      const relays = enqueued.map((record, index) => new OutboxRelay({ pool, sink: sinkOf(record, index), batchSize: 25, pollIntervalMs: 100 }));
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
      // a graceful close would wait for Redis for ever: the test's timeout is the hang detector
      await backend.close();
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

      await app.close();
      expect(lines).toContainEqual(expect.objectContaining({ event: 'worker.stopped' }));
    });
  });
});
