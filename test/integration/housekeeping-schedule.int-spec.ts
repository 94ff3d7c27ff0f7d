import { ChildProcess, spawn } from 'node:child_process';
import { Pool } from 'pg';
import { PgUnitOfWork } from '@radflow/persistence';
import { createQueueBackend, HOUSEKEEPING_QUEUE, QueueBackend, ScheduledJobName } from '@radflow/queue';
import { HousekeepingSchedule } from '../../apps/worker/src/housekeeping.schedule';
import { insertMwlItem } from '../../libs/testing/src/factories/mwl-rows';
import { capturingLogger, LogLine } from '../support/capturing-logger';
import { freePort } from '../support/free-port';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The worker's housekeeping schedule on both queue backends: a BullMQ job scheduler makes a job
 * every interval, the worker runs it, a stale step is flagged once however many runs see it, and
 * a schedule turned off (interval 0) is removed from the backend.
 */

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const THRESHOLDS = { arrivedAfterMinutes: 240, inProgressAfterMinutes: 240 };

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
let redis: ChildProcess | undefined;
let redisUrl: string;

async function startRedis(): Promise<void> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.on('error', (e) => (clearTimeout(timer), reject(new Error(`cannot run ${REDIS_SERVER} (apt-get install -y redis-server): ${e.message}`))));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) (clearTimeout(timer), resolve());
    });
  });
  redis = child;
  redisUrl = `redis://127.0.0.1:${port}`;
}

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
  await startRedis();
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
  if (redis && redis.exitCode === null) await new Promise((resolve) => (redis!.once('exit', resolve), redis!.kill('SIGKILL')));
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A step checked in five hours ago, with its history. */
async function staleArrivedStep(accession: string): Promise<string> {
  const { stepRef, procedureRef } = await insertMwlItem(sql, { accessionNumber: accession, status: 'ARRIVED' });
  await sql.query(`UPDATE scheduled_procedure_steps SET created_at = now() - interval '6 hours', updated_at = now() - interval '5 hours' WHERE id = $1`, [stepRef]);
  await sql.query(
    `INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope, at)
     VALUES ($1, $2, 'SCHEDULED', 'ARRIVED', 'check-in', 'user', 'desk-1', 'step', now() - interval '5 hours')`,
    [procedureRef, stepRef],
  );
  return stepRef;
}

describe.each(['postgres', 'redis'] as const)('housekeeping on the %s queue backend', (kind) => {
  const open = (): Promise<QueueBackend> => createQueueBackend(kind === 'redis' ? { REDIS_URL: redisUrl, databaseUrl: db.url } : { databaseUrl: db.url });

  it('runs every interval, flags a stale step once, and is removed when turned off', async () => {
    const stepRef = await staleArrivedStep(`HKS-${kind}`);
    const lines: LogLine[] = [];
    const ran = () => lines.filter((l) => l.event === 'housekeeping.ran');
    const backend = await open();
    const schedule = new HousekeepingSchedule(backend, { uow, intervalSeconds: 1, thresholds: THRESHOLDS }, capturingLogger(lines));
    try {
      schedule.start();
      await until('three runs', () => ran().length >= 3);
      const scheduler = await backend.createQueue(HOUSEKEEPING_QUEUE).getJobScheduler(ScheduledJobName.FlagStaleSteps);
      expect(scheduler).toMatchObject({ every: 1000 });
    } finally {
      schedule.stop();
      await backend.close();
    }
    expect(ran()[0].flagged).toEqual({ 'housekeeping.stale-arrived': 1, 'housekeeping.stale-in-progress': 0 });
    const flags = await sql.query(`SELECT event, source_ref FROM study_transitions WHERE step_ref = $1 AND scope = 'flag'`, [stepRef]);
    expect(flags.rows).toEqual([{ event: 'housekeeping.stale-arrived', source_ref: 'housekeeping' }]);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);

    const off = await open();
    const offLines: LogLine[] = [];
    const stopped = new HousekeepingSchedule(off, { uow, intervalSeconds: 0, thresholds: THRESHOLDS }, capturingLogger(offLines));
    try {
      stopped.start();
      await until('the schedule removed', () => offLines.some((l) => l.event === 'housekeeping.scheduled' && l.enabled === false));
      expect(await off.createQueue(HOUSEKEEPING_QUEUE).getJobScheduler(ScheduledJobName.FlagStaleSteps)).toBeUndefined();
    } finally {
      stopped.stop();
      await off.close();
    }
  }, 90_000);
});
