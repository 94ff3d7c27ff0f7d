import { Rng } from './rng';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** What goes on the wire for one case: the writes in order, and whether to wait for the ACKs before our FIN. */
export interface WirePlan {
  attack: string;
  writes: Buffer[];
  waitForAcks: boolean;
}

export const frame = (payload: Buffer): Buffer => Buffer.concat([Buffer.from([VT]), payload, Buffer.from([FS, CR])]);

/** Cuts `bytes` into 2–10 writes at random places. */
function split(rng: Rng, bytes: Buffer): Buffer[] {
  const cuts = Array.from({ length: rng.int(1, 9) }, () => rng.int(1, Math.max(1, bytes.length - 1))).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const c of [...cuts, bytes.length]) {
    if (c > last) out.push(bytes.subarray(last, c));
    last = c;
  }
  return out;
}

/** Noise with no 0x0B in it, so it stays noise. */
const noise = (rng: Rng, n: number): Buffer => Buffer.from(rng.bytes(n).map((b) => (b === VT ? 0x20 : b)));

/**
 * Framing attacks (`first` is the mutated payload, `others` valid payloads of the same case).
 * The expected number of answers is never taken from here: `expectedAnswers` works it out from
 * the bytes, so an attack that happens to change the framing stays consistent.
 */
export const FRAMING_ATTACKS: Record<string, (rng: Rng, first: Buffer, others: Buffer[]) => Buffer[]> = {
  oneWrite: (_rng, p) => [frame(p)],
  splitWrites: (rng, p) => split(rng, frame(p)),
  endBlockSplit: (_rng, p) => {
    const f = frame(p);
    return [f.subarray(0, f.length - 1), f.subarray(f.length - 1)];
  },
  missingEndBlock: (_rng, p) => [Buffer.concat([Buffer.from([VT]), p])],
  missingEndThenNext: (_rng, p, o) => [Buffer.concat([Buffer.from([VT]), p]), frame(o[0])],
  nestedStartBlock: (rng, p) => [Buffer.concat([Buffer.from([VT]), p.subarray(0, rng.int(0, p.length)), frame(p)])],
  noiseBefore: (rng, p) => [noise(rng, rng.int(1, 200)), frame(p)],
  loneEndBlock: (_rng, p) => [Buffer.from([FS, CR]), frame(p)],
  emptyFrame: (_rng, p) => [Buffer.from([VT, FS, CR]), frame(p)],
  endWithoutCr: (_rng, p, o) => [Buffer.concat([Buffer.from([VT]), p, Buffer.from([FS]), frame(o[0])])],
  pipelined: (_rng, p, o) => [Buffer.concat([frame(p), ...o.map(frame)])],
  pipelinedSplit: (rng, p, o) => split(rng, Buffer.concat([frame(p), ...o.map(frame)])),
};
export const FRAMING_ATTACK_NAMES = Object.keys(FRAMING_ATTACKS);

/**
 * How many answers the server owes for these bytes followed by our FIN, by MLLP release 2 as
 * hl7-inbound.md reads it: a frame ends at 0x1C 0x0D (or 0x1C directly followed by a new 0x0B);
 * a 0x0B inside a frame abandons it; a frame past `maxMessageBytes` is answered once, when it
 * crosses the limit, and skipped to its end; an unfinished frame at FIN is dropped unanswered.
 * Written independently of the server's decoder, which it checks.
 */
export function expectedAnswers(bytes: Buffer, maxMessageBytes: number): number {
  let state: 'hunt' | 'frame' | 'skip' = 'hunt';
  let size = 0;
  let answers = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const next = bytes[i + 1];
    const endsBlock = b === FS && (next === CR || next === VT);
    if (b === VT) {
      state = 'frame';
      size = 0;
    } else if (state === 'frame' && endsBlock) {
      answers++;
      state = 'hunt';
      if (next === CR) i++;
    } else if (state === 'frame') {
      if (++size > maxMessageBytes) {
        answers++;
        state = 'skip';
      }
    } else if (state === 'skip' && endsBlock) {
      state = 'hunt';
      if (next === CR) i++;
    }
  }
  return answers;
}

/** Pulls complete 0x0B … 0x1C 0x0D frames out of what the server sent. */
export class AckReader {
  private buf: Buffer = Buffer.alloc(0);
  readonly acks: Buffer[] = [];
  /** Bytes the server sent outside any frame. */
  junk = 0;

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const start = this.buf.indexOf(VT);
      if (start < 0) {
        this.junk += this.buf.length;
        this.buf = Buffer.alloc(0);
        return;
      }
      const end = this.buf.indexOf(Buffer.from([FS, CR]), start + 1);
      if (end < 0) {
        this.junk += start;
        this.buf = this.buf.subarray(start);
        return;
      }
      this.junk += start;
      this.acks.push(Buffer.from(this.buf.subarray(start + 1, end)));
      this.buf = this.buf.subarray(end + 2);
    }
  }

  /** Bytes of an ACK frame that never ended. */
  get pending(): number {
    return this.buf.length;
  }
}
