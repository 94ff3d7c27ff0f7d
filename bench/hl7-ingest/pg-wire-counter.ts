import { createConnection, createServer, Server, Socket } from 'node:net';

export interface WireCounts {
  /** Round trips: simple queries ('Q') plus extended-protocol Syncs ('S'), each answered by one ReadyForQuery. */
  roundTrips: number;
  /** Statements sent: simple queries plus Executes ('E'). */
  statements: number;
  /** Frontend messages by type byte. */
  byType: Record<string, number>;
}

/**
 * A TCP proxy between Radflow and Postgres that reads the frontend side of the wire protocol and
 * counts what the service asks of the database, so "how many round trips per message" is measured,
 * not guessed. Used on a short separate run only: the extra hop adds latency.
 */
export class PgWireCounter {
  private readonly server: Server;
  private readonly counts: WireCounts = { roundTrips: 0, statements: 0, byType: {} };

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.pipe(client));
  }

  /** Starts the proxy; the returned URL is `databaseUrl` pointed at it. */
  static async start(databaseUrl: string): Promise<{ counter: PgWireCounter; url: string }> {
    const u = new URL(databaseUrl);
    const counter = new PgWireCounter({ host: u.hostname, port: Number(u.port || 5432) });
    await new Promise<void>((r) => counter.server.listen(0, '127.0.0.1', r));
    u.hostname = '127.0.0.1';
    u.port = String((counter.server.address() as { port: number }).port);
    return { counter, url: u.toString() };
  }

  snapshot(): WireCounts {
    return { roundTrips: this.counts.roundTrips, statements: this.counts.statements, byType: { ...this.counts.byType } };
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private pipe(client: Socket): void {
    const upstream = createConnection(this.target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    let pending: Buffer = Buffer.alloc(0);
    let startup = true; // startup, SSLRequest and GSSENCRequest carry no type byte
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const len = pending.readInt32BE(0);
          if (pending.length < len) break;
          const code = pending.readInt32BE(4);
          startup = code === 80877103 || code === 80877104; // a TLS/GSS probe is followed by the real startup
          pending = pending.subarray(len);
          continue;
        }
        if (pending.length < 5) break;
        const len = pending.readInt32BE(1);
        if (pending.length < len + 1) break;
        this.count(String.fromCharCode(pending[0]));
        pending = pending.subarray(len + 1);
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  }

  private count(type: string): void {
    this.counts.byType[type] = (this.counts.byType[type] ?? 0) + 1;
    if (type === 'Q' || type === 'S') this.counts.roundTrips++;
    if (type === 'Q' || type === 'E') this.counts.statements++;
  }
}

/** b − a, per message. */
export function perMessage(a: WireCounts, b: WireCounts, messages: number): { sample: number; roundTrips: number; statements: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.byType)) byType[k] = round2((v - (a.byType[k] ?? 0)) / messages);
  return { sample: messages, roundTrips: round2((b.roundTrips - a.roundTrips) / messages), statements: round2((b.statements - a.statements) / messages), byType };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
