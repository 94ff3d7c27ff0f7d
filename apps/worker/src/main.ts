import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, Env, startProcess } from '@radflow/config';
import { HealthModule, ObservabilityModule } from '@radflow/observability';
import { DatabaseModule } from '@radflow/persistence';
import { WorkerModule } from './worker.module';

/** The worker alone: outbox relay and BullMQ processors, with /health on HTTP_PORT. */
@Module({})
class WorkerProcess {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return {
      module: WorkerProcess,
      imports: [
        ConfigModule.forRoot(env),
        ObservabilityModule.forRoot({ app: 'worker', level: env.LOG_LEVEL, logPhi: env.LOG_PHI }),
        DatabaseModule.forRoot(),
        HealthModule,
        WorkerModule.forProcess(),
      ],
    };
  }
}

void startProcess({ module: (env) => WorkerProcess.forRoot(env), http: true });
