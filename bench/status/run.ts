import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { RadflowChild } from '../common/radflow-child';
import { BenchPostgres, openBenchPostgres } from '../hl7-ingest/postgres';
import { cpuSecondsOf, measureCpu, postgresCpuSeconds } from '../hl7-ingest/profile';
import { closedLoop, LaneOp, Sample } from './load';
import { MllpLane } from './mllp';
import { DimseTarget, echoRoundTrip, Exchange, mppsRoundTrip } from './mpps-scu';
import { orderSet, statusMessages } from './orders';
import { placeOrders, startRadflow, TransitionCounter } from './radflow';
import { LatencyRow, markdown, StatusReport } from './report';
import { saturation, SaturationRun } from './saturation';

/**
 * Status benchmark: MPPS N-CREATE + N-SET round trips from dcmjs-dimse (1 and BENCH_SCUS SCUs) with
 * C-ECHO through the same client as the floor, then lifecycle transitions per second at saturation
 * (MPPS SCUs, HL7 SC status messages, both at once), on pre-placed HL7 orders. Usage:
 * npm run bench:status. Env: see bench/status/README.md.
 */
const REPO = resolve(__dirname, '../../..');
const RESULTS = join(REPO, 'bench/results');
const log = (s: string): void => void process.stderr.write(`[bench:status] ${s}\n`);
const num = (name: string, d: number): number => (Number(process.env[name]) > 0 ? Number(process.env[name]) : d);
const list = (name: string, d: number[]): number[] => (process.env[name] ? process.env[name]!.split(',').map(Number).filter((n) => n > 0) : d);

const ITERATIONS = num('BENCH_ITERATIONS', 1000);
const WARMUP = num('BENCH_WARMUP', 50);
const SCUS = num('BENCH_SCUS', 8);
const SAT_SCUS = list('BENCH_SAT_SCUS', [4, 16, 32]);
const SAT_CONNS = num('BENCH_SAT_CONNECTIONS', 8);
const SAT_SECONDS = num('BENCH_SAT_SECONDS', 10);
const SAT_WARMUP = num('BENCH_SAT_WARMUP', 2);
const SAT_ORDERS = num('BENCH_SAT_ORDERS', 6000);
const NODELAY = process.env.BENCH_SCU_NODELAY !== '0';
const NAGLE_ITERATIONS = process.env.BENCH_NAGLE_ITERATIONS === '0' || !NODELAY ? 0 : num('BENCH_NAGLE_ITERATIONS', 200);

let uidSeq = 0;
const runUid = `2.25.${Date.now()}${process.pid}`;
const ppsUid = () => `${runUid}.${++uidSeq}`;
const sample = (e: Exchange): Sample => ({ ms: e.ms, firstMs: e.firstMs, ok: e.statuses.every((s) => s === 0), detail: e.statuses.map((s) => s.toString(16).padStart(4, '0')).join('/') });

async function main(): Promise<void> {
  const pg = await openBenchPostgres();
  log(`postgres: ${pg.kind}, ${pg.version}`);
  const report: StatusReport = {
    at: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    postgres: `${pg.kind} ${pg.version}`, iterations: ITERATIONS, warmup: WARMUP, satOrders: SAT_ORDERS, load: [loadavg()[0], NaN], idle: null, latency: [], saturation: [],
  };
  try {
    await withRadflow(pg, 'latency', async (rf, counter, target) => {
      report.idle = await idleCores(rf.pid, pg.postmasterPid);
      log(`idle: radflow ${report.idle.radflow} cores, postgres ${report.idle.postgres ?? '?'} cores`);
      for (const scus of [...new Set([1, SCUS])]) report.latency.push(await latencyRow(rf, counter, pg.postmasterPid, target, scus, ITERATIONS));
      // dcmjs-dimse as shipped, for comparison: every data set waits for a delayed ACK
      if (NAGLE_ITERATIONS) report.latency.push(await latencyRow(rf, counter, pg.postmasterPid, { ...target, noDelay: false }, 1, NAGLE_ITERATIONS));
    });
    // each saturation run on a fresh database and process: the same table sizes for every scenario
    const saturated = (scenario: string, scus: number, conns: number) =>
      withRadflow(pg, `s${report.saturation.length}`, async (rf, counter, target) => void report.saturation.push(await saturatedRun(rf, counter, pg.postmasterPid, scenario, scus, conns, target)));
    for (const scus of SAT_SCUS) await saturated(`MPPS ×${scus}`, scus, 0);
    if (SAT_CONNS) await saturated(`HL7 SC IP+CM ×${SAT_CONNS}`, 0, SAT_CONNS);
    const best = [...report.saturation].filter((s) => s.connections === 0).sort((a, b) => b.transitionsPerSecond - a.transitionsPerSecond)[0];
    if (best && SAT_CONNS) await saturated('MPPS + HL7 SC at once', best.scus, SAT_CONNS);
  } finally {
    await pg.close();
  }
  report.load[1] = loadavg()[0];
  const md = markdown(report);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'status.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(RESULTS, 'status.md'), md);
  process.stdout.write(md);
}

/** A fresh database and Radflow process for `work`, stopped again afterwards. */
async function withRadflow(pg: BenchPostgres, label: string, work: (rf: RadflowChild, counter: TransitionCounter, target: DimseTarget) => Promise<void>): Promise<void> {
  const url = await pg.createDatabase(label);
  const rf = await startRadflow(REPO, url);
  const counter = await TransitionCounter.open(url);
  try {
    await counter.waitQuiet(rf.pid);
    await work(rf, counter, { port: rf.dicomPort, calledAe: 'RADFLOW', callingAe: 'CT01', noDelay: NODELAY });
  } finally {
    await counter.close();
    await rf.stop();
  }
}

/** Cores Radflow and its Postgres use with nothing to do (queue polling, timers): the background under every figure. */
async function idleCores(pid: number, postmaster: number | null): Promise<{ radflow: number; postgres: number | null }> {
  const [r0, p0] = [cpuSecondsOf(pid), postgresCpuSeconds(postmaster)];
  await new Promise((r) => setTimeout(r, 5000));
  const round = (s: number) => Math.round((s / 5) * 1000) / 1000;
  return { radflow: round(cpuSecondsOf(pid) - r0), postgres: postmaster ? round(postgresCpuSeconds(postmaster) - p0) : null };
}

/** Part 1: WARMUP + ITERATIONS orders placed first, then C-ECHO pairs and MPPS round trips on `scus` SCUs. */
async function latencyRow(rf: RadflowChild, counter: TransitionCounter, postmaster: number | null, target: DimseTarget, scus: number, iterations: number): Promise<LatencyRow> {
  const label = `${scus} SCU(s)${target.noDelay ? '' : ', Nagle on'}`;
  const { messages, orders } = orderSet(`L${scus}${target.noDelay ? 'X' : 'N'}`, WARMUP + iterations);
  const placed = await placeOrders(rf, messages);
  log(`${label}: ${orders.length} orders placed at ${placed.perSecond.toFixed(0)}/s`);
  await counter.waitQuiet(rf.pid);
  const mpps = (offset: number): LaneOp => async (i) => sample(await mppsRoundTrip(target, orders[offset + i], ppsUid()));
  const echo: LaneOp = async () => sample(await echoRoundTrip(target, 2));
  await closedLoop(WARMUP, scus, echo);
  await closedLoop(WARMUP, scus, mpps(0));
  const echoRun = await measureCpu(rf.pid, postmaster, iterations, () => closedLoop(iterations, scus, echo));
  const mppsRun = await measureCpu(rf.pid, postmaster, iterations, () => closedLoop(iterations, scus, mpps(WARMUP)));
  const [echoStats, mppsStats] = [echoRun.result, mppsRun.result];
  const steps = await counter.stepStatuses(orders.map((o) => o.accession));
  log(`${label}: MPPS p50 ${mppsStats.p50.toFixed(2)} p99 ${mppsStats.p99.toFixed(2)} ms (${mppsStats.failed} failed), echo pair p50 ${echoStats.p50.toFixed(2)} p99 ${echoStats.p99.toFixed(2)} ms; ` +
    `CPU ms per MPPS radflow ${mppsRun.cpu.radflowMs} postgres ${mppsRun.cpu.postgresMs ?? '?'} SCU ${mppsRun.cpu.clientMs}; steps ${JSON.stringify(steps)}`);
  await counter.waitQuiet(rf.pid);
  return { scus, noDelay: target.noDelay, mpps: mppsStats, echo: echoStats, mppsCpu: mppsRun.cpu, echoCpu: echoRun.cpu, steps };
}

/** Part 2: SAT_ORDERS orders placed, then `scus` MPPS SCUs and `conns` HL7 lanes (SC IP then SC CM) on them. */
async function saturatedRun(rf: RadflowChild, counter: TransitionCounter, postmaster: number | null, scenario: string, scus: number, conns: number, target: DimseTarget): Promise<SaturationRun> {
  const tag = `S${scus}C${conns}X`;
  const { messages, orders } = orderSet(tag, SAT_ORDERS);
  await placeOrders(rf, messages);
  await counter.waitQuiet(rf.pid);
  const lanes = await Promise.all(Array.from({ length: conns }, () => MllpLane.open(rf.hl7Port)));
  const [ip, cm] = [statusMessages(tag, orders, 'IP'), statusMessages(tag, orders, 'CM')];
  const op: LaneOp = async (i, lane) => {
    if (lane < scus) return sample(await mppsRoundTrip(target, orders[i], ppsUid()));
    const codes = [await lanes[lane - scus].send(ip[i]), await lanes[lane - scus].send(cm[i])];
    return { ms: NaN, ok: codes.every((c) => c === 'AA'), detail: `HL7 ${codes.join('/')}` };
  };
  try {
    const run = await saturation(counter, { radflow: rf.pid, postmaster }, { scenario, scus, connections: conns, lanes: scus + conns, op, orders: orders.length }, SAT_WARMUP, SAT_SECONDS);
    log(`${scenario}: ${run.transitionsPerSecond.toFixed(0)} transitions/s over ${run.windowSeconds.toFixed(1)} s (${run.ok} ok, ${run.failed} failed${run.ranDry ? ', orders ran out' : ''}); CPU ms/transition ${JSON.stringify(run.cpuMsPerTransition)}, machine ${run.machineBusyCores} cores`);
    if (run.ranDry) log(`WARNING: ${scenario} used all ${orders.length} orders before its window ended: raise BENCH_SAT_ORDERS`);
    return run;
  } finally {
    lanes.forEach((l) => l.close());
  }
}

main().catch((e) => {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
