import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One broken invariant, with what it takes to replay it. */
export interface FuzzFailure {
  invariant: string;
  caseIndex: number;
  replay: string;
  detail: string;
  /** What was sent, for the failure file (base64 of the concatenated writes). */
  sent?: string;
  preview?: string;
}

/** Counters the run prints at the end and writes to summary-<protocol>.json. */
export class FuzzReport {
  cases = 0;
  hangs = 0;
  readonly answers: Record<string, number> = {};
  readonly kinds: Record<string, number> = {};
  readonly failures: FuzzFailure[] = [];
  worstAnswerMs = 0;
  worstAnswerCase = -1;
  readonly process: Record<string, unknown> = {};
  /** The slowest cases, for tuning and for spotting super-linear paths. */
  readonly slowest: { caseIndex: number; ms: number; labels: string }[] = [];

  constructor(
    readonly protocol: 'hl7' | 'dicom',
    readonly seed: number,
    private readonly outDir: string,
  ) {}

  count(answer: string, n = 1): void {
    this.answers[answer] = (this.answers[answer] ?? 0) + n;
  }

  sawKind(kind: string): void {
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }

  latency(ms: number, caseIndex: number): void {
    if (ms > this.worstAnswerMs) {
      this.worstAnswerMs = Math.round(ms);
      this.worstAnswerCase = caseIndex;
    }
  }

  /** Wall time by phase of the harness itself (generate, play, judge), summed over cases. */
  readonly msByPhase: Record<string, number> = {};

  phase(name: string, ms: number): void {
    this.msByPhase[name] = Math.round((this.msByPhase[name] ?? 0) + ms);
  }

  /** Wall time spent per label (seed kind, mutation, attack), to see where a run's time goes. */
  readonly msByLabel: Record<string, number> = {};

  took(caseIndex: number, ms: number, labels: string): void {
    for (const l of new Set(labels.split(' + '))) this.msByLabel[l] = Math.round((this.msByLabel[l] ?? 0) + ms);
    this.slowest.push({ caseIndex, ms: Math.round(ms), labels });
    this.slowest.sort((a, b) => b.ms - a.ms);
    this.slowest.length = Math.min(this.slowest.length, 10);
  }

  fail(f: FuzzFailure): void {
    this.failures.push(f);
  }

  /** Prints the figures and writes the summary and every failing case (with its bytes) to the out dir. */
  finish(): string {
    const summary = {
      protocol: this.protocol,
      seed: this.seed,
      cases: this.cases,
      answers: this.answers,
      hangs: this.hangs,
      worstAnswerMs: this.worstAnswerMs,
      worstAnswerCase: this.worstAnswerCase,
      process: this.process,
      failures: this.failures.length,
      failuresByInvariant: this.failures.reduce<Record<string, number>>((m, f) => ((m[f.invariant] = (m[f.invariant] ?? 0) + 1), m), {}),
      slowest: this.slowest,
      msByPhase: this.msByPhase,
      msByLabel: this.msByLabel,
      mutations: this.kinds,
    };
    writeFileSync(join(this.outDir, `summary-${this.protocol}.json`), JSON.stringify(summary, null, 2));
    writeFileSync(join(this.outDir, `failures-${this.protocol}.json`), JSON.stringify(this.failures, null, 2));
    const lines = [
      `fuzz ${this.protocol}: seed ${this.seed}, ${this.cases} cases, ${this.hangs} hangs, worst answer ${this.worstAnswerMs} ms (case ${this.worstAnswerCase})`,
      `  answers: ${JSON.stringify(this.answers)}`,
      `  process: ${JSON.stringify(this.process)}`,
      `  slowest: ${this.slowest.slice(0, 5).map((s) => `case ${s.caseIndex} ${s.ms} ms (${s.labels})`).join('; ')}`,
      `  failures: ${this.failures.length} ${JSON.stringify(summary.failuresByInvariant)}  (details: ${join(this.outDir, `failures-${this.protocol}.json`)})`,
      ...this.failures.slice(0, 20).map((f) => `  - [${f.invariant}] case ${f.caseIndex}: ${f.detail}\n      replay: ${f.replay}${f.preview ? `\n      sent: ${f.preview}` : ''}`),
    ];
    const text = lines.join('\n');
    // eslint-disable-next-line no-console
    console.log(text);
    return text;
  }
}

/** A short printable view of bytes: printable ASCII as is, the rest as \xNN, long runs collapsed. */
export function preview(bytes: Buffer, max = 240): string {
  let s = '';
  for (let i = 0; i < bytes.length && s.length < max; i++) {
    const b = bytes[i];
    let run = 1;
    while (i + run < bytes.length && bytes[i + run] === b) run++;
    const ch = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : b === 0x0d ? '\\r' : `\\x${b.toString(16).padStart(2, '0')}`;
    if (run > 8) {
      s += `${ch}{×${run}}`;
      i += run - 1;
    } else s += ch;
  }
  return bytes.length > 0 && s.length >= max ? `${s}… (${bytes.length} bytes)` : s;
}
