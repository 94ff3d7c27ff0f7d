import { readdirSync, readFileSync } from 'node:fs';
import { sep } from 'node:path';

/** CPU seconds used so far (user + system) by a process, from /proc (Linux only; 0 elsewhere). */
export function cpuSecondsOf(pid: number, withReapedChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime (and cutime, cstime) in clock ticks, USER_HZ = 100
    const ticks = Number(fields[11]) + Number(fields[12]) + (withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of a Postgres server: the postmaster and its live children (backends, WAL writer,
 * checkpointer). Other clusters on the machine are left out. 0 when the pid is unknown.
 */
export function postgresCpuSeconds(postmasterPid: number | null): number {
  if (!postmasterPid) return 0;
  // the postmaster's own time plus that of children it has reaped (backends of closed connections)
  let total = cpuSecondsOf(postmasterPid, true);
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmasterPid) total += cpuSecondsOf(Number(name));
    } catch {
      // the process ended between readdir and read
    }
  }
  return total;
}

/** Busy CPU seconds of the whole machine so far, all processes (from /proc/stat; 0 elsewhere). */
export function machineBusySeconds(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return 0;
  }
}

export interface CpuSplit {
  /** CPU milliseconds per message. */
  radflowMs: number;
  /** null when the Postgres server is not ours to watch (DATABASE_URL). */
  postgresMs: number | null;
  clientMs: number;
  /** Cores kept busy on average over the run (all three together). */
  busyCores: number;
  /** Cores busy on the whole machine meanwhile: well above busyCores means something else ran too. */
  machineBusyCores: number;
}

/** Measures where CPU goes while `work` runs: the Radflow process, Postgres, and this process. */
export async function measureCpu<T>(radflowPid: number, postmasterPid: number | null, messages: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
  const before = { r: cpuSecondsOf(radflowPid), p: postgresCpuSeconds(postmasterPid), c: process.cpuUsage(), m: machineBusySeconds(), t: process.hrtime.bigint() };
  const result = await work();
  const c = process.cpuUsage(before.c);
  const r = cpuSecondsOf(radflowPid) - before.r;
  const p = postgresCpuSeconds(postmasterPid) - before.p;
  const client = (c.user + c.system) / 1e6;
  const wall = Number(process.hrtime.bigint() - before.t) / 1e9;
  const machine = Math.round(((machineBusySeconds() - before.m) / wall) * 100) / 100;
  const per = (s: number) => Math.round((s * 1000 * 1000) / messages) / 1000;
  return { result, cpu: { radflowMs: per(r), postgresMs: postmasterPid ? per(p) : null, clientMs: per(client), busyCores: Math.round(((r + p + client) / wall) * 100) / 100, machineBusyCores: machine } };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled time inside the window, and the part of it the thread was not idle. */
  totalMs: number;
  busyMs: number;
  /** Self time by area of the code (ours by library, then node_modules packages, then Node internals). */
  byArea: Array<{ area: string; ms: number; pct: number }>;
  /** The functions with the most self time. */
  topSelf: Array<{ fn: string; ms: number; pct: number }>;
  /** The functions with the most time including their callees (percent of busy time). */
  topInclusive: Array<{ fn: string; ms: number; pct: number }>;
}

/** Frames every stack passes through; listing them by inclusive time says nothing. */
const PLUMBING = /^(\(root\)|\(program\)|\(idle\)|runMicrotasks|processTicksAndRejections|emit|\\(anonymous\\)) /;

/**
 * Self and inclusive time per function from a V8 .cpuprofile (node --cpu-prof), counting only
 * samples inside [fromUs, toUs] (process.hrtime microseconds: the same monotonic clock as V8's
 * profile timestamps on Linux), so the process's start-up does not blur the steady state.
 */
export function summariseCpuProfile(path: string, window?: { fromUs: number; toUs: number }, top = 20): ProfileSummary {
  const prof = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  let at = prof.startTime;
  const inWindow = prof.samples.map((_, i) => ((at += prof.timeDeltas[i] ?? 0), !window || (at >= window.fromUs && at <= window.toUs)));
  const useAll = !inWindow.some(Boolean); // clocks did not line up: better the whole run than nothing
  const areas = new Map<string, number>();
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let busy = 0;
  prof.samples.forEach((id, i) => {
    if (!useAll && !inWindow[i]) return;
    const us = prof.timeDeltas[i] ?? 0;
    const { functionName, url } = byId.get(id)!.callFrame;
    total += us;
    add(areas, areaOf(functionName, url), us);
    add(self, keyOf(id), us);
    if (functionName === '(idle)') return;
    busy += us;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = keyOf(n);
      if (!seen.has(k)) (seen.add(k), add(incl, k, us));
    }
  });
  const rank = (m: Map<string, number>, of: number) => [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ k, ms: Math.round(us / 1000), pct: Math.round((us / of) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    byArea: rank(areas, total).map(({ k, ms, pct }) => ({ area: k, ms, pct })),
    topSelf: rank(self, total).slice(0, top).map(({ k, ms, pct }) => ({ fn: k, ms, pct })),
    topInclusive: rank(incl, busy).filter(({ k }) => !PLUMBING.test(k)).slice(0, top).map(({ k, ms, pct }) => ({ fn: k, ms, pct })),
  };
}

function add(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

function areaOf(fn: string, url: string): string {
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return fn;
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf(`node_modules${sep}`);
  if (nm >= 0) {
    const parts = url.slice(nm + 13).split(sep);
    return `npm:${parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const dist = /dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (dist) return `radflow:${dist[1]}/${dist[2]}`;
  if (url.startsWith('node:')) return 'node-internals';
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 13);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 6) : url;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
