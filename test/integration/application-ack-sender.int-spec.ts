import { createServer, Server } from 'node:net';
import { RetryingApplicationAckSender } from '@radflow/hl7';
import { Logger } from '@radflow/observability';
import { freePort } from '../support/free-port';

// The return link of true enhanced mode over real sockets: a peer that drops the first tries,
// then answers; a peer that never answers; a shutdown while retrying.

interface Line {
  level: string;
  event?: string;
  attempt?: number;
  reason?: string;
  replyCode?: string;
}

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (obj: object) => lines.push({ level, ...(obj as Omit<Line, 'level'>) });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

/** Closes the first `drops` connections without a word, then answers each frame with an ACK. */
async function flakyPeer(port: number, drops: number): Promise<{ server: Server; frames: Buffer[] }> {
  const frames: Buffer[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (++connections <= drops) return socket.destroy();
    socket.on('data', (chunk) => {
      frames.push(chunk);
      socket.write(Buffer.from('\x0bMSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ACK|R1|P|2.5.1\rMSA|CA|A1\r\x1c\x0d', 'latin1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, frames };
}

const ack = (port: number) => ({ url: `mllp://127.0.0.1:${port}`, bytes: Buffer.from('MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101500||ACK|A1|P|2.5.1\rMSA|AA|C1\r', 'latin1'), code: 'AA', controlId: 'C1', profile: 'TEST' });

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('RetryingApplicationAckSender', () => {
  it('retries a peer that drops the connection, and stops once it answers', async () => {
    const port = await freePort();
    const peer = await flakyPeer(port, 2);
    const lines: Line[] = [];
    const sender = new RetryingApplicationAckSender(recordingLogger(lines), { firstDelayMs: 10, attempts: 5 });
    sender.send(ack(port));
    await until(() => lines.some((l) => l.event === 'hl7.application-ack-sent'));
    await sender.close();
    peer.server.close();
    expect(lines.filter((l) => l.event === 'hl7.application-ack-retry').map((l) => l.attempt)).toEqual([1, 2]);
    expect(lines.find((l) => l.event === 'hl7.application-ack-sent')).toMatchObject({ attempt: 3, replyCode: 'CA' });
    expect(Buffer.concat(peer.frames).toString('latin1')).toContain('MSA|AA|C1');
    expect(lines.some((l) => l.event === 'hl7.application-ack-lost')).toBe(false);
  });

  it('gives up after its attempts and logs the loss', async () => {
    const port = await freePort(); // nobody listens
    const lines: Line[] = [];
    const sender = new RetryingApplicationAckSender(recordingLogger(lines), { firstDelayMs: 5, attempts: 3 });
    sender.send(ack(port));
    await until(() => lines.some((l) => l.event === 'hl7.application-ack-lost'));
    expect(lines.filter((l) => l.event === 'hl7.application-ack-retry')).toHaveLength(2);
    expect(lines.find((l) => l.event === 'hl7.application-ack-lost')).toMatchObject({ level: 'error', reason: 'attempts-exhausted' });
    await sender.close();
  });

  it('a shutdown while waiting to retry ends the wait and logs the loss', async () => {
    const port = await freePort();
    const lines: Line[] = [];
    const sender = new RetryingApplicationAckSender(recordingLogger(lines), { firstDelayMs: 3_600_000, attempts: 3 });
    sender.send(ack(port));
    await until(() => lines.some((l) => l.event === 'hl7.application-ack-retry'));
    await sender.close();
    expect(lines.find((l) => l.event === 'hl7.application-ack-lost')).toMatchObject({ reason: 'shutdown' });
  });
});

describe('RetryingApplicationAckSender with a stored ACK', () => {
  it('an ACK stored with its message is deferred to the next start, not lost, and marked once delivered', async () => {
    const port = await freePort();
    const lines: Line[] = [];
    const delivered: string[] = [];
    const sender = new RetryingApplicationAckSender(recordingLogger(lines), { firstDelayMs: 5, attempts: 2, onDelivered: async (a) => void delivered.push(a.messageRef!) });
    sender.send({ ...ack(port), messageRef: 'm-1' });
    await until(() => lines.some((l) => l.event === 'hl7.application-ack-deferred'));
    expect(lines.some((l) => l.event === 'hl7.application-ack-lost')).toBe(false);
    const peer = await flakyPeer(port, 0);
    sender.send({ ...ack(port), messageRef: 'm-2' });
    await until(() => delivered.length === 1);
    await sender.close();
    peer.server.close();
    expect(delivered).toEqual(['m-2']);
  });

  it('sends at most maxInFlight at once', async () => {
    const port = await freePort();
    // Counted as unanswered from accept to our answer: the sender frees its slot only on reading the answer.
    let unanswered = 0;
    let most = 0;
    const held: Array<() => void> = [];
    const server = createServer((socket) => {
      most = Math.max(most, ++unanswered);
      socket.on('error', () => undefined);
      socket.on('data', () => held.push(() => (unanswered--, socket.end(Buffer.from('\x0bMSH|^~\\&|R|H\rMSA|CA|A1\r\x1c\x0d', 'latin1')))));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const lines: Line[] = [];
    const sender = new RetryingApplicationAckSender(recordingLogger(lines), { maxInFlight: 2 });
    for (let i = 0; i < 6; i++) sender.send(ack(port));
    const sent = () => lines.filter((l) => l.event === 'hl7.application-ack-sent').length;
    while (sent() < 6) {
      await until(() => held.length > 0 || sent() === 6);
      held.splice(0).forEach((answer) => answer());
      await new Promise((r) => setTimeout(r, 20));
    }
    await sender.close();
    server.close();
    expect(most).toBe(2);
  });
});
