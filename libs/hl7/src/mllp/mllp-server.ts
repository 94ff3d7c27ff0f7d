import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildFallbackAck } from '../ack/fallback-ack';
import { formatPeer, MllpConnection } from './mllp-connection';
import { MllpCounters, MllpFallbackAck, MllpServerOptions, MllpServerStats } from './mllp-server.types';

const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_FALLBACK_ACK: MllpFallbackAck = (reason) => buildFallbackAck({ reason, ourApplication: 'RADFLOW', ourFacility: '' });

type LimitReason = 'max-connections' | 'max-connections-per-peer';

/**
 * MLLP listener on plain `net` (framing in MllpDecoder, per-connection ordering in MllpConnection).
 * Any number of connections up to `maxConnections` (and `maxConnectionsPerPeer` per address), any
 * number of messages per connection, one message at a time per connection. At a limit the
 * longest-idle connection makes room, so idle sockets cannot lock new senders out until their idle
 * timeout. Nothing a peer sends can throw out of here.
 */
export class MllpServer {
  private readonly server: Server;
  private readonly connections = new Set<MllpConnection>();
  private readonly counters: MllpCounters = { messagesReceived: 0, framingErrors: 0 };
  private readonly closeTimeoutMs: number;
  private connectionsTotal = 0;
  private connectionsRejected = 0;
  private connectionsEvicted = 0;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: MllpServerOptions) {
    validateOptions(options);
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    // allowHalfOpen: a sender may send its last message and shut down its write side; it still
    // gets the ACK, and MllpConnection ends our side once nothing is left to answer.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.onConnection(socket));
  }

  /** Resolves once bound; rejects with the bind error (EADDRINUSE, EACCES...). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.options.logger.error({ event: 'mllp.server-error', err }, 'MLLP listener error'));
        this.options.logger.info({ event: 'mllp.listening', ...this.address() }, 'MLLP listener started');
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host: this.options.host, port: this.options.port });
    });
  }

  /**
   * Stops accepting, lets each in-flight handler finish and its ACK flush (up to closeTimeoutMs),
   * drops frames not yet started (never ACKed, so senders resend them), then destroys what is left.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  address(): AddressInfo | null {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address : null;
  }

  stats(): MllpServerStats {
    return {
      connectionsOpen: this.connections.size,
      connectionsTotal: this.connectionsTotal,
      connectionsRejected: this.connectionsRejected,
      connectionsEvicted: this.connectionsEvicted,
      messagesReceived: this.counters.messagesReceived,
      framingErrors: this.counters.framingErrors,
    };
  }

  private onConnection(socket: Socket): void {
    const { logger } = this.options;
    const refusal = this.closing !== null ? 'shutting-down' : this.makeRoomFor(socket);
    if (refusal !== null) {
      this.connectionsRejected++;
      logger.warn({ event: 'mllp.connection-rejected', peer: formatPeer(socket), reason: refusal, open: this.connections.size, maxConnections: this.options.maxConnections }, 'MLLP connection refused');
      socket.on('error', () => undefined); // a reset racing the destroy must not become an uncaught error
      socket.destroy();
      return;
    }
    this.connectionsTotal++;
    const connection = new MllpConnection(socket, {
      maxMessageBytes: this.options.maxMessageBytes,
      idleTimeoutMs: this.options.idleTimeoutMs,
      onMessage: this.options.onMessage,
      onOversize: this.options.onOversize,
      fallbackAck: this.options.fallbackAck ?? DEFAULT_FALLBACK_ACK,
      logger,
      counters: this.counters,
      onClosed: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
    logger.info({ event: 'mllp.connection-opened', connectionId: connection.id, peer: connection.peer, open: this.connections.size }, 'MLLP connection opened');
  }

  /** Evicts at most one idle connection per limit reached; returns why the socket must be refused, or null. */
  private makeRoomFor(socket: Socket): LimitReason | null {
    const { maxConnectionsPerPeer: perPeer, maxConnections } = this.options;
    if (perPeer !== undefined && perPeer < maxConnections) {
      const address = socket.remoteAddress ?? 'unknown';
      const samePeer = [...this.connections].filter((c) => c.peerAddress === address);
      if (samePeer.length >= perPeer && !this.evictLongestIdle(samePeer, 'max-connections-per-peer')) return 'max-connections-per-peer';
    }
    if (this.connections.size >= maxConnections && !this.evictLongestIdle([...this.connections], 'max-connections')) return 'max-connections';
    return null;
  }

  private evictLongestIdle(candidates: MllpConnection[], reason: LimitReason): boolean {
    const now = performance.now();
    let victim: MllpConnection | undefined;
    for (const c of candidates) if (c.isIdle && (victim === undefined || c.idleMs(now) > victim.idleMs(now))) victim = c;
    if (victim === undefined) return false;
    // Out of the count at once: its 'close' comes later, and the next newcomer must pick another one.
    this.connections.delete(victim);
    this.connectionsEvicted++;
    this.options.logger.warn(
      { event: 'mllp.connection-evicted', connectionId: victim.id, peer: victim.peer, reason, idleMs: Math.round(victim.idleMs(now)), open: this.connections.size },
      'idle MLLP connection closed to make room for a new one',
    );
    victim.evict();
    return true;
  }

  private async shutdown(): Promise<void> {
    const { logger } = this.options;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const open = [...this.connections];
    const drained = await settlesWithin(Promise.all(open.map((c) => c.shutdown())), this.closeTimeoutMs);
    if (!drained) {
      logger.warn({ event: 'mllp.close-timeout', connections: this.connections.size, closeTimeoutMs: this.closeTimeoutMs }, 'MLLP connections still busy at close timeout; destroying them');
      for (const connection of this.connections) connection.destroy();
      await Promise.all(open.map((c) => c.closed));
    }
    await stopped;
    logger.info({ event: 'mllp.closed', ...this.stats() }, 'MLLP listener closed');
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function validateOptions(options: MllpServerOptions): void {
  const bad: string[] = [];
  const { port, maxMessageBytes, idleTimeoutMs, maxConnections, maxConnectionsPerPeer, closeTimeoutMs } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad.push(`port=${port}`);
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes <= 0) bad.push(`maxMessageBytes=${maxMessageBytes}`);
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs <= 0 || idleTimeoutMs > MAX_TIMER_MS) bad.push(`idleTimeoutMs=${idleTimeoutMs}`);
  if (!Number.isInteger(maxConnections) || maxConnections <= 0) bad.push(`maxConnections=${maxConnections}`);
  if (maxConnectionsPerPeer !== undefined && (!Number.isInteger(maxConnectionsPerPeer) || maxConnectionsPerPeer <= 0)) bad.push(`maxConnectionsPerPeer=${maxConnectionsPerPeer}`);
  if (closeTimeoutMs !== undefined && (!Number.isInteger(closeTimeoutMs) || closeTimeoutMs < 0 || closeTimeoutMs > MAX_TIMER_MS)) {
    bad.push(`closeTimeoutMs=${closeTimeoutMs}`);
  }
  if (typeof options.onMessage !== 'function') bad.push('onMessage');
  if (bad.length > 0) throw new RangeError(`invalid MllpServer options: ${bad.join(', ')}`);
}
