import { Pool } from 'pg';
import { performance } from 'node:perf_hooks';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { caseIndexes, fuzzConfig } from './fuzz-config';
import { FuzzReport } from './fuzz-report';
import { hl7Case } from './hl7-cases';
import { judgeHl7Case } from './hl7-verdicts';
import { playPlan } from './hl7-wire';
import { healthStatus, openServerSockets, pgSessions, rssMb, settle } from './process-probes';

/**
 * Fuzzes the running process over MLLP: mutated synthetic messages (bytes, delimiters, segments,
 * MSH, escapes, charsets) in attacked framings (split, unterminated, nested, pipelined). Every case
 * must get one well-formed ACK per frame, a refused message must leave no row, and the process
 * must stay healthy, bounded in memory, with no connection or transaction left open.
 * FUZZ_SEED / FUZZ_CASES / FUZZ_CASE replay a run or one case (see fuzz-config.ts).
 */
const config = fuzzConfig('hl7');
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
const CONNECTIONS = Number(process.env.FUZZ_CONNECTIONS ?? 4);
const CASE_DEADLINE_MS = 30_000;
/** A batch is applied one message (one transaction) at a time: its deadline grows with its messages. */
const DEADLINE_MS_PER_MESSAGE = 20;
const HEALTH_EVERY = 100;
const RSS_GROWTH_LIMIT_MB = 300;
const replay = (index: number): string => `FUZZ_SEED=${config.seed} FUZZ_CASE=${index} npx jest test/fuzz/hl7-mllp.e2e-spec.ts --selectProjects integration`;

describe(`HL7 over MLLP fuzz (seed ${config.seed})`, () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Pool;
  let rssBefore = 0;
  const report = new FuzzReport('hl7', config.seed, config.outDir);
  const unhealthyAfter: number[] = [];

  beforeAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`fuzz hl7: seed ${config.seed}, ${config.only ?? config.cases} ${config.only === undefined ? 'cases' : '(single case)'}; replay with FUZZ_SEED=${config.seed}`);
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url, HL7_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'error' });
    sql = new Pool({ connectionString: db.url, max: CONNECTIONS });
    rssBefore = rssMb(radflow.child.pid!);
  });
  afterAll(async () => {
    report.process.logTail = report.failures.length ? radflow?.output().slice(-4000) : undefined;
    report.finish();
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('answers every case with one well-formed ACK per frame and keeps refused messages out of the database', async () => {
    // A pool, not batches: a slow or hung case holds one connection, never the whole run.
    const queue = caseIndexes(config);
    let done = 0;
    const worker = async (): Promise<void> => {
      for (let index = queue.shift(); index !== undefined && radflow.child.exitCode === null; index = queue.shift()) {
        let t = performance.now();
        const c = hl7Case(config.seed, index, MAX_MESSAGE_BYTES);
        report.phase('generate', performance.now() - t);
        t = performance.now();
        const messages = c.plan.writes.reduce((n, w) => n + countMessages(w), 0);
        const result = await playPlan(radflow.hl7Port, c.plan, c.expected, CASE_DEADLINE_MS + DEADLINE_MS_PER_MESSAGE * messages);
        report.took(index, performance.now() - t, c.labels.join(' + '));
        report.phase('play', performance.now() - t);
        t = performance.now();
        await judgeHl7Case(c, result, sql, report, replay(index));
        report.phase('judge', performance.now() - t);
        if (++done % HEALTH_EVERY === 0 && (await healthStatus(radflow.httpPort)) !== 200) unhealthyAfter.push(done);
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    if ((await healthStatus(radflow.httpPort)) !== 200) unhealthyAfter.push(done);
    expect(report.failures.map((f) => `[${f.invariant}] case ${f.caseIndex}: ${f.detail.slice(0, 300)}`)).toEqual([]);
  }, config.long ? 24 * 3600_000 : 15 * 60_000);

  it('stays alive and healthy after every batch of cases', () => {
    report.process.unhealthyAfterCase = unhealthyAfter;
    expect(radflow.child.exitCode).toBeNull();
    expect(unhealthyAfter).toEqual([]);
  });

  it('keeps its memory bounded', () => {
    const after = rssMb(radflow.child.pid!);
    Object.assign(report.process, { rssBeforeMb: rssBefore, rssAfterMb: after });
    expect(after - rssBefore).toBeLessThanOrEqual(RSS_GROWTH_LIMIT_MB);
  });

  it('refuses bad content itself: no message reached the database only to be refused there', () => {
    // `hl7.failed` is the line for a transaction that failed (AR, "try again"); every refusal of
    // content must come from our own checks first (AE with ERR at the field).
    const failed = radflow.output().split('\n').filter((line) => line.includes('"event":"hl7.failed"'));
    expect(failed.map((line) => line.slice(0, 300))).toEqual([]);
  });

  it('leaves no MLLP connection or database transaction open', async () => {
    const sockets = await settle(() => openServerSockets(radflow.hl7Port));
    const sessions = await settle(() => pgSessions(db.url));
    Object.assign(report.process, { openHl7Sockets: sockets, idleInTransaction: sessions });
    expect(sockets).toEqual({});
    expect(sessions).toEqual({});
  });
});

function countMessages(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf('MSH'); at >= 0; at = bytes.indexOf('MSH', at + 3)) n++;
  return n;
}
