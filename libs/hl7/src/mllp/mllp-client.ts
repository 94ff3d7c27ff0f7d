import { connect } from 'node:net';
import { MllpDecoder } from './mllp-decoder';
import { frame } from './mllp-encoder';

export interface MllpEndpoint {
  host: string;
  port: number;
}

/** `mllp://host:port` → endpoint; the URL was checked when the configuration was loaded. */
export function parseMllpUrl(url: string): MllpEndpoint {
  const match = /^mllp:\/\/([^:/\s]+):(\d{1,5})$/.exec(url);
  if (!match) throw new RangeError('expected mllp://host:port');
  return { host: match[1], port: Number(match[2]) };
}

/** Largest reply we read: an ACK is a few hundred bytes. */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * Sends one message on a new connection and resolves with the peer's first framed reply, then
 * closes. Rejects when the connection fails, closes before a reply, or `timeoutMs` passes.
 */
export function sendMllp(endpoint: MllpEndpoint, payload: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoder = new MllpDecoder({ maxMessageBytes: MAX_REPLY_BYTES });
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    socket.setTimeout(timeoutMs, () => settle(() => reject(Object.assign(new Error('no reply before the timeout'), { code: 'ETIMEDOUT' }))));
    socket.on('connect', () => socket.write(frame(payload)));
    socket.on('data', (chunk: Buffer) => {
      const reply = decoder.push(chunk).find((e) => e.kind === 'frame');
      if (reply && reply.kind === 'frame') settle(() => resolve(reply.payload));
    });
    socket.on('error', (e) => settle(() => reject(e)));
    socket.on('close', () => settle(() => reject(Object.assign(new Error('connection closed before a reply'), { code: 'ECONNRESET' }))));
  });
}
