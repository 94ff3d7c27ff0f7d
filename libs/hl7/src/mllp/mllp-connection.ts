import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MllpDecoder, MllpDecoderEvent } from './mllp-decoder';
import { frame } from './mllp-encoder';
import { MllpLogger } from './mllp-logger';
import { MllpContext, MllpCounters, MllpFallbackAck, MllpMessageHandler, MllpOversizeHandler } from './mllp-server.types';

export interface MllpConnectionOptions {
  maxMessageBytes: number;
  idleTimeoutMs: number;
  onMessage: MllpMessageHandler;
  onOversize?: MllpOversizeHandler;
  /** What is sent when the handler throws or returns an ACK that cannot be framed. */
  fallbackAck: MllpFallbackAck;
  logger: MllpLogger;
  counters: MllpCounters;
  onClosed: (connection: MllpConnection) => void;
}

type QueuedItem =
  | { kind: 'frame'; payload: Buffer; receivedAt: Date }
  | { kind: 'oversize'; head: Buffer; bytesSeen: number; receivedAt: Date };

/** A sender pipelining frames faster than we answer gets its reads paused beyond this. */
const MAX_QUEUED_FRAMES = 32;
const QUIET_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/**
 * One accepted MLLP socket. MLLP is synchronous per connection, so frames are handled strictly
 * one at a time, in arrival order, each ACK written before the next handler starts; frames a
 * sender pipelines meanwhile wait in a bounded queue.
 */
export class MllpConnection {
  readonly id = randomUUID();
  readonly peer: string;
  /** The peer's address without its port: what the per-peer connection limit counts. */
  readonly peerAddress: string;
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;
  private readonly decoder: MllpDecoder;
  private readonly queue: QueuedItem[] = [];
  private readonly idleTimer: NodeJS.Timeout;
  private readonly openedAt = performance.now();
  private lastActivityAt = this.openedAt;
  private resolveClosed: () => void = () => undefined;
  private queuedBytes = 0;
  private messages = 0;
  private handlerRunning = false;
  private pumping = false;
  private paused = false;
  /** No new frames are taken (shutdown, or an oversized frame nobody can answer). */
  private draining = false;
  private peerEnded = false;
  private isClosed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: MllpConnectionOptions,
  ) {
    this.peer = formatPeer(socket);
    this.peerAddress = socket.remoteAddress ?? 'unknown';
    this.decoder = new MllpDecoder({ maxMessageBytes: options.maxMessageBytes });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true); // ACK latency: never let Nagle hold a small ACK back
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    socket.on('close', () => this.onClose());
    this.idleTimer = setTimeout(() => this.onIdle(), options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** Finishes the message in hand and flushes its ACK, drops queued ones, then ends the socket. */
  shutdown(): Promise<void> {
    this.stopAccepting('server shutting down');
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Nothing in hand: no handler running and no frame waiting for one. Only such a connection may
   * be evicted, so a message being processed always gets its ACK.
   */
  get isIdle(): boolean {
    return !this.isClosed && !this.handlerRunning && !this.pumping && this.queue.length === 0;
  }

  /** How long since the peer last sent something or we last finished a message. */
  idleMs(now = performance.now()): number {
    return now - this.lastActivityAt;
  }

  /** Closes an idle connection to make room for a new one (MllpServer decides which). */
  evict(): void {
    this.socket.destroy();
  }

  private get fields(): { connectionId: string; peer: string } {
    return { connectionId: this.id, peer: this.peer };
  }

  private onData(chunk: Buffer): void {
    this.touch();
    if (this.draining) return;
    for (const event of this.decoder.push(chunk)) this.onDecoderEvent(event);
    this.updateFlow();
    this.startPump();
  }

  private onDecoderEvent(event: MllpDecoderEvent): void {
    const { counters, logger } = this.options;
    const receivedAt = new Date();
    if (event.kind === 'frame') {
      counters.messagesReceived++;
      this.enqueue({ kind: 'frame', payload: event.payload, receivedAt }, event.payload.length);
      return;
    }
    counters.framingErrors++;
    if (event.kind === 'discarded') {
      logger.warn({ event: 'mllp.bytes-discarded', ...this.fields, reason: event.reason, bytes: event.bytes }, 'bytes outside an MLLP frame discarded');
      return;
    }
    const { bytesSeen, head } = event;
    logger.warn({ event: 'mllp.frame-oversize', ...this.fields, bytesSeen, maxMessageBytes: this.options.maxMessageBytes }, 'MLLP frame too large; skipping it');
    this.enqueue({ kind: 'oversize', head, bytesSeen, receivedAt }, head.length);
  }

  private enqueue(item: QueuedItem, bytes: number): void {
    this.queue.push(item);
    this.queuedBytes += bytes;
  }

  private startPump(): void {
    if (this.pumping) return;
    this.pump().catch((err: unknown) => {
      this.options.logger.error({ event: 'mllp.pump-failed', ...this.fields, err }, 'MLLP connection loop failed; closing');
      this.socket.destroy();
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.isClosed) {
        const item = this.queue.shift()!;
        this.queuedBytes -= item.kind === 'frame' ? item.payload.length : item.head.length;
        this.updateFlow();
        const started = performance.now();
        const ack = await this.handle(item);
        const ackBytes = ack === null ? 0 : await this.writeAck(ack);
        const bytes = item.kind === 'frame' ? item.payload.length : item.bytesSeen;
        const ms = Math.round((performance.now() - started) * 100) / 100;
        this.options.logger.debug({ event: 'mllp.message-handled', ...this.fields, kind: item.kind, bytes, ackBytes, ms }, 'MLLP frame handled');
      }
    } finally {
      this.pumping = false;
    }
    this.endIfDone();
  }

  /** Runs the caller's handler; never throws. */
  private async handle(item: QueuedItem): Promise<Buffer | null> {
    const ctx: MllpContext = { connectionId: this.id, peer: this.peer, receivedAt: item.receivedAt };
    this.handlerRunning = true;
    this.messages++;
    try {
      if (item.kind === 'frame') return await this.options.onMessage(item.payload, ctx);
      if (this.options.onOversize) return await this.options.onOversize(ctx, item.head);
      this.stopAccepting('oversized frame and no onOversize handler');
      return null;
    } catch (err) {
      // The sender waits for an answer; without one it would resend the same frame forever.
      const bytes = item.kind === 'frame' ? item.payload.length : item.bytesSeen;
      this.options.logger.error({ event: 'mllp.handler-failed', ...this.fields, kind: item.kind, bytes, err }, 'MLLP handler threw; sending the fallback ACK');
      return this.options.fallbackAck('handler-failed');
    } finally {
      this.handlerRunning = false;
      this.touch(); // the idle clock restarts when the work is done, not when it began
    }
  }

  /** Frames and writes one ACK; waits for 'drain' so a peer that does not read cannot grow our buffers. */
  private async writeAck(ack: Buffer): Promise<number> {
    if (this.isClosed || !this.socket.writable) {
      this.options.logger.debug({ event: 'mllp.ack-dropped', ...this.fields, ackBytes: ack.length }, 'connection closed before the ACK could be sent');
      return 0;
    }
    let framed: Buffer;
    try {
      if (!Buffer.isBuffer(ack)) throw new TypeError('ACK must be a Buffer');
      framed = frame(ack);
    } catch (err) {
      // Log only the reason: the refused bytes echo the inbound message and may hold PHI.
      const reason = err instanceof Error ? err.message : 'unknown';
      this.options.logger.error({ event: 'mllp.ack-invalid', ...this.fields, reason }, 'handler returned an ACK that cannot be framed; sending the fallback ACK');
      framed = frame(this.options.fallbackAck('ack-unframable'));
    }
    if (!this.socket.write(framed)) await this.waitForDrain();
    return framed.length;
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private touch(): void {
    this.idleTimer.refresh();
    this.lastActivityAt = performance.now();
  }

  private updateFlow(): void {
    const full = this.queue.length >= MAX_QUEUED_FRAMES || this.queuedBytes >= this.options.maxMessageBytes;
    if (full && !this.paused) {
      this.socket.pause();
      this.paused = true;
      this.options.logger.debug({ event: 'mllp.reads-paused', ...this.fields, frames: this.queue.length, bytes: this.queuedBytes }, 'sender is pipelining; reads paused');
    } else if (!full && this.paused) {
      this.socket.resume();
      this.paused = false;
    }
  }

  private stopAccepting(reason: string): void {
    if (this.draining) return;
    this.draining = true;
    this.dropQueue(reason);
    this.updateFlow(); // keep reading, so the peer's FIN (and thus 'close') is seen
    this.endIfDone();
  }

  private dropQueue(reason: string): void {
    if (this.queue.length === 0) return;
    this.options.logger.debug({ event: 'mllp.frames-dropped', ...this.fields, frames: this.queue.length, bytes: this.queuedBytes, reason }, 'unanswered frames dropped');
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  /** Sends our FIN once nothing is left to answer: after the peer's FIN or when draining. */
  private endIfDone(): void {
    if (!(this.peerEnded || this.draining) || this.pumping || this.queue.length > 0) return;
    if (!this.isClosed && !this.socket.writableEnded) this.socket.end();
  }

  private onEnd(): void {
    this.peerEnded = true;
    this.logPartialFrame(this.decoder.reset());
    this.endIfDone();
  }

  private onIdle(): void {
    if (this.isClosed || this.handlerRunning) return; // handle() re-arms the timer when it returns
    this.options.logger.info({ event: 'mllp.idle-timeout', ...this.fields, idleTimeoutMs: this.options.idleTimeoutMs }, 'idle MLLP connection closed');
    this.socket.destroy();
  }

  private onError(err: NodeJS.ErrnoException): void {
    const level = QUIET_SOCKET_ERRORS.has(err.code ?? '') ? 'debug' : 'warn';
    this.options.logger[level]({ event: 'mllp.socket-error', ...this.fields, code: err.code, message: err.message }, 'MLLP socket error');
  }

  private onClose(): void {
    this.isClosed = true;
    clearTimeout(this.idleTimer);
    this.logPartialFrame(this.decoder.reset());
    this.dropQueue('connection closed');
    const ms = Math.round(performance.now() - this.openedAt);
    this.options.logger.info({ event: 'mllp.connection-closed', ...this.fields, messages: this.messages, ms }, 'MLLP connection closed');
    this.options.onClosed(this);
    this.resolveClosed();
  }

  private logPartialFrame(bytes: number): void {
    if (bytes === 0) return;
    this.options.logger.debug({ event: 'mllp.partial-frame-dropped', ...this.fields, bytes }, 'peer closed in the middle of a frame; partial frame dropped');
  }
}

/** `address:port`, or `[address]:port` for IPv6. */
export function formatPeer(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  const port = socket.remotePort ?? 0;
  return socket.remoteFamily === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`;
}
