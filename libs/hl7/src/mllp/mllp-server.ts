import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { formatPeer, MllpConnection } from './mllp-connection';
import { MllpCounters, MllpServerOptions, MllpServerStats } from './mllp-server.types';

const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * MLLP listener on plain `net` (framing in MllpDecoder, per-connection ordering in MllpConnection).
 * Any number of connections up to `maxConnections`, any number of messages per connection,
 * one message at a time per connection. Nothing a peer sends can throw out of here.
 */
export class MllpServer {
  private readonly server: Server;
  private readonly connections = new Set<MllpConnection>();
  private readonly counters: MllpCounters = { messagesReceived: 0, framingErrors: 0 };
  private readonly closeTimeoutMs: number;
  private connectionsTotal = 0;
  private connectionsRejected = 0;
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
      messagesReceived: this.counters.messagesReceived,
      framingErrors: this.counters.framingErrors,
    };
  }

  private onConnection(socket: Socket): void {
    const { logger, maxConnections } = this.options;
    if (this.closing !== null || this.connections.size >= maxConnections) {
      this.connectionsRejected++;
      const reason = this.closing !== null ? 'shutting-down' : 'max-connections';
      logger.warn({ event: 'mllp.connection-rejected', peer: formatPeer(socket), reason, open: this.connections.size, maxConnections }, 'MLLP connection refused');
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
      logger,
      counters: this.counters,
      onClosed: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
    logger.info({ event: 'mllp.connection-opened', connectionId: connection.id, peer: connection.peer, open: this.connections.size }, 'MLLP connection opened');
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
  const { port, maxMessageBytes, idleTimeoutMs, maxConnections, closeTimeoutMs } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad.push(`port=${port}`);
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes <= 0) bad.push(`maxMessageBytes=${maxMessageBytes}`);
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs <= 0 || idleTimeoutMs > MAX_TIMER_MS) bad.push(`idleTimeoutMs=${idleTimeoutMs}`);
  if (!Number.isInteger(maxConnections) || maxConnections <= 0) bad.push(`maxConnections=${maxConnections}`);
  if (closeTimeoutMs !== undefined && (!Number.isInteger(closeTimeoutMs) || closeTimeoutMs < 0 || closeTimeoutMs > MAX_TIMER_MS)) {
    bad.push(`closeTimeoutMs=${closeTimeoutMs}`);
  }
  if (typeof options.onMessage !== 'function') bad.push('onMessage');
  if (bad.length > 0) throw new RangeError(`invalid MllpServer options: ${bad.join(', ')}`);
}
