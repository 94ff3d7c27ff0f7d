import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AckReader, WirePlan } from './mllp-framing';

export interface WireResult {
  acks: Buffer[];
  /** ms from our last write to each ACK. */
  latencies: number[];
  /** The connection ended (closed or reset) before the deadline; false means we gave up: a hang. */
  closed: boolean;
  /** The connection was reset or refused rather than closed. */
  error?: string;
  junk: number;
  pendingAckBytes: number;
}

/**
 * Plays one plan over a fresh connection: the writes in order (a turn of the event loop between
 * them, so they leave as separate segments), then our FIN, at once or after `expected` ACKs, then
 * waits for the server to answer and close. The deadline bounds the whole case: a case still
 * open then is a hang.
 */
export function playPlan(port: number, plan: WirePlan, expected: number, deadlineMs: number): Promise<WireResult> {
  return new Promise((resolve) => {
    const reader = new AckReader();
    const latencies: number[] = [];
    let lastWrite = performance.now();
    let error: string | undefined;
    let ended = false;
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ acks: reader.acks, latencies, closed, error, junk: reader.junk, pendingAckBytes: reader.pending });
    };
    const timer = setTimeout(() => finish(false), deadlineMs);
    const endOurSide = (): void => {
      if (ended) return;
      ended = true;
      socket.end();
    };
    socket.on('data', (chunk) => {
      const before = reader.acks.length;
      reader.push(chunk);
      for (let i = before; i < reader.acks.length; i++) latencies.push(performance.now() - lastWrite);
      if (plan.waitForAcks && reader.acks.length >= expected) endOurSide();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      for (const w of plan.writes) {
        if (socket.destroyed) return;
        await new Promise<void>((r) => socket.write(w, () => r()));
        lastWrite = performance.now();
        await new Promise((r) => setImmediate(r));
      }
      if (!plan.waitForAcks || reader.acks.length >= expected) endOurSide();
    });
  });
}
