import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, Env, startProcess } from '@radflow/config';
import { DatabaseModule } from '@radflow/persistence';
import { HealthModule, ObservabilityModule } from '@radflow/observability';
import { MllpGatewayModule } from './mllp-gateway.module';

@Module({})
class MllpGatewayProcess {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return {
      module: MllpGatewayProcess,
      imports: [
        ConfigModule.forRoot(env),
        ObservabilityModule.forRoot({ app: 'mllp-gateway', level: env.LOG_LEVEL, logPhi: env.LOG_PHI }),
        DatabaseModule.forRoot(),
        HealthModule,
        MllpGatewayModule,
      ],
    };
  }
}

void startProcess({ module: (env) => MllpGatewayProcess.forRoot(env), http: true });
