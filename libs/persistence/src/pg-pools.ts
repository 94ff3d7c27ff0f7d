import { Pool } from 'pg';
import { keepClientErrors } from './pg-client-errors';
import { SessionTimeouts, sessionTimeoutConfig } from './data-source';

export interface PgPoolOptions extends SessionTimeouts {
  url: string;
  poolSize: number;
  /** Names the pool's connections in pg_stat_activity. */
  applicationName: string;
  /** A connection the server dropped (restart, failover, terminated backend, a session timeout); the pool replaces it. */
  onConnectionError?: (e: Error) => void;
}

declare const pipelined: unique symbol;
/** A pool whose connections run in pg's pipeline mode: no cursors, no `rows` option (pg refuses both). Only the unit of work takes one. */
export type PipelinedPool = Pool & { readonly [pipelined]: true };

/**
 * The one place a raw pg pool is configured: connect timeout, session timeouts sent in the
 * startup packet, the application name, and an error listener for idle and for checked-out
 * connections alike, so a connection the server drops is an event, not a crash.
 */
export function createPgPool(o: PgPoolOptions, extra: { pipeline?: boolean } = {}): Pool {
  const onError = o.onConnectionError ?? (() => undefined);
  const pool = new Pool({
    connectionString: o.url, max: o.poolSize, application_name: o.applicationName, connectionTimeoutMillis: 5000,
    ...sessionTimeoutConfig(o), onConnect: keepClientErrors(onError), ...extra,
  } as never);
  pool.on('error', onError);
  return pool;
}

/** A pool for the pipelined ingest transaction (ADR 0004 §4). */
export function createPipelinedPool(o: PgPoolOptions): PipelinedPool {
  return createPgPool(o, { pipeline: true }) as PipelinedPool;
}

/**
 * The raw pg pools of a process, made here and ended here (ADR 0006): `shared` for what needs pg
 * itself (LISTEN, the MWL cursor, the outbox relay), `pipelined` for the unit of work. TypeORM's
 * DataSource owns a pool of its own; nothing reaches into it.
 */
export class PgPools {
  private constructor(
    readonly shared: Pool,
    readonly pipelined: PipelinedPool,
  ) {}

  /** `onConnectionError` is told which pool (its application name) lost the connection. */
  static create(o: Omit<PgPoolOptions, 'applicationName' | 'onConnectionError'> & { onConnectionError?: (e: Error, pool: string) => void }): PgPools {
    const named = (applicationName: string): PgPoolOptions => ({ ...o, applicationName, onConnectionError: (e) => o.onConnectionError?.(e, applicationName) });
    return new PgPools(createPgPool(named('radflow')), createPipelinedPool(named('radflow-ingest')));
  }

  async close(): Promise<void> {
    await Promise.all([this.pipelined.end(), this.shared.end()].map((p) => p.catch(() => undefined)));
  }
}
