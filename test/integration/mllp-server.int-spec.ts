import { once } from 'node:events';
import { connect, Socket } from 'node:net';
import Client, { Message } from 'node-hl7-client';
import { frame, MllpContext, MllpLogger, MllpServer, MllpServerOptions } from '@radflow/hl7';

// Real sockets on 127.0.0.1; no database needed. Messages are synthetic.

type Level = 'debug' | 'info' | 'warn' | 'error';
type LogEntry = { level: Level; obj: Record<string, unknown>; msg: string };

function recordingLogger(entries: LogEntry[]): MllpLogger {
  const at = (level: Level) => (obj: object, msg: string) => entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const hl7 = (controlId: string, filler = ''): Buffer =>
  Buffer.from(`MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|${controlId}|P|2.5\rPID|||SYN${controlId}||TEST^PATIENT\rNTE|1||${filler}\r`, 'latin1');

/** MSH-10 from the first segment: fields[9] because MSH-1 is the separator itself. */
const controlIdOf = (payload: Buffer): string => payload.toString('latin1').split('\r')[0].split('|')[9] ?? '';

const ackFor = (controlId: string, code = 'AA'): Buffer =>
  Buffer.from(`MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501||ACK^O01^ACK|ACK${controlId}|P|2.5\rMSA|${code}|${controlId}\r`, 'latin1');

/** MSA-1 and MSA-2 of an ACK payload, as "AA:ID". */
const msaOf = (ack: Buffer): string => {
  const [, code, id] = (ack.toString('latin1').split('\r').find((s) => s.startsWith('MSA|')) ?? '').split('|');
  return `${code}:${id}`;
};

/** A promise a test opens by hand: a handler awaits it to stay "in progress" as long as the test needs. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !predicate(); await sleep(1)) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

/** A plain socket client; splits ACKs on 0x1C 0x0D itself so it does not depend on our decoder. */
class RawClient {
  readonly closed: Promise<void>;
  private parts: Buffer[] = [];
  private readonly acks: Buffer[] = [];

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closed = once(socket, 'close').then(() => undefined);
  }

  /** `localAddress` another loopback address (127.0.0.2 …) to act as another peer. */
  static async connect(port: number, localAddress?: string): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  get pendingAcks(): number {
    return this.acks.length;
  }

  send(payload: Buffer): void {
    this.socket.write(frame(payload));
  }

  async nextAck(timeoutMs = 5000): Promise<Buffer> {
    await waitFor(() => this.acks.length > 0 || this.socket.destroyed, timeoutMs);
    const ack = this.acks.shift();
    if (!ack) throw new Error('connection closed without an ACK');
    return ack;
  }

  private onData(chunk: Buffer): void {
    this.parts.push(chunk);
    if (!chunk.includes(0x0d)) return; // no frame can have ended in this chunk
    let buffered = Buffer.concat(this.parts);
    for (let end = buffered.indexOf('\x1c\x0d'); end !== -1; end = buffered.indexOf('\x1c\x0d')) {
      this.acks.push(buffered.subarray(buffered[0] === 0x0b ? 1 : 0, end));
      buffered = buffered.subarray(end + 2);
    }
    this.parts = [buffered];
  }
}

describe('MllpServer (real sockets)', () => {
  let server: MllpServer | undefined;
  let logs: LogEntry[];
  const clients: RawClient[] = [];

  async function start(overrides: Partial<MllpServerOptions> = {}): Promise<number> {
    logs = [];
    server = new MllpServer({
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 64 * 1024,
      idleTimeoutMs: 30_000,
      maxConnections: 100,
      onMessage: async (payload) => ackFor(controlIdOf(payload)),
      logger: recordingLogger(logs),
      ...overrides,
    });
    await server.listen();
    return server.address()!.port;
  }

  async function client(port: number, localAddress?: string): Promise<RawClient> {
    const c = await RawClient.connect(port, localAddress);
    clients.push(c);
    return c;
  }

  const events = (name: string): LogEntry[] => logs.filter((e) => e.obj.event === name);

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.socket.destroy());
    await server?.close();
    server = undefined;
    // PHI rule: nothing of any payload (segments, names) may reach the logs.
    expect(JSON.stringify(logs)).not.toMatch(/MSH\||PID\||TEST\^PATIENT/);
  });

  it('answers 50 concurrent connections × 20 messages, in order on each, one at a time per connection', async () => {
    const inFlight = new Map<string, number>();
    let maxInFlightPerConnection = 0;
    const port = await start({
      onMessage: async (payload, ctx: MllpContext) => {
        const n = (inFlight.get(ctx.connectionId) ?? 0) + 1;
        inFlight.set(ctx.connectionId, n);
        maxInFlightPerConnection = Math.max(maxInFlightPerConnection, n);
        await sleep(Math.random() * 2);
        inFlight.set(ctx.connectionId, n - 1);
        return ackFor(controlIdOf(payload));
      },
    });
    const conversations = Array.from({ length: 50 }, async (_, c) => {
      const conn = await client(port);
      const answered: string[] = [];
      for (let m = 0; m < 20; m++) {
        conn.send(hl7(`C${c}M${m}`));
        answered.push(msaOf(await conn.nextAck()));
      }
      return answered;
    });
    const results = await Promise.all(conversations);
    results.forEach((answered, c) => expect(answered).toEqual(Array.from({ length: 20 }, (_, m) => `AA:C${c}M${m}`)));
    expect(maxInFlightPerConnection).toBe(1);
    expect(server!.stats()).toMatchObject({ connectionsTotal: 50, messagesReceived: 1000, framingErrors: 0 });
  });

  it('decodes a message written one byte at a time', async () => {
    const received: Buffer[] = [];
    const port = await start({ onMessage: async (payload) => (received.push(payload), ackFor(controlIdOf(payload))) });
    const conn = await client(port);
    for (const byte of frame(hl7('SLOW1'))) {
      conn.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(msaOf(await conn.nextAck())).toBe('AA:SLOW1');
    expect(received).toEqual([hl7('SLOW1')]);
  });

  it('answers pipelined frames in order, one handler at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const port = await start({
      onMessage: async (payload) => {
        maxRunning = Math.max(maxRunning, ++running);
        const id = controlIdOf(payload);
        await sleep(Number(id.slice(1)) % 3); // uneven durations must not reorder ACKs
        running--;
        return ackFor(id);
      },
    });
    const conn = await client(port);
    const ids = Array.from({ length: 100 }, (_, i) => `P${i}`);
    // Some frames land together in one chunk, others arrive while a handler is running.
    for (let i = 0; i < ids.length; i += 10) {
      conn.socket.write(Buffer.concat(ids.slice(i, i + 10).map((id) => frame(hl7(id)))));
      await sleep(1);
    }
    const answered: string[] = [];
    for (const _ of ids) answered.push(msaOf(await conn.nextAck()));
    expect(answered).toEqual(ids.map((id) => `AA:${id}`));
    expect(maxRunning).toBe(1);
    expect(events('mllp.reads-paused').length).toBeGreaterThan(0); // the queue limit was reached
  });

  it('waits until the peer has taken a large ACK before handling the next frame', async () => {
    const bigAck = Buffer.alloc(8 * 1024 * 1024, 0x41); // more than the kernel buffers on loopback
    let handled = 0;
    const port = await start({ onMessage: async () => (handled++, bigAck) });
    const conn = await client(port);
    conn.socket.pause();
    conn.socket.write(Buffer.concat(['W1', 'W2', 'W3'].map((id) => frame(hl7(id)))));
    await sleep(300);
    expect(handled).toBe(1);
    conn.socket.resume();
    for (let i = 0; i < 3; i++) expect((await conn.nextAck()).length).toBe(bigAck.length);
    expect(handled).toBe(3);
  });

  it('answers an oversized frame through onOversize and keeps the connection usable', async () => {
    const heads: Buffer[] = [];
    const port = await start({
      maxMessageBytes: 2000,
      onOversize: async (_ctx, firstBytes) => (heads.push(firstBytes), ackFor(controlIdOf(firstBytes), 'AR')),
    });
    const conn = await client(port);
    conn.send(hl7('BIG1', 'x'.repeat(10_000)));
    expect(msaOf(await conn.nextAck())).toBe('AR:BIG1');
    conn.send(hl7('OK1'));
    expect(msaOf(await conn.nextAck())).toBe('AA:OK1');
    expect(heads[0]).toEqual(hl7('BIG1', 'x'.repeat(10_000)).subarray(0, 4096));
    expect(server!.stats()).toMatchObject({ messagesReceived: 1, framingErrors: 1 });
    expect(events('mllp.frame-oversize')).toHaveLength(1);
  });

  it('closes the connection on an oversized frame when there is no onOversize hook', async () => {
    const port = await start({ maxMessageBytes: 2000 });
    const conn = await client(port);
    conn.send(hl7('BIG2', 'x'.repeat(5000)));
    await conn.closed;
    expect(conn.pendingAcks).toBe(0);
  });

  it('drops a half-sent frame quietly when its peer goes away, without disturbing another connection', async () => {
    const port = await start();
    const [a, b] = [await client(port), await client(port)];
    const half = frame(hl7('HALF1')).subarray(0, 40);
    a.socket.write(half);
    await waitFor(() => server!.stats().connectionsOpen === 2);
    await sleep(20);
    a.socket.destroy();
    await waitFor(() => events('mllp.partial-frame-dropped').length === 1);
    expect(events('mllp.partial-frame-dropped')[0]).toMatchObject({ level: 'debug', obj: { bytes: 39 } });
    b.send(hl7('B1'));
    expect(msaOf(await b.nextAck())).toBe('AA:B1');
    expect(server!.stats().messagesReceived).toBe(1);
  });

  it('discards and counts garbage before a frame', async () => {
    const port = await start();
    const conn = await client(port);
    conn.socket.write(Buffer.concat([Buffer.from('garbage\r\n'), frame(hl7('G1'))]));
    expect(msaOf(await conn.nextAck())).toBe('AA:G1');
    expect(server!.stats().framingErrors).toBe(1);
    expect(events('mllp.bytes-discarded')[0]).toMatchObject({ level: 'warn', obj: { bytes: 9 } });
  });

  it('survives a handler that throws: that frame gets the fallback AR, the next one is answered', async () => {
    const port = await start({
      onMessage: async (payload) => {
        if (controlIdOf(payload) === 'BOOM') throw new Error('handler exploded');
        return ackFor(controlIdOf(payload));
      },
    });
    const conn = await client(port);
    conn.send(hl7('BOOM'));
    conn.send(hl7('AFTER1'));
    expect(msaOf(await conn.nextAck())).toBe('AR:'); // nothing echoed: built from our own text only
    expect(msaOf(await conn.nextAck())).toBe('AA:AFTER1');
    expect(conn.socket.destroyed).toBe(false);
    expect(events('mllp.handler-failed')).toHaveLength(1);
  });

  it('sends the fallback AR when the handler returns an ACK MLLP cannot frame, and says so in the log', async () => {
    const port = await start({
      onMessage: async (payload) => {
        const id = controlIdOf(payload);
        return id === 'FS1' ? Buffer.concat([ackFor('TEST^PATIENT'), Buffer.from([0x1c])]) : ackFor(id);
      },
    });
    const conn = await client(port);
    conn.send(hl7('FS1'));
    const fallback = await conn.nextAck();
    expect(msaOf(fallback)).toBe('AR:');
    expect(fallback.toString('latin1')).toMatch(/^MSH\|\^~\\&\|RADFLOW\|/);
    conn.send(hl7('FS2'));
    expect(msaOf(await conn.nextAck())).toBe('AA:FS2');
    expect(events('mllp.ack-invalid')).toHaveLength(1); // and afterEach checks it carries no payload
  });

  it('sends nothing when the handler returns null', async () => {
    const port = await start({ onMessage: async (payload) => (controlIdOf(payload) === 'QUIET' ? null : ackFor(controlIdOf(payload))) });
    const conn = await client(port);
    conn.send(hl7('QUIET'));
    conn.send(hl7('LOUD'));
    expect(msaOf(await conn.nextAck())).toBe('AA:LOUD');
    expect(conn.pendingAcks).toBe(0);
  });

  it('closes an idle connection, but not while a message is being handled', async () => {
    const release = gate();
    const port = await start({
      idleTimeoutMs: 150,
      onMessage: async (payload) => (await release.opened, ackFor(controlIdOf(payload))),
    });
    const busy = await client(port);
    const idle = await client(port);
    busy.send(hl7('LONG1'));
    await idle.closed;
    await sleep(300); // twice the idle timeout with the handler still running
    expect(busy.socket.destroyed).toBe(false);
    expect(events('mllp.idle-timeout')).toHaveLength(1);
    release.open();
    expect(msaOf(await busy.nextAck())).toBe('AA:LONG1');
    await busy.closed; // idle again after the ACK
    expect(events('mllp.idle-timeout')).toHaveLength(2);
  });

  it('answers a sender that half-closes right after its last message', async () => {
    const port = await start();
    const conn = await client(port);
    conn.send(hl7('LAST1'));
    conn.socket.end();
    expect(msaOf(await conn.nextAck())).toBe('AA:LAST1');
    await conn.closed;
  });

  it('refuses connections beyond maxConnections when none is idle', async () => {
    const release = gate();
    const port = await start({ maxConnections: 2, onMessage: async (payload) => (await release.opened, ackFor(controlIdOf(payload))) });
    const [a, b] = [await client(port), await client(port)];
    a.send(hl7('A1'));
    b.send(hl7('B1'));
    await waitFor(() => server!.stats().messagesReceived === 2);
    const c = await client(port);
    await c.closed;
    release.open();
    expect([msaOf(await a.nextAck()), msaOf(await b.nextAck())]).toEqual(['AA:A1', 'AA:B1']);
    expect(server!.stats()).toMatchObject({ connectionsTotal: 2, connectionsRejected: 1, connectionsEvicted: 0 });
  });

  it('lets a new sender in past 300 idle connections (limit 256) by evicting the longest-idle ones', async () => {
    const port = await start({ maxConnections: 256 });
    const idle: RawClient[] = [];
    for (let i = 0; i < 300; i++) idle.push(await client(port));
    await waitFor(() => idle.slice(0, 44).every((c) => c.socket.destroyed) && server!.stats().connectionsOpen === 256);
    // The oldest went first, in the order they were opened; the newest 256 are still there.
    expect(events('mllp.connection-evicted')).toHaveLength(44);
    expect(idle.slice(44).every((c) => !c.socket.destroyed)).toBe(true);
    const sender = await client(port);
    sender.send(hl7('NEW1'));
    expect(msaOf(await sender.nextAck())).toBe('AA:NEW1');
    expect(server!.stats()).toMatchObject({ connectionsOpen: 256, connectionsTotal: 301, connectionsEvicted: 45, connectionsRejected: 0 });
    await idle[44].closed; // the longest idle then made room for the sender
    expect(events('mllp.connection-evicted')[0]).toMatchObject({ level: 'warn', obj: { reason: 'max-connections', peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } });
  });

  it('evicts the longest-idle connection of the same peer at maxConnectionsPerPeer, never another peer\'s', async () => {
    const port = await start({ maxConnections: 10, maxConnectionsPerPeer: 3 });
    const other = await client(port, '127.0.0.2'); // the oldest of all, but another peer
    const [a1, a2, a3] = [await client(port), await client(port), await client(port)];
    a1.send(hl7('A1')); // a1 is now the most recently active: a2 is the longest idle of this peer
    expect(msaOf(await a1.nextAck())).toBe('AA:A1');
    const a4 = await client(port);
    await a2.closed;
    for (const [c, id] of [[a1, 'A1b'], [a3, 'A3'], [a4, 'A4'], [other, 'O1']] as const) {
      c.send(hl7(id));
      expect(msaOf(await c.nextAck())).toBe(`AA:${id}`);
    }
    expect(events('mllp.connection-evicted').map((e) => e.obj.reason)).toEqual(['max-connections-per-peer']);
    expect(server!.stats()).toMatchObject({ connectionsOpen: 4, connectionsEvicted: 1, connectionsRejected: 0 });
  });

  it('never evicts a connection whose handler is running, even if it is the longest idle', async () => {
    const release = gate();
    const port = await start({ maxConnections: 2, onMessage: async (payload) => (controlIdOf(payload) === 'BUSY1' ? await release.opened : undefined, ackFor(controlIdOf(payload))) });
    const busy = await client(port);
    busy.send(hl7('BUSY1'));
    await waitFor(() => server!.stats().messagesReceived === 1);
    const idle = await client(port);
    const newcomer = await client(port);
    await idle.closed;
    newcomer.send(hl7('NEW2'));
    expect(msaOf(await newcomer.nextAck())).toBe('AA:NEW2');
    release.open();
    expect(msaOf(await busy.nextAck())).toBe('AA:BUSY1');
    expect(server!.stats()).toMatchObject({ connectionsEvicted: 1, connectionsRejected: 0 });
  });

  it('close() waits for an in-flight handler and flushes its ACK', async () => {
    let handlerDone = false;
    let handlerStarted!: () => void;
    const started = new Promise<void>((resolve) => (handlerStarted = resolve));
    const port = await start({
      onMessage: async (payload) => {
        handlerStarted();
        await sleep(300);
        handlerDone = true;
        return ackFor(controlIdOf(payload));
      },
    });
    const conn = await client(port);
    conn.send(hl7('INFLIGHT1'));
    await started;
    await server!.close();
    expect(handlerDone).toBe(true);
    expect(msaOf(await conn.nextAck())).toBe('AA:INFLIGHT1');
    await conn.closed;
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() destroys connections whose handler outlives closeTimeoutMs', async () => {
    const release = gate();
    let handlerDone = false;
    const port = await start({ closeTimeoutMs: 100, onMessage: async () => (await release.opened, (handlerDone = true), null) });
    const conn = await client(port);
    conn.send(hl7('STUCK1'));
    await waitFor(() => server!.stats().messagesReceived === 1);
    await server!.close();
    // close() returned while the handler was still stuck, and the connection is gone without an ACK.
    expect(handlerDone).toBe(false);
    await conn.closed;
    expect(conn.pendingAcks).toBe(0);
    expect(events('mllp.close-timeout')).toHaveLength(1);
    release.open();
  });

  it('works with a third-party MLLP client (node-hl7-client 4)', async () => {
    const port = await start();
    const hl7Client = new Client({ host: '127.0.0.1', version: '2.5' });
    const acks: string[] = [];
    let acked: () => void = () => undefined;
    const connection = hl7Client.createConnection({ port, version: '2.5', waitAck: true }, async (res) => {
      acks.push(`${res.getMessage().get('MSA.1').toString()}:${res.getMessage().get('MSA.2').toString()}`);
      acked();
    });
    try {
      await once(connection, 'connect');
      for (const id of ['NHC1', 'NHC2', 'NHC3']) {
        const answered = new Promise<void>((resolve) => (acked = resolve));
        // The client only flushes its queue on connect, so send the next message after the ACK.
        await connection.sendMessage(new Message({ text: hl7(id).toString('latin1') }));
        await answered;
      }
      expect(acks).toEqual(['AA:NHC1', 'AA:NHC2', 'AA:NHC3']);
      expect(server!.stats()).toMatchObject({ connectionsTotal: 1, messagesReceived: 3, framingErrors: 0 });
    } finally {
      await connection.close();
      hl7Client.closeAll();
    }
  });
});
