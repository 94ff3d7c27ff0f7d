import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { UNIT_OF_WORK } from '@radflow/domain';
import { ENV, Env } from '@radflow/config';
import { AUDIT_TRAIL, LOGGER, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { PgAuditTrail } from './repositories/pg-audit.trail';
import { createDataSource, migrate, SessionTimeouts } from './data-source';
import { resolveDatabase, ResolvedDatabase } from './database-url';
import { PgUnitOfWork } from './pg-unit-of-work';

export const RESOLVED_DATABASE = Symbol('RESOLVED_DATABASE');
export const PG_POOL = Symbol('PG_POOL');

/**
 * The database for the whole process: DATABASE_URL or the embedded cluster, migrated before
 * anything else starts. Exposes the TypeORM DataSource, its pg pool, and the unit of work.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(RESOLVED_DATABASE) private readonly db: ResolvedDatabase,
    @Inject(UNIT_OF_WORK) private readonly uow: PgUnitOfWork,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: RESOLVED_DATABASE,
          inject: [ENV, LOGGER],
          useFactory: (env: Env, log: Logger) => resolveDatabase(env, (line) => log.debug({ event: 'db.embedded' , line }, 'embedded postgres')),
        },
        {
          provide: DataSource,
          inject: [RESOLVED_DATABASE, ENV, LOGGER, READINESS],
          useFactory: async (db: ResolvedDatabase, env: Env, log: Logger, readiness: ReadinessRegistry) => {
            const onConnectionError = (e: Error) => log.warn({ event: 'db.connection-lost', pool: 'radflow', errCode: (e as { code?: unknown }).code }, 'database connection lost; the pool replaces it');
            const ds = createDataSource({ url: db.url, poolSize: env.DB_POOL_SIZE, onConnectionError, ...sessionTimeouts(env) });
            await ds.initialize();
            const applied = await migrate(ds);
            log.info({ event: 'db.migrated', applied, embedded: !!db.embedded }, 'database ready');
            readiness.register({ name: 'postgres', check: async () => void (await ds.query('SELECT 1')) });
            return ds;
          },
        },
        { provide: PG_POOL, inject: [DataSource], useFactory: (ds: DataSource) => pgPoolOf(ds) },
        {
          provide: UNIT_OF_WORK,
          inject: [RESOLVED_DATABASE, ENV, LOGGER],
          useFactory: (db: ResolvedDatabase, env: Env, log: Logger) =>
            new PgUnitOfWork(db.url, env.DB_POOL_SIZE, sessionTimeouts(env), (e) => log.warn({ event: 'db.connection-lost', pool: 'radflow-ingest', errCode: (e as { code?: unknown }).code }, 'database connection lost; the pool replaces it')),
        },
        { provide: AUDIT_TRAIL, inject: [PG_POOL], useFactory: (pool: Pool) => new PgAuditTrail(pool) },
      ],
      exports: [DataSource, PG_POOL, UNIT_OF_WORK, RESOLVED_DATABASE, AUDIT_TRAIL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.uow.close().catch(() => undefined);
    if (this.ds.isInitialized) await this.ds.destroy();
    await this.db.embedded?.stop();
  }
}

function sessionTimeouts(env: Env): SessionTimeouts {
  return { statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS, idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS };
}

/** TypeORM's own pg pool, shared with the code that streams rows or LISTENs. */
export function pgPoolOf(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}
