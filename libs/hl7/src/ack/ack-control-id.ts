import { randomInt } from 'node:crypto';

const BASE = 36;
const SEQ_WIDTH = 3;
const SEQ_LIMIT = BASE ** SEQ_WIDTH;

/**
 * Returns a generator of ACK control ids (MSH-10 of our ACKs): prefix + base-36 milliseconds
 * (9 chars) + a per-millisecond counter (3 chars) = 14 chars, inside the 20-char ST limit of
 * v2.3.1–2.5.x. Time never goes backwards inside one generator, so ids never repeat in a process
 * even when the wall clock is stepped back; the random prefix keeps two gateway instances started
 * in the same millisecond apart.
 */
export function createAckControlIdGenerator(clock: () => number = Date.now, prefix: string = randomPrefix()): () => string {
  let lastTime = -1;
  let seq = 0;
  return () => {
    let time = Math.max(clock(), lastTime);
    if (time === lastTime) {
      seq++;
      if (seq === SEQ_LIMIT) {
        time++; // borrow the next millisecond rather than repeat an id
        seq = 0;
      }
    } else {
      seq = 0;
    }
    lastTime = time;
    return `${prefix}${base36(time, 9)}${base36(seq, SEQ_WIDTH)}`;
  };
}

/** The process-wide generator. */
export const newAckControlId: () => string = createAckControlIdGenerator();

function base36(n: number, width: number): string {
  return n.toString(BASE).toUpperCase().padStart(width, '0');
}

function randomPrefix(): string {
  return base36(randomInt(BASE * BASE), 2);
}
