import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { createDataSource, migrate } from '@radflow/persistence';
import { openPostgres } from '../mwl/radflow';
import { addFinished, explainMwl, loadScheduled, MWL_QUERIES, MwlQueryName, QuerySamples, timeQuery, useFullIndexes } from './mwl-finished';

/**
 * The worklist beside its history: MWL Q1–Q3 at BENCH_SCHEDULED scheduled items, alone and with
 * BENCH_FINISHED finished steps beside them (goal: within 10 %), and, for comparison, with the
 * same history under the step indexes as they were before migration 1763900000010.
 * Usage: npm run bench:status-mwl. Env: BENCH_SCHEDULED (100000), BENCH_FINISHED (1000000),
 * BENCH_REPEATS (400 per query and scenario), BENCH_FULL_INDEXES (1; 0 skips the comparison),
 * DATABASE_URL (else a private embedded Postgres, dropped at the end).
 */
const REPO = resolve(__dirname, '../../..');
const RESULTS = join(REPO, 'bench/results');
const QUERIES = Object.keys(MWL_QUERIES) as MwlQueryName[];
const ROUNDS = 4;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Scenario {
  name: string;
  url: string;
  samples: Partial<Record<MwlQueryName, QuerySamples>>;
  indexes: Partial<Record<MwlQueryName, string[]>>;
}

async function sql(url: string, run: (c: Client) => Promise<unknown>): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await run(c);
  } finally {
    await c.end();
  }
}

const percentile = (ms: number[], q: number): number => {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const f = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
const n = (x: number): string => x.toLocaleString('en');

async function main(): Promise<void> {
  const scheduled = Number(process.env.BENCH_SCHEDULED ?? 100_000);
  const finished = Number(process.env.BENCH_FINISHED ?? 1_000_000);
  const repeats = Number(process.env.BENCH_REPEATS ?? 400);
  const withFullIndexes = process.env.BENCH_FULL_INDEXES !== '0';
  const pg = await openPostgres();
  log(`postgres ${pg.kind} ${pg.version}`);
  const started = new Date();
  try {
    let t0 = Date.now();
    const aloneUrl = await pg.createDatabase('radflow_status_mwl_alone');
    const ds = createDataSource({ url: aloneUrl, poolSize: 2 });
    await ds.initialize();
    await migrate(ds);
    await ds.destroy();
    await sql(aloneUrl, async (c) => (await loadScheduled(c, scheduled), await c.query('VACUUM ANALYZE')));
    log(`${n(scheduled)} scheduled items in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    t0 = Date.now();
    const historyUrl = await pg.createDatabase('radflow_status_mwl_history', 'radflow_status_mwl_alone');
    await sql(historyUrl, async (c) => (await addFinished(c, finished, scheduled, log), await c.query('VACUUM ANALYZE')));
    log(`+${n(finished)} finished steps in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const scenarios: Scenario[] = [
      { name: 'alone', url: aloneUrl, samples: {}, indexes: {} },
      { name: `+${n(finished)} finished`, url: historyUrl, samples: {}, indexes: {} },
    ];
    if (withFullIndexes) {
      t0 = Date.now();
      const fullUrl = await pg.createDatabase('radflow_status_mwl_full', 'radflow_status_mwl_history');
      await sql(fullUrl, useFullIndexes);
      log(`full-index copy in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      scenarios.push({ name: `+${n(finished)} finished, indexes before 1763900000010`, url: fullUrl, samples: {}, indexes: {} });
    }
    const pools = scenarios.map((s) => new Pool({ connectionString: s.url, max: 2 }));
    const load = [loadavg()[0]];
    try {
      // rounds alternate the scenarios, so other load on the machine falls on all of them alike
      for (let round = 0; round < ROUNDS; round++) {
        for (const q of QUERIES) {
          for (const [i, s] of scenarios.entries()) {
            const r = await timeQuery(pools[i], q, Math.ceil(repeats / ROUNDS));
            const prior = s.samples[q];
            if (prior && prior.accessions.join() !== r.accessions.join()) throw new Error(`${s.name} ${q}: answers changed between rounds`);
            s.samples[q] = { ...r, ms: [...(prior?.ms ?? []), ...r.ms] };
          }
        }
        log(`round ${round + 1}/${ROUNDS} done`);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    load.push(loadavg()[0]);
    for (const s of scenarios) for (const q of QUERIES) s.indexes[q] = await explainMwl(s.url, MWL_QUERIES[q]);
    for (const q of QUERIES) {
      for (const s of scenarios.slice(1)) {
        if (s.samples[q]!.accessions.join() !== scenarios[0].samples[q]!.accessions.join()) throw new Error(`${q}: ${s.name} answers other items than alone`);
      }
    }
    const md = markdown(scenarios, { started, scheduled, finished, repeats, postgres: `${pg.kind} ${pg.version}`, load });
    process.stdout.write(md);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'status-mwl.md'), md);
    writeFileSync(join(RESULTS, 'status-mwl.json'), JSON.stringify(scenarios.map((s) => ({ ...s, samples: Object.fromEntries(QUERIES.map((q) => [q, { answers: s.samples[q]!.answers, ms: s.samples[q]!.ms }])) })), null, 1));
  } finally {
    await pg.close();
  }
}

function markdown(scenarios: Scenario[], run: { started: Date; scheduled: number; finished: number; repeats: number; postgres: string; load: number[] }): string {
  const [alone, history, full] = scenarios;
  const stat = (s: Scenario, q: MwlQueryName, p: number): number => percentile(s.samples[q]!.ms, p);
  const ratio = (s: Scenario, q: MwlQueryName, p: number): string => `${((stat(s, q, p) / stat(alone, q, p)) * 100).toFixed(0)} %`;
  const lines = [
    `Run ${run.started.toISOString()} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Postgres ${run.postgres};`,
    `${n(run.scheduled)} scheduled items, ${n(run.finished)} finished steps beside them; ${n(run.repeats)} C-FINDs per query and scenario; load average ${run.load.map((l) => l.toFixed(1)).join(' → ')}.`,
    '',
    `| query | answers | alone p50 / p99 ms | ${history.name} p50 / p99 ms | ratio p50 / p99 |${full ? ` ${full.name} p50 / p99 ms | ratio p50 / p99 |` : ''}`,
    `|---|---:|---:|---:|---:|${full ? '---:|---:|' : ''}`,
    ...QUERIES.map((q) => {
      const cells = [q, n(alone.samples[q]!.answers), `${f(stat(alone, q, 0.5))} / ${f(stat(alone, q, 0.99))}`, `${f(stat(history, q, 0.5))} / ${f(stat(history, q, 0.99))}`, `${ratio(history, q, 0.5)} / ${ratio(history, q, 0.99)}`];
      if (full) cells.push(`${f(stat(full, q, 0.5))} / ${f(stat(full, q, 0.99))}`, `${ratio(full, q, 0.5)} / ${ratio(full, q, 0.99)}`);
      return `| ${cells.join(' | ')} |`;
    }),
    '',
    '| query | ' + scenarios.map((s) => `${s.name}: indexes`).join(' | ') + ' |',
    '|---|' + scenarios.map(() => '---|').join(''),
    ...QUERIES.map((q) => `| ${q} | ${scenarios.map((s) => s.indexes[q]!.map((i) => `\`${i}\``).join(', ')).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

main().catch((e) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
