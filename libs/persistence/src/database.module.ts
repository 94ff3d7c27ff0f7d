import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { UNIT_OF_WORK } from '@radflow/domain';
import { ENV, Env } from '@radflow/config';
import { AUDIT_TRAIL, LOGGER, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { PgAuditTrail } from './repositories/pg-audit.trail';
import { TypeormStudyHistory } from './repositories/typeorm-study.history';
import { AuditEventEntity, ENTITIES, StudyTransitionEntity } from './entities';
import { dataSourceOptions, migrate, SessionTimeouts } from './data-source';
import { RESOLVED_DATABASE, ResolvedDatabaseModule } from './resolved-database.module';
import { ResolvedDatabase } from './database-url';
import { PgPools } from './pg-pools';
import { PgUnitOfWork } from './pg-unit-of-work';

export { RESOLVED_DATABASE };
/** The shared raw pg pool (LISTEN, the MWL cursor, the outbox relay): PgPools.shared. */
export const PG_POOL = Symbol('PG_POOL');
export const PG_POOLS = Symbol('PG_POOLS');
export const STUDY_HISTORY = Symbol('STUDY_HISTORY');
/** Resolved once the migrations ran; whatever touches the database in a factory waits for it. */
const MIGRATED = Symbol('MIGRATED');

/**
 * The database for the whole process: DATABASE_URL or the embedded cluster, migrated before
 * anything else starts. The DataSource (made by @nestjs/typeorm) owns TypeORM's pool; PgPools,
 * made and ended here, owns the raw pg pools; nothing reaches into another's pool (ADR 0006).
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(RESOLVED_DATABASE) private readonly db: ResolvedDatabase,
    @Inject(PG_POOLS) private readonly pools: PgPools,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        ResolvedDatabaseModule,
        TypeOrmModule.forRootAsync({
          imports: [ResolvedDatabaseModule],
          inject: [RESOLVED_DATABASE, ENV, LOGGER],
          useFactory: (db: ResolvedDatabase, env: Env, log: Logger) => ({
            ...dataSourceOptions({ url: db.url, poolSize: env.DB_POOL_SIZE, onConnectionError: connectionLost(log, 'radflow-orm'), ...sessionTimeouts(env) }),
            // start-up dependencies are checked (and waited for) before the module is built: fail at once, and without Nest's own log line
            toRetry: () => false,
          }),
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [
        {
          provide: MIGRATED,
          inject: [DataSource, RESOLVED_DATABASE, LOGGER, READINESS],
          useFactory: async (ds: DataSource, db: ResolvedDatabase, log: Logger, readiness: ReadinessRegistry) => {
            const applied = await migrate(ds);
            log.info({ event: 'db.migrated', applied, embedded: !!db.embedded }, 'database ready');
            readiness.register({ name: 'postgres', check: async () => void (await ds.query('SELECT 1')) });
            return true;
          },
        },
        {
          provide: PG_POOLS,
          inject: [RESOLVED_DATABASE, ENV, LOGGER, MIGRATED],
          useFactory: (db: ResolvedDatabase, env: Env, log: Logger) =>
            PgPools.create({ url: db.url, poolSize: env.DB_POOL_SIZE, ...sessionTimeouts(env), onConnectionError: (e, pool) => connectionLost(log, pool)(e) }),
        },
        { provide: PG_POOL, inject: [PG_POOLS], useFactory: (pools: PgPools) => pools.shared },
        { provide: UNIT_OF_WORK, inject: [PG_POOLS], useFactory: (pools: PgPools) => new PgUnitOfWork(pools.pipelined) },
        {
          provide: AUDIT_TRAIL,
          inject: [getRepositoryToken(AuditEventEntity), MIGRATED],
          useFactory: (events: Repository<AuditEventEntity>) => new PgAuditTrail(events),
        },
        {
          provide: STUDY_HISTORY,
          inject: [getRepositoryToken(StudyTransitionEntity), MIGRATED],
          useFactory: (transitions: Repository<StudyTransitionEntity>) => new TypeormStudyHistory(transitions),
        },
      ],
      // the DataSource (and EntityManager) come from @nestjs/typeorm's own global module
      exports: [ResolvedDatabaseModule, PG_POOL, UNIT_OF_WORK, AUDIT_TRAIL, STUDY_HISTORY],
    };
  }

  /** The pools first (their users stopped before shutdown), then the DataSource, then the embedded cluster under them. */
  async onApplicationShutdown(): Promise<void> {
    await this.pools.close();
    if (this.ds.isInitialized) await this.ds.destroy().catch(() => undefined);
    await this.db.embedded?.stop();
  }
}

function sessionTimeouts(env: Env): SessionTimeouts {
  return { statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS, idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS };
}

function connectionLost(log: Logger, pool: string): (e: Error) => void {
  return (e) => log.warn({ event: 'db.connection-lost', pool, errCode: (e as { code?: unknown }).code }, 'database connection lost; the pool replaces it');
}
