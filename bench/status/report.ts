import { CpuSplit } from '../hl7-ingest/profile';
import { LatencyStats } from './load';
import { SaturationRun } from './saturation';

export interface LatencyRow {
  scus: number;
  /** TCP_NODELAY on the SCU's socket (false: dcmjs-dimse as shipped). */
  noDelay: boolean;
  mpps: LatencyStats;
  echo: LatencyStats;
  /** CPU ms per operation (one MPPS = N-CREATE + N-SET; one C-ECHO pair); clientMs is the SCUs. */
  mppsCpu: CpuSplit;
  echoCpu: CpuSplit;
  /** Step statuses of the orders this row used, after it ran (every one should be COMPLETED). */
  steps: Record<string, number>;
}

export interface StatusReport {
  at: string;
  machine: string;
  postgres: string;
  iterations: number;
  warmup: number;
  /** Orders placed before each saturation run. */
  satOrders: number;
  /** 1-minute load average when the run started and ended (2 = both CPUs busy). */
  load: [number, number];
  /** Cores used by an idle Radflow and its Postgres (null: not ours to watch). */
  idle: { radflow: number; postgres: number | null } | null;
  latency: LatencyRow[];
  saturation: SaturationRun[];
}

const ms = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : '–');
const int = (v: number): string => (Number.isFinite(v) ? String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : '–');
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(1)}×` : '–');

/** The tables of bench/status/README.md, from one run. */
export function markdown(r: StatusReport): string {
  const out = [
    `Run ${r.at} on ${r.machine}; Postgres ${r.postgres}; ${r.iterations} timed iterations per row after ${r.warmup} warm-up; ` +
      `${r.satOrders} orders placed before each saturation run; load average ${r.load.map((l) => l.toFixed(1)).join(' → ')}; ` +
      `idle Radflow ${r.idle?.radflow ?? '?'} cores, idle Postgres ${r.idle?.postgres ?? '?'} cores.`,
    '',
  ];
  out.push('### MPPS N-CREATE + N-SET round trip (dcmjs-dimse SCU), ms from association accepted to N-SET-RSP', '');
  out.push('| SCUs | MPPS p50 | MPPS p99 | N-CREATE-RSP p50 | 2 × C-ECHO p50 | 2 × C-ECHO p99 | ratio p50 | ratio p99 | MPPS/s | CPU ms per MPPS: radflow / postgres / SCU | failed | steps after |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|');
  for (const l of r.latency) {
    const c = l.mppsCpu;
    out.push(`| ${l.scus}${l.noDelay ? '' : ' (Nagle on)'} | ${ms(l.mpps.p50)} | ${ms(l.mpps.p99)} | ${ms(l.mpps.firstP50)} | ${ms(l.echo.p50)} | ${ms(l.echo.p99)} | ${ratio(l.mpps.p50, l.echo.p50)} | ${ratio(l.mpps.p99, l.echo.p99)} | ${int(l.mpps.perSecond)} | ${c.radflowMs} / ${c.postgresMs ?? '?'} / ${c.clientMs} | ${l.mpps.failed + l.echo.failed} | ${Object.entries(l.steps).map(([s, n]) => `${s} ${n}`).join(', ')} |`);
  }
  out.push('', '### Transitions per second at saturation (rows written to study_transitions, scopes step + study)', '');
  out.push('| scenario | SCUs | MLLP conns | window s | transitions/s | step/s | study/s | ops ok / failed | CPU ms per transition: radflow / postgres / bench | machine cores busy |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---|---|---:|');
  for (const s of r.saturation) {
    const c = s.cpuMsPerTransition;
    out.push(`| ${s.scenario}${s.ranDry ? ' (orders ran out)' : ''} | ${s.scus} | ${s.connections} | ${s.windowSeconds.toFixed(1)} | **${int(s.transitionsPerSecond)}** | ${int(s.stepPerSecond)} | ${int(s.studyPerSecond)} | ${int(s.ok)} / ${int(s.failed)} | ${c.radflow} / ${c.postgres ?? '?'} / ${c.bench} | ${s.machineBusyCores} |`);
  }
  const failures = [...r.latency.flatMap((l) => [l.mpps.failures, l.echo.failures]), ...r.saturation.map((s) => s.failures)].flatMap((f) => Object.entries(f));
  if (failures.length) out.push('', 'Failures: ' + failures.map(([what, n]) => `${n} × ${what}`).join('; '));
  return out.join('\n') + '\n';
}
