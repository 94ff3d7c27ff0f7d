import { connect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pdu } from './dicom-bytes';

/** What the server sent, in order, as the fuzz report counts it. */
export type DicomAnswer =
  | { kind: 'AC'; contexts: Map<number, string>; maxLength: number }
  | { kind: 'RJ'; result: number; source: number; reason: number }
  | { kind: 'ABORT'; source: number; reason: number }
  | { kind: 'RP' }
  | { kind: 'DIMSE'; commandField: number; status: number; respondingTo: number; at: number }
  | { kind: 'OTHER'; type: number };

/** Accepted presentation contexts (id → transfer syntax) and Maximum Length, from an A-ASSOCIATE-AC body. */
function readAc(body: Buffer): DicomAnswer {
  const contexts = new Map<number, string>();
  let maxLength = 0;
  for (let pos = 68; pos + 4 <= body.length; ) {
    const type = body[pos];
    const len = body.readUInt16BE(pos + 2);
    const value = body.subarray(pos + 4, pos + 4 + len);
    if (type === 0x21 && value[2] === 0 && value.length >= 8) contexts.set(value[0], value.subarray(8, 8 + value.readUInt16BE(6)).toString('latin1').replace(/\0+$/, ''));
    if (type === 0x50)
      for (let p = 0; p + 4 <= value.length; ) {
        const l = value.readUInt16BE(p + 2);
        if (value[p] === 0x51 && l === 4) maxLength = value.readUInt32BE(p + 4);
        p += 4 + l;
      }
    pos += 4 + len;
  }
  return { kind: 'AC', contexts, maxLength };
}

/** (0000,0100), (0000,0120) and (0000,0900) of an Implicit VR LE command set. */
function readCommand(bytes: Buffer): { commandField: number; status: number; respondingTo: number } {
  const out = { commandField: -1, status: -1, respondingTo: -1 };
  for (let pos = 0; pos + 8 <= bytes.length; ) {
    const t = ((bytes.readUInt16LE(pos) << 16) | bytes.readUInt16LE(pos + 2)) >>> 0;
    const len = bytes.readUInt32LE(pos + 4);
    if (len >= 2 && pos + 10 <= bytes.length) {
      if (t === 0x00000100) out.commandField = bytes.readUInt16LE(pos + 8);
      if (t === 0x00000120) out.respondingTo = bytes.readUInt16LE(pos + 8);
      if (t === 0x00000900) out.status = bytes.readUInt16LE(pos + 8);
    }
    pos += 8 + len;
  }
  return out;
}

/**
 * The requestor side of one fuzz case: our bytes out, the server's PDUs in, decoded just enough
 * to tell which answer came (AC/RJ/ABORT/RP or a DIMSE status).
 */
export class FuzzScu {
  readonly answers: DicomAnswer[] = [];
  closed = false;
  error?: string;
  private buf: Buffer = Buffer.alloc(0);
  private commandParts: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private readonly started = performance.now();

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error = e.code ?? e.message));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<FuzzScu> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new FuzzScu(socket)));
      socket.once('error', reject);
    });
  }

  async write(bytes: Buffer): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    await new Promise<void>((r) => this.socket.write(bytes, () => r()));
  }

  end(): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Waits until `done` holds or the connection closes; false at the deadline. */
  async until(done: () => boolean, deadline: number): Promise<boolean> {
    while (!done() && !this.closed) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
    return true;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 6) {
      const len = this.buf.readUInt32BE(2);
      if (this.buf.length < 6 + len) break;
      const type = this.buf[0];
      const body = this.buf.subarray(6, 6 + len);
      this.buf = this.buf.subarray(6 + len);
      this.onPdu(type, body);
    }
    this.wake();
  }

  private onPdu(type: number, body: Buffer): void {
    if (type === Pdu.AssociateAc) this.answers.push(readAc(body));
    else if (type === Pdu.AssociateRj) this.answers.push({ kind: 'RJ', result: body[1], source: body[2], reason: body[3] });
    else if (type === Pdu.Abort) this.answers.push({ kind: 'ABORT', source: body[2], reason: body[3] });
    else if (type === Pdu.ReleaseRp) this.answers.push({ kind: 'RP' });
    else if (type === Pdu.PData) {
      for (let pos = 0; pos + 6 <= body.length; ) {
        const len = body.readUInt32BE(pos);
        const control = body[pos + 5];
        if (control & 1) {
          this.commandParts.push(body.subarray(pos + 6, pos + 4 + len));
          if (control & 2) {
            const cmd = readCommand(Buffer.concat(this.commandParts));
            this.commandParts = [];
            this.answers.push({ kind: 'DIMSE', ...cmd, at: performance.now() - this.started });
          }
        }
        pos += 4 + len;
      }
    } else this.answers.push({ kind: 'OTHER', type });
  }
}
