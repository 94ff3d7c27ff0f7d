/**
 * A small seeded generator (mulberry32), so a case is a pure function of (run seed, case index):
 * replaying one case needs nothing but those two numbers.
 */
const TEXT_ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-_/:;()*+=', 'latin1');

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator for case `index` of the run seeded with `seed`, independent of every other case. */
  static forCase(seed: number, stream: string, index: number): Rng {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const c of `${stream}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One entry of a weighted table: `[[weight, value], …]`. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    const total = table.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, v] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][1];
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** Printable ASCII except the HL7 delimiters, so it only adds length, not structure. */
  text(n: number): string {
    // Past a few KB the content adds nothing but time: repeat one random block.
    const block = Buffer.allocUnsafe(Math.min(n, 4096));
    for (let i = 0; i < block.length; i++) block[i] = TEXT_ALPHABET[Math.floor(this.next() * TEXT_ALPHABET.length)];
    return (n <= block.length ? block : Buffer.alloc(n, block)).toString('latin1');
  }
}

/** The run seed: FUZZ_SEED if set, else the fixed CI seed, or a random one for the long run. */
export function runSeed(randomByDefault: boolean): number {
  const fromEnv = process.env.FUZZ_SEED;
  if (fromEnv && fromEnv !== 'random') return Number(fromEnv) >>> 0;
  if (randomByDefault || fromEnv === 'random') return Math.floor(Math.random() * 2 ** 32) >>> 0;
  return CI_SEED;
}

export const CI_SEED = 20261123;
