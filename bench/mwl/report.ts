import type { BenchShResult, QueryName } from './harness';
import type { Explained, ProfileLine, RepeatResult } from './where-time-goes';

export interface ServerRun {
  server: 'wlmscpfs' | 'orthanc' | 'radflow';
  n: number;
  bench: BenchShResult;
  repeats?: RepeatResult[];
  importSeconds?: number | null;
  /** 1-minute load average when the server's bench.sh run started and ended (2 = both CPUs busy). */
  load?: [number, number];
  profile?: { file: string; functions: ProfileLine[]; areas: ProfileLine[]; busyMs: number };
}

export interface Report {
  date: string;
  machine: string;
  postgres: string;
  runs: number;
  runsBySize: Array<{ n: number; expected: Record<string, number>; servers: ServerRun[] }>;
  big: ServerRun | null;
  idsChecks: Array<{ n: number; query: QueryName; radflow: number; wlmscpfs: number; orthanc: number; vsWlmscpfs: { onlyRadflow: number; onlyPeer: number }; vsOrthanc: { onlyRadflow: number; onlyPeer: number } }>;
  plans: Array<Explained & { n: number }>;
}

const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : v.toFixed(1));
const int = (v: number): string => String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const short = (q: string): string => q.replace(/^.*\//, '').replace(/_.*$/, '');

/** The tables of bench/mwl/README.md, from one run. */
export function markdown(r: Report): string {
  const out: string[] = [];
  out.push(`Run ${r.date} on ${r.machine}; Postgres ${r.postgres}; hyperfine runs per query: ${r.runs}.`, '');
  out.push('### Median ms per whole `findscu -W` process (bench.sh), answers in brackets', '');
  out.push('| items | server | Q1 | Q2 | Q3 | Q4 | C-ECHO process | Q3 on one association, ms/query | load avg |', '|---|---|---:|---:|---:|---:|---:|---:|---|');
  const rows = [...r.runsBySize.flatMap((s) => s.servers), ...(r.big ? [r.big] : [])];
  for (const s of rows) {
    const cells = s.bench.queries.map((q) => `${ms(q.medianMs)} (${int(q.matches)})`);
    // bench.sh names its loop totals after the loop count: echoscu_50_total_ms, findscu_Q3_repeat50_…
    const echo = Object.entries(s.bench.loops).find(([k]) => k.startsWith('echoscu_'));
    const repeat = Object.entries(s.bench.loops).find(([k]) => k.includes('repeat'));
    const perRun = (e: [string, number] | undefined, re: RegExp): string => (e ? ms(e[1] / Number(re.exec(e[0])?.[1] ?? NaN)) : '–');
    out.push(`| ${int(s.n)} | ${s.server} | ${cells.join(' | ')} | ${perRun(echo, /_(\d+)_/)} | ${perRun(repeat, /repeat(\d+)/)} | ${s.load ? s.load.map((l) => l.toFixed(1)).join(' → ') : ''} |`);
  }
  out.push('', '### Radflow: queries per second on one association (`findscu --repeat`), CPU ms per query', '');
  out.push('| items | query | answers | repeats | q/s | ms/query | Radflow CPU | Postgres CPU | findscu CPU |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of rows.filter((x) => x.repeats)) {
    for (const q of s.repeats!) {
      out.push(`| ${int(s.n)} | ${short(q.query)} | ${int(q.answersPerQuery)} | ${q.repeats} | ${ms(q.qps)} | ${ms(q.wallMs / q.repeats)} | ${ms(q.radflowCpuMs)} | ${ms(q.postgresCpuMs)} | ${ms(q.findscuCpuMs)} |`);
    }
  }
  out.push('', '### Radflow SQL: EXPLAIN ANALYZE execution time (warm), ms', '');
  const sizes = [...new Set(r.plans.map((p) => p.n))];
  out.push(`| query | ${sizes.map((n) => `${int(n)} items`).join(' | ')} |`, `|---|${sizes.map(() => '---:').join('|')}|`);
  for (const q of ['Q1', 'Q2', 'Q3', 'Q4']) {
    out.push(`| ${q} | ${sizes.map((n) => {
      const p = r.plans.find((x) => x.n === n && short(x.query) === q);
      return p ? `${ms(p.executionMs)} (${int(p.rows)} rows)` : '–';
    }).join(' | ')} |`);
  }
  out.push('', '### Same items? (summarize_rsp.py lines without the attribute count)', '');
  out.push('| items | query | radflow | wlmscpfs | Orthanc | radflow vs wlmscpfs | radflow vs Orthanc |', '|---|---|---:|---:|---:|---|---|');
  const verdict = (d: { onlyRadflow: number; onlyPeer: number }): string => (d.onlyRadflow + d.onlyPeer === 0 ? 'same' : `+${d.onlyRadflow} / −${d.onlyPeer}`);
  for (const c of r.idsChecks) out.push(`| ${int(c.n)} | ${short(c.query)} | ${int(c.radflow)} | ${int(c.wlmscpfs)} | ${int(c.orthanc)} | ${verdict(c.vsWlmscpfs)} | ${verdict(c.vsOrthanc)} |`);
  const imports = rows.filter((s) => s.importSeconds);
  if (imports.length) out.push('', `import-worklist: ${imports.map((s) => `${int(s.n)} files in ${s.importSeconds!.toFixed(0)} s`).join('; ')}.`);
  const prof = rows.find((s) => s.profile)?.profile;
  if (prof) {
    out.push('', `### Radflow V8 profile at ${int(rows.find((s) => s.profile)!.n)} items (all four queries on one association; ${ms(prof.busyMs)} ms busy)`, '');
    out.push('| area | self ms | share |', '|---|---:|---:|', ...prof.areas.map((l) => `| ${l.where} | ${ms(l.ms)} | ${(l.share * 100).toFixed(1)} % |`));
    out.push('', '| function | self ms | share |', '|---|---:|---:|', ...prof.functions.map((l) => `| \`${l.where}\` | ${ms(l.ms)} | ${(l.share * 100).toFixed(1)} % |`));
  }
  return out.join('\n') + '\n';
}
