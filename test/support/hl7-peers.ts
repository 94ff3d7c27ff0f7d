import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { frame } from '@radflow/hl7';

/**
 * Sends messages with python3-hl7's `mllp_send` (a client we did not write) over one connection
 * and returns the ACK text for each, in order.
 */
export async function mllpSend(port: number, messages: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'radflow-mllp-'));
  const file = join(dir, 'messages.hl7');
  // mllp_send reads a stream of MLLP frames and sends each as it is
  writeFileSync(file, Buffer.concat(messages.map((m) => frame(Buffer.from(m, 'utf8')))));
  const out = await new Promise<string>((resolve, reject) =>
    execFile('mllp_send', ['-p', String(port), '-f', file, '127.0.0.1'], { timeout: 30000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`mllp_send failed: ${err.message} ${stderr}`)) : resolve(stdout),
    ),
  );
  return out.split(/(?=MSH\|)/).map((a) => a.trim()).filter(Boolean);
}

/** Sends exact bytes in one frame over a raw socket (for byte-level quirks) and returns the ACK bytes. */
export function sendRaw(port: number, payload: Buffer, { framed = true } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf(Buffer.from([0x1c, 0x0d]));
      if (end >= 0) {
        socket.destroy();
        resolve(buf.subarray(1, end));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(15000, () => (socket.destroy(), reject(new Error('no ACK'))));
    socket.write(framed ? frame(payload) : payload);
  });
}

export interface ParsedAck {
  code: string;
  controlId: string;
  text: string;
  err?: string;
  msh: string[];
}

/** Reads MSA-1, MSA-2, MSA-3 and the ERR segment of an ACK. */
export function parseAck(ack: string | Buffer): ParsedAck {
  const text = typeof ack === 'string' ? ack : ack.toString('latin1');
  const segs = text.split(/\r\n|\r|\n/);
  const msa = (segs.find((s) => s.startsWith('MSA')) ?? '').split('|');
  const err = segs.find((s) => s.startsWith('ERR'));
  return { code: msa[1] ?? '', controlId: msa[2] ?? '', text: msa[3] ?? '', err, msh: (segs[0] ?? '').split('|') };
}
