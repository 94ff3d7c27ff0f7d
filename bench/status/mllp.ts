import { connect, Socket } from 'node:net';
import { frame } from '@radflow/hl7';

/** A minimal MLLP sender for one lane: one framed message out, wait for its ACK, read MSA-1. */
export class MllpLane {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve(code: string): void; reject(e: Error): void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (e: Error) => (this.waiting?.reject(e), (this.waiting = null));
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('MLLP connection closed by the server')));
  }

  static open(port: number): Promise<MllpLane> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => (socket.off('error', reject), resolve(new MllpLane(socket))));
      socket.once('error', reject);
    });
  }

  /** Sends one unframed message and resolves with the ACK code (AA, AE, AR; ?? when there is no MSA). */
  send(message: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(frame(message));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = this.buffered.indexOf(0x1c);
    if (end < 0 || end + 1 >= this.buffered.length) return;
    const ack = this.buffered.subarray(0, end).toString('latin1');
    this.buffered = this.buffered.subarray(end + 2);
    const at = ack.indexOf('\rMSA|');
    const w = this.waiting;
    this.waiting = null;
    w?.resolve(at < 0 ? '??' : ack.slice(at + 5, at + 7));
  }
}
