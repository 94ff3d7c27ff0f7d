/** One timed operation's outcome: the time the bench reports for it, and whether it succeeded. */
export interface Sample {
  ms: number;
  ok: boolean;
  /** The statuses or codes it saw, for the report when it was not ok. */
  detail?: string;
  /** The first round trip of a multi-request operation (the N-CREATE-RSP, the first C-ECHO-RSP). */
  firstMs?: number;
}

/** Operation `i` (it takes pre-placed order i) on lane `lane` (its SCU or connection). */
export type LaneOp = (i: number, lane: number) => Promise<Sample>;

export interface LatencyStats {
  count: number;
  failed: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  firstP50: number;
  firstP99: number;
  seconds: number;
  perSecond: number;
  failures: Record<string, number>;
}

/**
 * `count` operations over `lanes` lanes (one SCU each, one operation in flight per lane: a closed
 * loop, like modalities waiting for each answer). Operation i gets index i, so each consumes its own
 * pre-placed order.
 */
export async function closedLoop(count: number, lanes: number, op: LaneOp): Promise<LatencyStats> {
  const samples: Sample[] = new Array(count);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = next++; i < count; i = next++) samples[i] = await op(i, lane).catch((e: Error) => ({ ms: NaN, ok: false, detail: e.message }));
  }));
  return stats(samples, Number(process.hrtime.bigint() - started) / 1e9);
}

export function stats(samples: readonly Sample[], seconds: number): LatencyStats {
  const ok = samples.filter((s) => s.ok).map((s) => s.ms).sort((a, b) => a - b);
  const first = samples.filter((s) => s.ok && s.firstMs !== undefined).map((s) => s.firstMs!).sort((a, b) => a - b);
  const failures: Record<string, number> = {};
  for (const s of samples) if (!s.ok) failures[s.detail ?? '?'] = (failures[s.detail ?? '?'] ?? 0) + 1;
  return {
    count: samples.length,
    failed: samples.length - ok.length,
    p50: quantile(ok, 0.5),
    p99: quantile(ok, 0.99),
    mean: ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN,
    max: ok.length ? ok[ok.length - 1] : NaN,
    firstP50: quantile(first, 0.5),
    firstP99: quantile(first, 0.99),
    seconds,
    perSecond: samples.length / seconds,
    failures,
  };
}

/** The nearest-rank quantile of sorted values (p99 of 500 samples is the 495th). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Keeps `lanes` lanes busy with `op` until `stop()` is called or `take()` runs dry, and resolves
 * with what they did. The caller samples its counters while this runs (a fixed window inside a
 * saturated run, not its ramp-up or tail).
 */
export function saturate(lanes: number, take: () => number | undefined, op: LaneOp): { stop(): void; ranDry(): boolean; done: Promise<{ ok: number; failed: number; failures: Record<string, number> }> } {
  let stopped = false;
  let dry = false;
  const result = { ok: 0, failed: 0, failures: {} as Record<string, number> };
  const lane = async (_: unknown, lane: number) => {
    while (!stopped) {
      const i = take();
      if (i === undefined) return void (dry = true);
      const s = await op(i, lane).catch((e: Error) => ({ ms: NaN, ok: false, detail: e.message }) as Sample);
      if (s.ok) result.ok++;
      else (result.failed++, (result.failures[s.detail ?? '?'] = (result.failures[s.detail ?? '?'] ?? 0) + 1));
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane)).then(() => result);
  return { stop: () => void (stopped = true), ranDry: () => dry, done };
}
