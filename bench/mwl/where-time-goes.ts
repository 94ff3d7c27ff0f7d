import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { buildMwlSql, parseMwlQuery, planMwlAnswer, readWorklistFile } from '@radflow/dicom';

/**
 * Where a C-FIND's time goes in Radflow: the statement's plan and execution time (EXPLAIN
 * ANALYZE), the CPU the Radflow process, Postgres and the findscu client each burn per query, and
 * a V8 CPU profile of Radflow answering the queries.
 */

export interface Explained {
  query: string;
  executionMs: number;
  planningMs: number;
  rows: number;
  plan: string;
}

/**
 * The exact SQL the MWL handler sends for a query file (same parse, same builder), explained in a
 * transaction with the settings libs/dicom/src/mwl/mwl-cursor.ts sets before it DECLAREs its
 * cursor (cursor_tuple_fraction = 1 makes the cursor's plan the plain statement's plan), checked
 * against the code at the time of writing; if that file changes, change these too.
 */
export async function explainQuery(url: string, file: string, nameMatch: 'insensitive' | 'sensitive' = 'insensitive', limit = 1_000_001): Promise<Explained> {
  const query = parseMwlQuery(readWorklistFile(readFileSync(file)), { unknownKeys: 'reject' });
  const plan = planMwlAnswer(query);
  const sql = buildMwlSql(query, plan, { offeredStatuses: ['SCHEDULED', 'ARRIVED'], nameMatch, limit });
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    // A cursor never gets a parallel plan, so none here either (Q4 would show a parallel hash join).
    await c.query('BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1; SET LOCAL random_page_cost = 1.1; SET LOCAL max_parallel_workers_per_gather = 0');
    // warm: the timed statement runs against cached pages, as the repeated C-FINDs do
    await c.query(sql.text, sql.values);
    const res = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
    await c.query('ROLLBACK');
    const text = res.rows.map((r) => r['QUERY PLAN']).join('\n');
    const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
    return { query: file, executionMs: num(/Execution Time: ([\d.]+)/), planningMs: num(/Planning Time: ([\d.]+)/), rows: num(/actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/), plan: `${sql.text}\n-- values: ${JSON.stringify(sql.values)}\n${text}` };
  } finally {
    await c.end();
  }
}

/** utime + stime of a process and of its (already reaped) children, in ms, from /proc. */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // CLK_TCK 100 on Linux
  } catch {
    return 0;
  }
}

export interface RepeatResult {
  query: string;
  repeats: number;
  answersPerQuery: number;
  wallMs: number;
  qps: number;
  /** CPU ms per query */
  radflowCpuMs: number;
  postgresCpuMs: number;
  findscuCpuMs: number;
}

/**
 * `findscu -q --repeat n`: n C-FINDs one after the other on one association (DCMTK as the
 * client: it decodes every answer but logs none; bench.sh counted the answers).
 * Postgres CPU counts the bench's own cluster (postmaster and backends); NaN with DATABASE_URL.
 */
export function repeatOnOneAssociation(port: number, file: string, repeats: number, radflowPid: number, answersPerQuery: number, postgresPids: () => number[]): RepeatResult {
  // Only processes alive at both ends count: an autovacuum worker that exits in between takes its
  // CPU with it. Radflow's pooled backends stay, and they are what the queries use.
  const pgBefore = new Map(postgresPids().map((pid) => [pid, cpuMs(pid)]));
  const postgresDelta = (): number => [...pgBefore].reduce((sum, [pid, ms]) => (existsSync(`/proc/${pid}`) ? sum + cpuMs(pid) - ms : sum), 0);
  const before = { radflow: cpuMs(radflowPid) };
  const times = join(mkdtempSync(join(tmpdir(), 'mwl-time-')), 'time.txt');
  const t0 = process.hrtime.bigint();
  // -q: without it findscu formats every answer into its log, which costs the client more than the
  // server spends on the query (Q4 at 100k: 700 vs 250 ms per query on one association)
  const r = spawnSync('/usr/bin/time', ['-o', times, '-f', '%U %S', 'findscu', '-q', '-W', '-aec', 'PEERWL', '--repeat', String(repeats), '127.0.0.1', String(port), file], {
    encoding: 'utf8',
    env: { ...process.env, TCP_NODELAY: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`findscu --repeat failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [user, sys] = readFileSync(times, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return {
    query: file,
    repeats,
    answersPerQuery,
    wallMs,
    qps: (repeats * 1000) / wallMs,
    radflowCpuMs: (cpuMs(radflowPid) - before.radflow) / repeats,
    postgresCpuMs: pgBefore.size ? postgresDelta() / repeats : NaN,
    findscuCpuMs: ((user + sys) * 1000) / repeats,
  };
}

export interface ProfileLine {
  ms: number;
  share: number;
  where: string;
}

/** Self time per function and per source area (our libs, pg driver, node internals) of a .cpuprofile, within `window`. */
export function summariseProfile(path: string, window: { fromUs: number; toUs: number }, top = 15): { functions: ProfileLine[]; areas: ProfileLine[]; busyMs: number } {
  const prof = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; startTime: number; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  // Sample times are CLOCK_MONOTONIC µs, the clock of process.hrtime in the bench: start-up and
  // shutdown outside the window are left out.
  let at = prof.startTime;
  prof.samples.forEach((id, i) => {
    at += prof.timeDeltas[i] ?? 0;
    if (at < window.fromUs || at > window.toUs) return;
    const f = byId.get(id)!;
    if (f.functionName === '(idle)' || f.functionName === '(program)') return;
    const us = prof.timeDeltas[i] ?? 0;
    busy += us;
    const file = f.url.replace(/^file:\/\//, '');
    const short = file.replace(/.*\/dist\//, '').replace(/.*\/node_modules\//, 'node_modules/');
    const key = `${f.functionName || '(anonymous)'} ${short}${file ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const area = f.functionName === '(garbage collector)' ? 'GC' : !file ? `(native) ${f.functionName}` : file.includes('node_modules/') ? `node_modules/${file.split('node_modules/')[1].split('/')[0]}` : file.startsWith('node:') ? 'node internals' : short.split('/').slice(0, 4).join('/');
    areas.set(area, (areas.get(area) ?? 0) + us);
  });
  const lines = (m: Map<string, number>): ProfileLine[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([where, us]) => ({ where, ms: us / 1000, share: us / busy }));
  return { functions: lines(self), areas: lines(areas), busyMs: busy / 1000 };
}

export function findProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return files.length ? join(dir, files.sort().pop()!) : undefined;
}
