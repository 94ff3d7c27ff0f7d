import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, Env, startProcess } from '@radflow/config';
import { ObservabilityModule } from '@radflow/observability';
import { DatabaseModule } from '@radflow/persistence';
import { ApiModule } from './api.module';

@Module({})
class ApiProcess {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return {
      module: ApiProcess,
      imports: [ConfigModule.forRoot(env), ObservabilityModule.forRoot({ app: 'api', level: env.LOG_LEVEL, logPhi: env.LOG_PHI }), DatabaseModule.forRoot(), ApiModule],
    };
  }
}

void startProcess({ module: (env) => ApiProcess.forRoot(env), http: true });
