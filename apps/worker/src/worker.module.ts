import { DynamicModule, FactoryProvider, Module, ModuleMetadata, Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import { ENV, Env } from '@radflow/config';
import { LOGGER, Logger, NULL_LOGGER } from '@radflow/observability';
import { UNIT_OF_WORK, UnitOfWork } from '@radflow/domain';
import { PG_POOL, RESOLVED_DATABASE, ResolvedDatabase } from '@radflow/persistence';
import { PatientEventsProcessor } from './processors/patient-events.processor';
import { WorkflowEventsProcessor } from './processors/workflow-events.processor';
import { WorkerRuntime } from './worker-runtime.service';
import { WORKER_LOGGER, WORKER_MODULE_OPTIONS, WORKER_PROCESSORS, WorkerModuleOptions } from './worker-module.options';

/** Every processor; the registry checks at start-up that together they handle each job exactly once. */
const PROCESSORS = [WorkflowEventsProcessor, PatientEventsProcessor];

export interface WorkerModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: any[]) => WorkerModuleOptions | Promise<WorkerModuleOptions>;
}

/**
 * BullMQ processors and the outbox relay (DESIGN §1, `worker`). Hosted by apps/worker alone or
 * by the all-in-one process; either passes the database and Redis URLs in, nothing here reads
 * the environment.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return WorkerModule.build({ provide: WORKER_MODULE_OPTIONS, useValue: options });
  }

  static forRootAsync(options: WorkerModuleAsyncOptions): DynamicModule {
    return WorkerModule.build({ provide: WORKER_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory }, options.imports);
  }

  /**
   * For a host with ConfigModule, ObservabilityModule and DatabaseModule (both apps that run
   * the worker): the resolved database (embedded or DATABASE_URL), its pool and unit of work, REDIS_URL, LOGGER,
   * the housekeeping schedule.
   */
  static forProcess(): DynamicModule {
    return WorkerModule.forRootAsync({
      inject: [RESOLVED_DATABASE, PG_POOL, ENV, LOGGER, UNIT_OF_WORK],
      useFactory: (db: ResolvedDatabase, pool: Pool, env: Env, logger: Logger, uow: UnitOfWork): WorkerModuleOptions => ({
        databaseUrl: db.url,
        pool,
        redisUrl: env.REDIS_URL,
        logger,
        housekeeping: {
          uow,
          intervalSeconds: env.HOUSEKEEPING_INTERVAL_SECONDS,
          thresholds: { arrivedAfterMinutes: env.STALE_ARRIVED_AFTER_MINUTES, inProgressAfterMinutes: env.STALE_IN_PROGRESS_AFTER_MINUTES },
        },
      }),
    });
  }

  private static build(optionsProvider: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports,
      providers: [
        optionsProvider,
        {
          provide: WORKER_LOGGER,
          inject: [WORKER_MODULE_OPTIONS, { token: LOGGER, optional: true }],
          useFactory: (options: WorkerModuleOptions, processLogger?: Logger) => options.logger ?? processLogger ?? NULL_LOGGER,
        },
        ...PROCESSORS,
        { provide: WORKER_PROCESSORS, inject: PROCESSORS, useFactory: (...processors: object[]) => processors },
        WorkerRuntime,
      ],
      exports: [WorkerRuntime],
    };
  }
}
