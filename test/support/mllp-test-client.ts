import { connect, Socket } from 'node:net';
import { frame } from '@radflow/hl7';

const START = 0x0b;
const END = Buffer.from([0x1c, 0x0d]);

/** MSA-1 of an ACK (the 2nd field of its MSA segment); '' when there is none. */
export function ackCodeOf(ack: Buffer): string {
  const text = ack.toString('latin1');
  const msa = text.split(/\r\n|\r|\n/).find((s) => s.startsWith('MSA'));
  return msa?.split('|')[1] ?? '';
}

/**
 * One MLLP connection that behaves like a careful RIS: one message in flight at a time, the ACK
 * read back from the same socket. Any socket error, close or timeout rejects the pending send and
 * leaves the client closed; the caller decides whether to reconnect and resend.
 */
export class MllpTestClient {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (ack: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private closedWith: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<MllpTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const onError = (e: Error): void => (clearTimeout(timer), reject(e));
      const timer = setTimeout(() => (socket.destroy(), reject(new Error('connect timeout'))), timeoutMs);
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new MllpTestClient(socket));
      });
    });
  }

  get isOpen(): boolean {
    return this.closedWith === null;
  }

  /** Sends one unframed payload and resolves with the unframed ACK payload. */
  send(payload: Buffer, timeoutMs = 15000): Promise<Buffer> {
    return this.sendFramed(frame(payload), timeoutMs);
  }

  /**
   * Sends bytes that are already framed, as written: for payloads frame() refuses, such as a lone
   * 0x1C inside a field (the server's decoder ends a frame only on 0x1C 0x0D or 0x1C 0x0B).
   */
  sendFramed(framed: Buffer, timeoutMs = 15000): Promise<Buffer> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.pending) return Promise.reject(new Error('a message is already in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no ACK within ${timeoutMs} ms`)), timeoutMs);
      this.pending = { resolve, reject, timer };
      this.socket.write(framed);
    });
  }

  close(): void {
    this.fail(new Error('closed by client'));
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = this.buf.indexOf(END);
    if (end < 0) return;
    const start = this.buf.indexOf(START);
    const ack = Buffer.from(this.buf.subarray(start >= 0 && start < end ? start + 1 : 0, end));
    this.buf = this.buf.subarray(end + END.length);
    const p = this.pending;
    this.pending = null;
    if (!p) return this.fail(new Error('ACK with no message in flight'));
    clearTimeout(p.timer);
    p.resolve(ack);
  }

  private fail(e: Error): void {
    this.closedWith ??= e;
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.socket.destroy();
  }
}

export interface FloodResult {
  /** The ACK each message finally got, by index. */
  acks: Buffer[];
  /** How many times each message was written to a socket (more than 1 = resent). */
  attempts: number[];
  errors: number;
}

export interface FloodOptions {
  port: number;
  messages: Buffer[];
  connections: number;
  /** Called once per message when its ACK arrives (after all retries). */
  onAck?: (index: number, ack: Buffer, acked: number) => void;
  /** An ACK with one of these codes counts as "not taken": the message goes back in the queue. */
  retryCodes?: string[];
  /** Give up after this long; default 60 s. */
  deadlineMs?: number;
}

/**
 * Sends every message over N connections, one in flight each, resending the same bytes for any
 * message whose ACK did not arrive (connection lost, timeout) until each has one. Reconnects with
 * a short pause so a restarting server is picked up as soon as it listens.
 */
export async function flood(o: FloodOptions): Promise<FloodResult> {
  const acks: Buffer[] = new Array(o.messages.length);
  const attempts = new Array<number>(o.messages.length).fill(0);
  const queue = o.messages.map((_, i) => i);
  const deadline = Date.now() + (o.deadlineMs ?? 60000);
  let acked = 0;
  let errors = 0;

  const worker = async (): Promise<void> => {
    let client: MllpTestClient | null = null;
    while (acked < o.messages.length) {
      if (Date.now() > deadline) throw new Error(`flood: ${o.messages.length - acked} messages still without an ACK at the deadline`);
      const index = queue.shift();
      if (index === undefined) {
        await sleep(5); // others still have messages in flight that may come back
        continue;
      }
      try {
        if (!client?.isOpen) client = await MllpTestClient.open(o.port, '127.0.0.1', 2000);
        attempts[index]++;
        const ack = await client.send(o.messages[index]);
        if (o.retryCodes?.includes(ackCodeOf(ack))) {
          queue.push(index);
          await sleep(20);
          continue;
        }
        acks[index] = ack;
        acked++;
        o.onAck?.(index, ack, acked);
      } catch {
        errors++;
        queue.unshift(index); // resend it first, as a RIS resends the message it is stuck on
        client?.close();
        client = null;
        await sleep(25);
      }
    }
    client?.close();
  };

  await Promise.all(Array.from({ length: o.connections }, worker));
  return { acks, attempts, errors };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
