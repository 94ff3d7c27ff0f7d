import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, Env } from '@radflow/config';
import { ObservabilityModule } from '@radflow/observability';
import { DatabaseModule } from '@radflow/persistence';
import { ApiModule } from '../../api/src/api.module';
import { MllpGatewayModule } from '../../mllp-gateway/src/mllp-gateway.module';
import { DimseGatewayModule } from '../../dimse-gateway/src/dimse-gateway.module';
import { WorkerModule } from '../../worker/src';

/**
 * Every process in one (the `npm start` default). This app alone composes the others' root
 * modules: see docs/adr/0001-monorepo-and-processes.md.
 */
@Module({})
export class RadflowModule {
  static forRoot(env: Readonly<Env>): DynamicModule {
    return {
      module: RadflowModule,
      imports: [
        ConfigModule.forRoot(env),
        ObservabilityModule.forRoot({ app: 'radflow', level: env.LOG_LEVEL, logPhi: env.LOG_PHI }),
        DatabaseModule.forRoot(),
        ApiModule,
        MllpGatewayModule,
        DimseGatewayModule,
        WorkerModule.forProcess(),
      ],
    };
  }
}
