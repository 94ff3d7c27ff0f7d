import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { MIGRATIONS } from './migrations';
import { ENTITIES } from './entities';
import { keepClientErrors } from './pg-client-errors';

export interface DatabaseOptions extends SessionTimeouts {
  url: string;
  poolSize: number;
  applicationName?: string;
  /** A connection lost while checked out (backend terminated); it is dropped, the process goes on. */
  onConnectionError?: (e: Error) => void;
}

/** Server-side limits set on every connection of a pool (config DB_STATEMENT_TIMEOUT_MS, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
export interface SessionTimeouts {
  /** One statement may run this long before PostgreSQL cancels it (SQLSTATE 57014). */
  statementTimeoutMs?: number;
  /** A transaction left open with nothing running is ended by PostgreSQL after this long, its connection closed. */
  idleInTransactionTimeoutMs?: number;
}

/**
 * pg client settings for `SessionTimeouts`, sent in the startup packet so they hold from the
 * first statement. The server cancels a slow statement cleanly; pg's own timer stays behind it
 * as the backstop for a server that no longer answers at all.
 */
export function sessionTimeoutConfig(timeouts: SessionTimeouts): Record<string, number> {
  const config: Record<string, number> = { query_timeout: (timeouts.statementTimeoutMs ?? 25_000) + 5_000 };
  if (timeouts.statementTimeoutMs) config.statement_timeout = timeouts.statementTimeoutMs;
  if (timeouts.idleInTransactionTimeoutMs) config.idle_in_transaction_session_timeout = timeouts.idleInTransactionTimeoutMs;
  return config;
}

/**
 * TypeORM's settings: the entities, the migrations (the schema's source; never `synchronize`), and
 * the pool the DataSource makes and owns (ADR 0006). Raw pg code has pools of its own (PgPools).
 */
export function dataSourceOptions(options: DatabaseOptions): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: ENTITIES,
    namingStrategy: new SnakeNamingStrategy(),
    // TypeORM would log a failed query with its parameters: patient data. Errors reach our logger instead.
    logging: false,
    // TypeORM's default pool error handler logs the error text; report it without PHI instead.
    poolErrorHandler: (e: Error) => options.onConnectionError?.(e),
    extra: {
      max: options.poolSize,
      application_name: options.applicationName ?? 'radflow-orm',
      connectionTimeoutMillis: 5000,
      // a dead database must fail requests fast, not hang them (ACK AR, sender retries)
      ...sessionTimeoutConfig(options),
      onConnect: keepClientErrors(options.onConnectionError),
    },
  };
}

/** A DataSource outside Nest (CLI, tests); in a process @nestjs/typeorm makes it from the same options. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/** Runs pending migrations; safe to call from several processes at once (advisory lock). */
export async function migrate(ds: DataSource): Promise<string[]> {
  await ds.query('SELECT pg_advisory_lock(727274)');
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.query('SELECT pg_advisory_unlock(727274)');
  }
}
