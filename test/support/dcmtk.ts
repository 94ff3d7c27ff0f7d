import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from './free-port';

/**
 * DCMTK as the independent peer: wlmscpfs as the reference worklist SCP, findscu as the modality,
 * dump2dcm to build query files and dcmdump to read the answers (so Radflow's own codec never
 * judges Radflow's output). Needs `apt-get install dcmtk`.
 */

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

/** DCMTK keeps Nagle's algorithm on unless TCP_NODELAY=1 (peers README): 40 ms stalls otherwise. */
export function run(cmd: string, args: readonly string[], timeoutMs = 30000, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, [...args], { env: { ...process.env, TCP_NODELAY: '1', ...env }, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), raw: stdout });
    });
  });
}

export interface Wlmscpfs {
  port: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * wlmscpfs serving `dataDir/<AE>/*.wl` (the sub-folder name is the called AE title). `-csk` keeps
 * each file's Specific Character Set in the answers; `rejectIncomplete: false` is `-dfr`.
 */
export async function startWlmscpfs(dataDir: string, aeTitle: string, options: { rejectIncomplete?: boolean } = {}): Promise<Wlmscpfs> {
  const port = await freePort();
  const args = ['-csk', options.rejectIncomplete ? '-efr' : '-dfr', '-dfp', dataDir, String(port)];
  const child = spawn('wlmscpfs', args, { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`wlmscpfs exited: ${out}`);
    if ((await run('echoscu', ['-aec', aeTitle, '127.0.0.1', String(port)])).code === 0) {
      return { port, child, output: () => out, stop: async () => (child.kill('SIGTERM'), exited) };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`wlmscpfs did not answer C-ECHO: ${out}`);
}

/** dump2dcm text → query file; lines in dcmdump syntax, `\xNN` bytes allowed via `encoding`. */
export async function queryFile(dir: string, name: string, lines: readonly string[], encoding: BufferEncoding = 'utf8'): Promise<string> {
  const dump = join(dir, `${name}.dump`);
  const dcm = join(dir, `${name}.dcm`);
  writeFileSync(dump, Buffer.from(lines.join('\n') + '\n', encoding));
  const r = await run('dump2dcm', [dump, dcm]);
  if (r.code !== 0) throw new Error(`dump2dcm ${name}: ${r.stderr}`);
  return dcm;
}

export interface FindTarget {
  port: number;
  calledAe: string;
  callingAe?: string;
}

export interface FindResult {
  /** findscu's exit code and log (its -v output names the final status). */
  run: Run;
  /** One dcmdump text per answer, in arrival order. */
  dumps: string[];
}

/** `findscu -W -X` with `-k` keys and/or a query file; every answer read back with dcmdump. */
export async function findscu(target: FindTarget, keys: readonly string[], file?: string, extra: readonly string[] = []): Promise<FindResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mwl-find-'));
  try {
    const args = ['-W', '-v', '-X', '-od', dir, '-aec', target.calledAe, '-aet', target.callingAe ?? 'FINDSCU', ...extra, ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(target.port)];
    const r = await run('findscu', file ? [...args, file] : args);
    const files = readdirSync(dir).filter((f) => /^rsp\d+\.dcm$/.test(f)).sort();
    const dumps = files.length ? splitDumps((await run('dcmdump', ['+L', '-q', ...files.map((f) => join(dir, f))])).raw) : [];
    return { run: r, dumps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** dcmdump prints one `# Dicom-File-Format` block per file; values keep the file's own bytes. */
function splitDumps(raw: Buffer): string[] {
  return raw
    .toString('utf8')
    .split(/^# Dicom-File-Format$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One answer as attribute path → value, e.g. `0040,0100[0]/0008,0060` → `CT`. */
export type Answer = Map<string, string>;

const LINE = /^( *)\(([0-9a-f]{4}),([0-9a-f]{4})\) (\w\w) (.*?)\s+# +(\S+), +(\d+) /;

/** Reads one dcmdump block (file meta left out). Sequences appear through their items' elements. */
export function parseDump(dump: string): Answer {
  const out: Answer = new Map();
  const stack: Array<{ depth: number; path: string; items: number }> = [];
  for (const line of dump.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, indent, group, element, vr, shown] = m;
    const depth = indent.length / 2;
    const tag = `${group},${element}`;
    if (group === '0002' || tag === 'fffe,e00d' || tag === 'fffe,e0dd') continue;
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (tag === 'fffe,e000') {
      // an item: its elements sit one level deeper, under `<sequence>[n]`
      const index = parent ? parent.items++ : 0;
      stack.push({ depth, path: `${parent?.path ?? ''}[${index}]`, items: 0 });
      continue;
    }
    const path = parent ? `${parent.path}/${tag}` : tag;
    if (vr === 'SQ') {
      stack.push({ depth, path, items: 0 });
      continue;
    }
    out.set(path, valueOf(shown));
  }
  return out;
}

function valueOf(shown: string): string {
  if (shown.startsWith('(no value available)')) return '';
  if (shown.startsWith('[')) return shown.slice(1, shown.lastIndexOf(']'));
  return shown;
}

/**
 * An answer in a form two SCPs can be compared by: zero-length attributes dropped (an SCP may
 * return a type 2 key empty or an unknown optional key not at all), trailing spaces trimmed,
 * paths matching `ignore` left out. One line per attribute, sorted.
 */
export function canonical(answer: Answer, ignore: readonly RegExp[] = []): string {
  return [...answer]
    .map(([k, v]) => [k, v.replace(/ +$/, '')] as const)
    .filter(([k, v]) => v !== '' && !ignore.some((re) => re.test(k)))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\n');
}

/**
 * The exact bytes of a top-level text value in a dcmdump block (dcmdump prints values as stored
 * unless told to convert), cut by the byte length it reports rather than at a `]`, which GB18030
 * and ISO 2022 text may contain; padding removed.
 */
export function rawValue(dumpBytes: Buffer, tag: string): Buffer | undefined {
  const start = dumpBytes.indexOf(Buffer.from(`\n(${tag}) `));
  if (start < 0) return undefined;
  const end = dumpBytes.indexOf(0x0a, start + 1);
  const line = dumpBytes.subarray(start + 1, end < 0 ? undefined : end);
  const length = /# +(\d+),/.exec(line.subarray(line.lastIndexOf(0x23)).toString('latin1'));
  const open = line.indexOf(0x5b); // '['; absent for "(no value available)"
  if (!length || open < 0) return Buffer.alloc(0);
  // The reported length counts the padding byte that dcmdump does not print: end at the bracket.
  const n = Number(length[1]);
  let value = line.subarray(open + 1, open + 1 + (line[open + 1 + n] === 0x5d ? n : n - 1));
  while (value.length > 0 && (value[value.length - 1] === 0x20 || value[value.length - 1] === 0x00)) value = value.subarray(0, -1);
  return Buffer.from(value);
}

/** Each answer's dcmdump output as bytes, for checks on the exact bytes of text values. */
export async function findRawDumps(target: FindTarget, keys: readonly string[]): Promise<Buffer[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mwl-raw-'));
  try {
    const r = await run('findscu', ['-W', '-X', '-od', dir, '-aec', target.calledAe, '-aet', target.callingAe ?? 'FINDSCU', ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(target.port)]);
    if (r.code !== 0) throw new Error(`findscu failed: ${r.stderr}`);
    const files = readdirSync(dir).filter((f) => /^rsp\d+\.dcm$/.test(f)).sort();
    return await Promise.all(files.map(async (f) => (await run('dcmdump', ['+L', '-q', join(dir, f)])).raw));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where DCMTK packages put the `wlistqry*.dump` example queries: Debian's doc examples, an upstream install. */
export const DCMTK_SAMPLE_QUERY_DIRS = ['/usr/share/doc/dcmtk/examples/wlistqry', '/usr/share/dcmtk/wlistqry', '/usr/local/share/dcmtk/wlistqry'];

export interface SampleQuery {
  name: string;
  /** A plain dump2dcm input (a compressed original is unpacked to a temporary copy). */
  path: string;
}

/** DCMTK's example worklist queries from the first directory that has any; [] when none does. */
export function dcmtkSampleQueries(dirs: readonly string[] = DCMTK_SAMPLE_QUERY_DIRS): SampleQuery[] {
  for (const dir of dirs.filter((d) => existsSync(d))) {
    const files = readdirSync(dir).filter((f) => /^wlistqry\d+\.dump(\.gz)?$/.test(f)).sort();
    if (files.length === 0) continue;
    const unpacked = files.some((f) => f.endsWith('.gz')) ? mkdtempSync(join(tmpdir(), 'wlistqry-')) : '';
    return files.map((f) => {
      if (!f.endsWith('.gz')) return { name: f, path: join(dir, f) };
      const name = f.slice(0, -3);
      writeFileSync(join(unpacked, name), gunzipSync(readFileSync(join(dir, f))));
      return { name, path: join(unpacked, name) };
    });
  }
  return [];
}
