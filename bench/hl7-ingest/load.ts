import { connect, Socket } from 'node:net';
import { frame } from '@radflow/hl7';

export interface RunResult {
  messages: number;
  seconds: number;
  msgPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** ACK codes (MSA-1) seen, or 'ok' for the Postgres floor. */
  codes: Record<string, number>;
}

/** One unit of work at a given concurrency: resolves with the outcome label once it is done. */
export type Operation = (index: number) => Promise<string>;

/**
 * Runs `count` operations over `workers` lanes, each lane doing one at a time (one message in
 * flight per connection), and measures each from start to answer, as a sender sees it.
 */
export async function runClosedLoop(count: number, workers: number, makeLane: () => Promise<{ op: Operation; close(): Promise<void> | void }>): Promise<RunResult> {
  const latencies = new Float64Array(count);
  const codes: Record<string, number> = {};
  let next = 0;
  const lanes = await Promise.all(Array.from({ length: workers }, makeLane));
  const started = process.hrtime.bigint();
  await Promise.all(
    lanes.map(async (lane) => {
      for (let i = next++; i < count; i = next++) {
        const t0 = process.hrtime.bigint();
        const code = await lane.op(i);
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await Promise.all(lanes.map((l) => l.close()));
  latencies.sort();
  return { messages: count, seconds, msgPerSec: count / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), codes };
}

/** Sends `messages` over `connections` MLLP connections and counts the ACK codes. */
export function mllpRun(port: number, messages: Buffer[], connections: number): Promise<RunResult> {
  const framed = messages.map((m) => frame(m));
  return runClosedLoop(framed.length, connections, async () => {
    const conn = await MllpConnection.open(port);
    return { op: (i) => conn.send(framed[i]).then(ackCode), close: () => conn.close() };
  });
}

/** MSA-1: the second field of the MSA segment. */
export function ackCode(ack: Buffer): string {
  const at = ack.indexOf('\rMSA|');
  if (at < 0) return '??';
  return ack.subarray(at + 5, at + 7).toString('latin1');
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

/** A minimal MLLP sender: one framed message out, wait for one ACK frame back. */
class MllpConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((ack: Buffer) => void) | null = null;
  private failWaiting: ((e: Error) => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (e: Error) => this.failWaiting?.(e);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  static open(port: number): Promise<MllpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => (socket.off('error', reject), resolve(new MllpConnection(socket))));
      socket.once('error', reject);
    });
  }

  send(framed: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
      this.socket.write(framed);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf(0x1c);
    if (end < 0 || end + 1 >= this.buf.length) return;
    const ack = this.buf.subarray(this.buf[0] === 0x0b ? 1 : 0, end);
    this.buf = this.buf.subarray(end + 2);
    const done = this.waiting;
    this.waiting = this.failWaiting = null;
    done?.(ack);
  }
}
