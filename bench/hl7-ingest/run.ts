import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { mllpRun, RunResult } from './load';
import { loadOrders, retag } from './orders';
import { perMessage, PgWireCounter } from './pg-wire-counter';
import { openBenchPostgres, BenchPostgres } from './postgres';
import { CpuSplit, measureCpu, ProfileSummary, summariseCpuProfile } from './profile';
import { openPgFloor, startEchoServer, startRadflow } from './servers';
import { StatementStats } from './statement-stats';

/**
 * HL7 ingest benchmark: Radflow (ACK after commit) against an MLLP echo (the protocol's upper bound)
 * and a bare durable INSERT (the database's floor), at 1 and 8 connections, on the same orders.
 * Usage: npm run bench:hl7. Env: BENCH_ORDERS (10000), BENCH_WARMUP (300), BENCH_PROFILE=0 to skip
 * the round-trip count and CPU profile, PEERS_DIR, DATABASE_URL.
 */

const REPO = resolve(__dirname, '../../..');
const RESULTS = join(REPO, 'bench/results');
const CONCURRENCIES = [1, 8];
type Server = 'radflow' | 'echo' | 'pg-floor';

interface Profile {
  wire: ReturnType<typeof perMessage>;
  statements: Awaited<ReturnType<StatementStats['read']>> | null;
  cpu: ProfileSummary;
  cpuProfile: string;
}

interface Row extends RunResult {
  server: Server;
  connections: number;
  cpu: CpuSplit;
}

async function main(): Promise<void> {
  const count = intEnv('BENCH_ORDERS', 10_000);
  const warmupCount = intEnv('BENCH_WARMUP', 300);
  const orders = loadOrders(REPO, count);
  const messages = orders.messages;
  log(`${messages.length} orders from ${orders.source}`);
  const pg = await openBenchPostgres();
  log(`postgres: ${pg.kind}, ${pg.version}`);
  const echo = await startEchoServer();
  const rows: Row[] = [];
  let profile: Profile | null = null;
  try {
    for (const conns of CONCURRENCIES) {
      const warm = retag(messages.slice(0, warmupCount), 'W', 1);
      rows.push(await radflowRow(pg, messages, warm, conns));
      await mllpRun(echo.port, warm, conns);
      rows.push(await measured('echo', conns, 0, pg, messages.length, () => mllpRun(echo.port, messages, conns)));
      const floor = await openPgFloor(await pg.createDatabase(`floor_c${conns}`), conns);
      try {
        await floor.run(warm);
        rows.push(await measured('pg-floor', conns, 0, pg, messages.length, () => floor.run(messages)));
      } finally {
        await floor.close();
      }
    }
    if (process.env.BENCH_PROFILE !== '0') profile = await profileRadflow(pg, messages);
  } finally {
    await echo.close();
    await pg.close();
  }
  process.stdout.write(`\n${messages.length} orders from ${orders.source}; Postgres ${pg.kind} ${pg.version}\n\n`);
  process.stdout.write(`${markdownTable(rows)}\n\n${cpuTable(rows)}\n`);
  if (profile) process.stdout.write(`\n${profileText(profile)}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const json = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    postgres: `${pg.kind}, ${pg.version}`,
    orders: { count: messages.length, source: orders.source, warmup: warmupCount },
    runs: rows,
    profile,
  };
  writeFileSync(join(RESULTS, 'hl7-ingest.json'), JSON.stringify(json, null, 2));
  log(`wrote ${join(RESULTS, 'hl7-ingest.json')}`);
}

/** One Radflow run: its own fresh database and process, warmed up with orders of other identities. */
async function radflowRow(pg: BenchPostgres, messages: Buffer[], warm: Buffer[], conns: number): Promise<Row> {
  const url = await pg.createDatabase(`radflow_c${conns}`);
  const radflow = await startRadflow(REPO, url);
  try {
    await mllpRun(radflow.hl7Port, warm, conns);
    return await measured('radflow', conns, radflow.child.pid!, pg, messages.length, () => mllpRun(radflow.hl7Port, messages, conns));
  } finally {
    await radflow.stop();
  }
}

async function measured(server: Server, connections: number, pid: number, pg: BenchPostgres, n: number, work: () => Promise<RunResult>): Promise<Row> {
  const { result, cpu } = await measureCpu(pid, pg.postmasterPid, n, work);
  const row = { server, connections, ...result, cpu };
  const notOk = Object.keys(row.codes).filter((c) => c !== 'AA' && c !== 'ok');
  log(`${server} × ${connections}: ${fmt(row.msgPerSec, 0)} msg/s, p50 ${fmt(row.p50Ms)} ms, p99 ${fmt(row.p99Ms)} ms; codes ${JSON.stringify(row.codes)}; ` +
      `CPU ms/msg radflow ${cpu.radflowMs} postgres ${cpu.postgresMs ?? '?'} client ${cpu.clientMs} (${cpu.busyCores} cores busy, machine ${cpu.machineBusyCores})`);
  if (notOk.length) log(`WARNING: ${server} × ${connections} answered ${notOk.join(', ')}: its figures do not measure accepted orders`);
  return row;
}

/**
 * Where Radflow's time goes: SQL round trips per message (through a counting proxy, 1 connection)
 * and a V8 CPU profile of the process under 8 connections.
 */
async function profileRadflow(pg: BenchPostgres, messages: Buffer[]): Promise<Profile> {
  const sample = Math.min(1000, messages.length);
  const statsOn = await pg.enableStatementStats(); // after the measured runs: it restarts the cluster
  const url = await pg.createDatabase('radflow_wire');
  const stats = statsOn ? await StatementStats.open(url) : null;
  const { counter, url: proxied } = await PgWireCounter.start(url);
  const counted = await startRadflow(REPO, proxied);
  let wire: ReturnType<typeof perMessage>;
  let statements: Profile['statements'] = null;
  try {
    await mllpRun(counted.hl7Port, retag(messages.slice(0, 50), 'V', 2), 1);
    await stats?.reset();
    const before = counter.snapshot();
    const res = await mllpRun(counted.hl7Port, retag(messages.slice(0, sample), 'C', 3), 1);
    wire = perMessage(before, counter.snapshot(), res.messages);
    statements = (await stats?.read(res.messages)) ?? null;
  } finally {
    await counted.stop();
    await counter.close();
  }
  log(`round trips per message: ${wire.roundTrips} (${wire.statements} statements; frontend messages ${JSON.stringify(wire.byType)})`);

  const dir = join(RESULTS, 'cpu-prof');
  rmSync(dir, { recursive: true, force: true });
  const profiled = await startRadflow(REPO, await pg.createDatabase('radflow_prof'), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const profiledOrders = retag(messages.slice(0, Math.min(3000, messages.length)), 'P', 4);
  const usNow = () => Number(process.hrtime.bigint() / 1000n);
  let window: { fromUs: number; toUs: number };
  try {
    await mllpRun(profiled.hl7Port, profiledOrders.slice(0, 300), 8); // past start-up and first compiles
    const fromUs = usNow();
    await mllpRun(profiled.hl7Port, profiledOrders.slice(300), 8);
    window = { fromUs, toUs: usNow() };
  } finally {
    await profiled.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  return { wire, statements, cpu: summariseCpuProfile(join(dir, file), window), cpuProfile: join(dir, file) };
}

function markdownTable(rows: Row[]): string {
  const cell = (server: Server, conns: number) => {
    const r = rows.find((x) => x.server === server && x.connections === conns);
    return r ? [fmt(r.msgPerSec, 0), fmt(r.p50Ms), fmt(r.p99Ms)] : ['-', '-', '-'];
  };
  const lines = [
    '| connections | radflow msg/s | p50 ms | p99 ms | echo msg/s | p50 ms | p99 ms | pg floor msg/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of CONCURRENCIES) {
    lines.push(`| ${c} conn${c > 1 ? 's' : ''} | ${[...cell('radflow', c), ...cell('echo', c), ...cell('pg-floor', c)].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Where the CPU went per message: the service, the database, and this process (client + echo server). */
function cpuTable(rows: Row[]): string {
  const lines = [
    `| CPU ms per message (${cpus().length} CPUs) | radflow process | postgres | bench process | cores busy: these | all of the machine |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const c = r.cpu;
    lines.push(`| ${r.server} × ${r.connections} | ${r.server === 'radflow' ? c.radflowMs : '-'} | ${c.postgresMs ?? '?'} | ${c.clientMs} | ${c.busyCores} | ${c.machineBusyCores} |`);
  }
  return lines.join('\n');
}

function profileText(p: Profile): string {
  const line = (pct: number, what: string) => `  ${pct.toFixed(1).padStart(5)}%  ${what}`;
  return [
    `SQL round trips per order: ${p.wire.roundTrips} (${p.wire.statements} statements)`,
    ...(p.statements
      ? [
          `Postgres time per order (pg_stat_statements, 1 conn): execution ${p.statements.execUs} µs, planning ${p.statements.planUs} µs`,
          '  exec µs  plan µs  calls/order  statement',
          ...p.statements.statements.map((st) => `  ${st.execUsPerMessage.toFixed(1).padStart(7)}  ${st.planUsPerMessage.toFixed(1).padStart(7)}  ${(st.calls / p.wire.sample).toFixed(1).padStart(11)}  ${st.query}`),
        ]
      : ['Postgres time per statement: not measured (pg_stat_statements needs the embedded cluster)']),
    `Radflow CPU profile, steady state at 8 conns: ${p.cpu.totalMs} ms sampled, ${p.cpu.busyMs} ms busy (${p.cpuProfile})`,
    'self time by area (% of sampled):',
    ...p.cpu.byArea.slice(0, 10).map((a) => line(a.pct, a.area)),
    'top functions by self time (% of sampled):',
    ...p.cpu.topSelf.slice(0, 12).map((f) => line(f.pct, f.fn)),
    'top functions including callees (% of busy):',
    ...p.cpu.topInclusive.map((f) => line(f.pct, f.fn)),
  ].join('\n');
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function log(line: string): void {
  process.stderr.write(`[bench:hl7] ${line}\n`);
}

main().catch((e) => {
  process.stderr.write(`[bench:hl7] failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
