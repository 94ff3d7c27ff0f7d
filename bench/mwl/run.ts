import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerIds, benchSh, BenchShResult, expectedCounts, generate, Harness, openHarness, QUERIES, startPeer, stopPeer } from './harness';
import { freePort, importWorklist, multiply, openPostgres, query, startRadflow } from './radflow';
import { markdown, Report, ServerRun } from './report';
import { explainQuery, findProfile, repeatOnOneAssociation, summariseProfile } from './where-time-goes';

/**
 * MWL C-FIND benchmark: the peers' worklist (gen_worklist.py, seed 42) served by DCMTK wlmscpfs,
 * Orthanc and Radflow (import-worklist of the same folder) at 1k/10k/100k items, measured with the
 * peers' bench.sh; Radflow alone at 1M (the 100k database multiplied by SQL); queries per second
 * on one association; and where Radflow's time goes (EXPLAIN ANALYZE, CPU split, V8 profile).
 * Usage: npm run bench:mwl. Env: BENCH_SIZES (1000,10000,100000), BENCH_BIG (1000000; 0 skips),
 * BENCH_RUNS (7), PEERS_DIR (../shared/peers), BENCH_WORK (/tmp/peers), DATABASE_URL.
 */
const REPO = resolve(__dirname, '../../..');
const RESULTS = join(REPO, 'bench/results');
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const list = (v: string | undefined, d: number[]): number[] => (v ? v.split(',').map(Number) : d);

async function main(): Promise<void> {
  const sizes = list(process.env.BENCH_SIZES, [1000, 10_000, 100_000]);
  const big = Number(process.env.BENCH_BIG ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const h = openHarness(process.env.PEERS_DIR ?? resolve(REPO, '../shared/peers'), process.env.BENCH_WORK ?? '/tmp/peers');
  const pg = await openPostgres();
  log(`postgres ${pg.kind} ${pg.version}`);
  const report: Report = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`, postgres: `${pg.kind} ${pg.version}`, runs, runsBySize: [], big: null, idsChecks: [], plans: [] };
  try {
    for (const n of sizes) {
      generate(h, n, log);
      const expected = expectedCounts(h, n);
      const servers: ServerRun[] = [];
      for (const kind of ['wlmscpfs', 'orthanc'] as const) {
        const port = await freePort();
        log(`N=${n}: ${kind}`);
        startPeer(h, kind, n, port);
        try {
          // bench.sh's process loops cost a whole scan per query on the peers: fewer at 100k
          const load0 = loadavg()[0];
          const bench = benchSh(h, port, `${kind}-N${n}`, runs, n >= 100_000 ? 10 : 50);
          servers.push({ server: kind, n, bench, load: [load0, loadavg()[0]] });
        } finally {
          stopPeer(h, kind, port);
        }
      }
      const url = await pg.createDatabase(`mwl_${n}`);
      const imported = importWorklist(REPO, url, join(h.db(n), 'PEERWL'));
      log(`N=${n}: import-worklist ${imported.seconds.toFixed(0)} s: ${imported.summary}`);
      await query(url, 'VACUUM ANALYZE');
      servers.push(await radflowRun(h, url, n, runs, imported.seconds, report, pg.serverPids));
      report.runsBySize.push({ n, expected, servers });
      report.idsChecks.push(...compareIds(h, n));
    }
    const base = Math.max(...sizes);
    if (big > base) {
      log(`N=${big}: copying mwl_${base} ×${big / base} by INSERT … SELECT`);
      const url = await pg.createDatabase(`mwl_${big}`, `mwl_${base}`);
      const t0 = Date.now();
      await multiply(url, base, Math.round(big / base), log);
      const steps = Number((await query(url, 'SELECT count(*) AS n FROM scheduled_procedure_steps'))[0].n);
      log(`N=${big}: ${steps} steps after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      report.big = await radflowRun(h, url, big, runs, null, report, pg.serverPids, true);
    }
  } finally {
    await pg.close();
  }
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'mwl.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(RESULTS, 'mwl-plans.txt'), report.plans.map((p) => `### ${p.n} ${p.query} (${p.executionMs} ms)\n${p.plan}\n`).join('\n'));
  const md = markdown(report);
  writeFileSync(join(RESULTS, 'mwl.md'), md);
  process.stdout.write(md);
}

async function radflowRun(h: Harness, url: string, n: number, runs: number, importSeconds: number | null, report: Report, pgPids: () => number[], profile = false): Promise<ServerRun> {
  log(`N=${n}: radflow`);
  let bench: BenchShResult;
  let load: [number, number] = [NaN, NaN];
  const repeats = [];
  const rf = await startRadflow(REPO, url);
  const load0 = loadavg()[0];
  try {
    bench = benchSh(h, rf.dicomPort, `radflow-N${n}`, runs, 200);
    load = [load0, loadavg()[0]];
    for (const q of bench.queries) {
      // about 10 s of queries each, between 20 and 500 of them
      const count = Math.max(20, Math.min(500, Math.round(10_000 / Math.max(q.medianMs, 1))));
      repeats.push(repeatOnOneAssociation(rf.dicomPort, join(h.queries, `${q.query}.dcm`), count, rf.pid, q.matches, pgPids));
    }
  } finally {
    await rf.stop();
  }
  for (const q of QUERIES) report.plans.push({ n, ...(await explainQuery(url, join(h.queries, `${q}.dcm`))) });
  const run: ServerRun = { server: 'radflow', n, bench, repeats, importSeconds, load };
  if (profile) {
    // A second process with the V8 profiler on, answering every query on one association.
    const dir = mkdtempSync(join(tmpdir(), 'mwl-cpu-prof-'));
    const prof = await startRadflow(REPO, url, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const window = { fromUs: 0, toUs: 0 };
    try {
      window.fromUs = Number(process.hrtime.bigint() / 1000n);
      for (const q of bench.queries) repeatOnOneAssociation(prof.dicomPort, join(h.queries, `${q.query}.dcm`), Math.max(10, Math.min(100, Math.round(3000 / Math.max(q.medianMs, 1)))), prof.pid, q.matches, pgPids);
      window.toUs = Number(process.hrtime.bigint() / 1000n);
    } finally {
      await prof.stop();
    }
    const file = findProfile(dir);
    if (file) run.profile = { file, ...summariseProfile(file, window) };
  }
  return run;
}

/** The peers README's check: the same items must come back (results/*\/Q*.ids). */
function compareIds(h: Harness, n: number): Report['idsChecks'] {
  return QUERIES.map((q) => {
    const [r, w, o] = ['radflow', 'wlmscpfs', 'orthanc'].map((s) => answerIds(h, `${s}-N${n}`, q));
    const diff = (a: string[], b: string[]) => {
      const [sa, sb] = [new Set(a), new Set(b)];
      return { onlyRadflow: a.filter((x) => !sb.has(x)).length, onlyPeer: b.filter((x) => !sa.has(x)).length };
    };
    return { n, query: q, radflow: r.length, wlmscpfs: w.length, orthanc: o.length, vsWlmscpfs: diff(r, w), vsOrthanc: diff(r, o) };
  });
}

main().catch((e) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
