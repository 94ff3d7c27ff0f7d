import { MllpLogger } from './mllp-logger';

/** Where a message came from; safe to log (no PHI). */
export interface MllpContext {
  /** Random UUID per TCP connection, for log correlation. */
  connectionId: string;
  /** `address:port` of the sender (`[v6]:port` for IPv6). */
  peer: string;
  /** When the end of the frame was read off the socket. */
  receivedAt: Date;
}

/**
 * Handles one inbound payload (unframed bytes, charset not yet decoded) and returns the unframed
 * ACK payload to send back on the same connection, or null to send nothing.
 * Throwing is survivable: the sender gets the fallback ACK (AR/207); a precise error ACK is the handler's job.
 * A thrown error is logged with its message and stack, so keep those PHI-free (STYLE.md §6).
 */
export type MllpMessageHandler = (payload: Buffer, ctx: MllpContext) => Promise<Buffer | null>;

/**
 * Called instead of the message handler for a frame larger than `maxMessageBytes`.
 * `firstBytes` holds up to 4 KiB of the frame, enough to read an MSH for an AR ACK.
 */
export type MllpOversizeHandler = (ctx: MllpContext, firstBytes: Buffer) => Promise<Buffer | null>;

/**
 * The last-resort ACK payload, built from the server's own text only: sent when the handler throws
 * or returns bytes MLLP cannot frame, so a sender never waits for an answer that never comes.
 */
export type MllpFallbackAck = (reason: 'handler-failed' | 'ack-unframable') => Buffer;

export interface MllpServerOptions {
  /** Interface to bind; Node's default (all interfaces) when omitted. */
  host?: string;
  /** TCP port; 0 picks a free one (see `address()`). */
  port: number;
  /** Largest accepted payload in bytes, framing excluded. */
  maxMessageBytes: number;
  /** A connection without traffic for this long is closed (never while a handler runs). */
  idleTimeoutMs: number;
  /**
   * At this many open connections a new one evicts the longest-idle connection (no handler
   * running, no frame queued); when none is idle the new one is closed right away.
   */
  maxConnections: number;
  /** The same, counted per peer address (the port excluded); evicts only that peer's connections. Default: maxConnections. */
  maxConnectionsPerPeer?: number;
  onMessage: MllpMessageHandler;
  /** Without it an oversized frame closes the connection (the sender would wait for an ACK forever). */
  onOversize?: MllpOversizeHandler;
  /** Default: an AR/207 from RADFLOW (see buildFallbackAck). */
  fallbackAck?: MllpFallbackAck;
  logger: MllpLogger;
  /** How long `close()` waits for in-flight handlers and their ACKs. Default 5000 ms. */
  closeTimeoutMs?: number;
}

export interface MllpServerStats {
  connectionsOpen: number;
  /** Connections accepted since start (rejected ones excluded). */
  connectionsTotal: number;
  /** Connections closed at once because of `maxConnections`/`maxConnectionsPerPeer` (none idle) or shutdown. */
  connectionsRejected: number;
  /** Idle connections closed to make room for a new one. */
  connectionsEvicted: number;
  /** Complete frames within the size limit. */
  messagesReceived: number;
  /** Discarded bytes runs, abandoned frames and oversized frames. */
  framingErrors: number;
}

/** Counters the connections update in place. */
export interface MllpCounters {
  messagesReceived: number;
  framingErrors: number;
}
