import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, Env, startProcess } from '@radflow/config';
import { HealthModule, ObservabilityModule } from '@radflow/observability';
import { DatabaseModule } from '@radflow/persistence';
import { DimseGatewayModule } from './dimse-gateway.module';

@Module({})
class DimseGatewayProcess {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return {
      module: DimseGatewayProcess,
      imports: [
        ConfigModule.forRoot(env),
        ObservabilityModule.forRoot({ app: 'dimse-gateway', level: env.LOG_LEVEL, logPhi: env.LOG_PHI }),
        DatabaseModule.forRoot(),
        HealthModule,
        DimseGatewayModule,
      ],
    };
  }
}

void startProcess({ module: (env) => DimseGatewayProcess.forRoot(env), http: true });
