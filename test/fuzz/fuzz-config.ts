import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeed } from './rng';

/**
 * Knobs of a fuzz run, all from the environment:
 *   FUZZ_SEED   run seed (default: fixed in CI, random with FUZZ_LONG=1; 'random' forces random)
 *   FUZZ_CASES  total cases over both protocols (default 2000, or 50000 with FUZZ_LONG=1)
 *   FUZZ_CASE   replay only this case index (with the seed of the failing run)
 *   FUZZ_OUT    where the JSON summary and failing cases go (default: a folder under the OS tmp dir)
 */
export interface FuzzConfig {
  seed: number;
  cases: number;
  only?: number;
  outDir: string;
  long: boolean;
}

/** HL7 takes this share of FUZZ_CASES, DICOM the rest. */
const HL7_SHARE = 0.7;

export function fuzzConfig(protocol: 'hl7' | 'dicom'): FuzzConfig {
  const long = process.env.FUZZ_LONG === '1';
  const seed = runSeed(long);
  const total = Number(process.env.FUZZ_CASES ?? (long ? 50_000 : 2_000));
  const share = protocol === 'hl7' ? HL7_SHARE : 1 - HL7_SHARE;
  const only = process.env.FUZZ_CASE === undefined ? undefined : Number(process.env.FUZZ_CASE);
  const outDir = process.env.FUZZ_OUT ?? join(tmpdir(), `radflow-fuzz-${seed}`);
  mkdirSync(outDir, { recursive: true });
  return { seed, cases: Math.max(1, Math.round(total * share)), only, outDir, long };
}

/** Case indexes to run: all of them, or the one being replayed. */
export function caseIndexes(config: FuzzConfig): number[] {
  if (config.only !== undefined) return [config.only];
  return Array.from({ length: config.cases }, (_, i) => i);
}
