import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The peer harness (../shared/peers, read-only): its scripts run from a copy under the work
 * folder, because bench.sh writes its results next to itself. Nothing of it enters the repository.
 */
export const QUERIES = ['Q1_daylist', 'Q2_ct_3days', 'Q3_pid', 'Q4_name_smi'] as const;
export type QueryName = (typeof QUERIES)[number];

const SCRIPTS = ['bench.sh', 'summarize_rsp.py', 'make_queries.sh', 'start_wlmscpfs.sh', 'start_orthanc.sh', 'stop_peer.sh', 'gen_worklist.py', 'expected_counts.py'];

export interface Harness {
  dir: string;
  work: string;
  queries: string;
  /** The folder wlmscpfs serves for N items (sub-folder PEERWL = the called AE title). */
  db(n: number): string;
  manifest(n: number): string;
  sh(script: string, args: readonly string[], env?: Record<string, string>): SpawnSyncReturns<string>;
}

export function openHarness(peersDir: string, work: string): Harness {
  for (const tool of ['findscu', 'echoscu', 'wlmscpfs', 'dump2dcm', 'hyperfine', 'Orthanc']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: apt-get install -y dcmtk orthanc hyperfine python3-pydicom`);
  }
  if (spawnSync('/usr/bin/python3', ['-c', 'import pydicom']).status !== 0) throw new Error('/usr/bin/python3 has no pydicom: apt-get install -y python3-pydicom');
  const dir = join(work, 'harness');
  mkdirSync(dir, { recursive: true });
  for (const s of SCRIPTS) copyFileSync(join(peersDir, s), join(dir, s));
  // Output goes to a log file: findscu logs every answer, far more than a pipe buffer holds at 1M.
  const logFile = join(dir, 'harness.log');
  const sh = (script: string, args: readonly string[], env: Record<string, string> = {}): SpawnSyncReturns<string> => {
    const fd = openSync(logFile, 'w');
    try {
      const r = spawnSync(script.endsWith('.py') ? '/usr/bin/python3' : 'bash', [join(dir, script), ...args], {
        encoding: 'utf8',
        env: { ...process.env, TCP_NODELAY: '1', ...env },
        stdio: ['ignore', fd, fd],
      });
      const size = statSync(logFile).size;
      const output = size < 1_000_000 ? readFileSync(logFile, 'utf8') : `…${tail(logFile, size)}`;
      if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.status}): ${output.slice(-3000)}`);
      return { ...r, stdout: output };
    } finally {
      closeSync(fd);
    }
  };
  const queries = join(work, 'queries');
  sh('make_queries.sh', [queries]);
  return { dir, work, queries, sh, db: (n) => join(work, String(n), 'WLDB'), manifest: (n) => join(work, String(n), 'WLDB', 'manifest.tsv') };
}

function tail(file: string, size: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(3000);
    const n = readSync(fd, buf, 0, buf.length, Math.max(0, size - buf.length));
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** gen_worklist.py N (seed 42) unless the folder is already there: same N and seed, same files. */
export function generate(h: Harness, n: number, log: (s: string) => void): void {
  const folder = join(h.db(n), 'PEERWL');
  if (existsSync(h.manifest(n))) return log(`N=${n}: reusing ${folder}`);
  const t0 = Date.now();
  h.sh('gen_worklist.py', [String(n), folder, '--seed', '42']);
  log(`N=${n}: generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

export function expectedCounts(h: Harness, n: number): Record<string, number> {
  const out = h.sh('expected_counts.py', [h.manifest(n)]).stdout;
  return Object.fromEntries(out.trim().split('\n').map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]));
}

export interface QueryTiming {
  query: QueryName;
  matches: number;
  medianMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export interface BenchShResult {
  label: string;
  queries: QueryTiming[];
  /** bench.sh's loop lines: echoscu per process, Q3 per process, Q3 --repeat on one association */
  loops: Record<string, number>;
  loopsText: string;
}

/** Runs the harness's bench.sh against one server; results under <harness>/results/<label>. */
export function benchSh(h: Harness, port: number, label: string, runs: number, loops: number): BenchShResult {
  h.sh('bench.sh', ['127.0.0.1', String(port), 'PEERWL', label, String(runs), h.queries], { LOOPS: String(loops) });
  const tsv = readFileSync(join(h.dir, 'results', `${label}.tsv`), 'utf8').trim().split('\n').slice(1);
  const queries = tsv.map((line) => {
    const [query, matches, median, mean, min, max] = line.split('\t');
    return { query: query as QueryName, matches: Number(matches), medianMs: Number(median), meanMs: Number(mean), minMs: Number(min), maxMs: Number(max) };
  });
  const loopsText = readFileSync(join(h.dir, 'results', `${label}.loops.txt`), 'utf8');
  const loopsOut: Record<string, number> = {};
  for (const line of loopsText.split('\n')) {
    const [key, value] = line.split('\t');
    if (value !== undefined && /^\d/.test(value)) loopsOut[key] = Number(value);
  }
  return { label, queries, loops: loopsOut, loopsText };
}

/** One sorted summary line per answer (summarize_rsp.py), without its attribute count. */
export function answerIds(h: Harness, label: string, query: QueryName): string[] {
  const file = join(h.dir, 'results', label, `${query}.ids`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/ \| \d+ attrs$/, ''))
    .filter(Boolean)
    .sort();
}

export function startPeer(h: Harness, kind: 'wlmscpfs' | 'orthanc', n: number, port: number): void {
  if (kind === 'wlmscpfs') h.sh('start_wlmscpfs.sh', [String(n), String(port), h.db(n)]);
  else h.sh('start_orthanc.sh', [String(n), String(port), String(port + 1), join(h.db(n), 'PEERWL')]);
}

export function stopPeer(h: Harness, kind: 'wlmscpfs' | 'orthanc', port: number): void {
  h.sh('stop_peer.sh', [kind, String(port)]);
  // start_orthanc.sh keeps its config and index per port; the bench's ports are new every run
  if (kind === 'orthanc') rmSync(`/tmp/peers/orthanc-${port}`, { recursive: true, force: true });
}
