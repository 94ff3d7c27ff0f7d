import { DynamicModule } from '@nestjs/common';
import { Env } from '@radflow/config';
import { ProcessModule } from '@radflow/persistence';
import { ApiModule } from '../../api/src/api.module';
import { MllpGatewayModule } from '../../mllp-gateway/src/mllp-gateway.module';
import { DimseGatewayModule } from '../../dimse-gateway/src/dimse-gateway.module';
import { WorkerModule } from '../../worker/src';

/**
 * Every process in one (the `npm start` default). This app alone composes the others' root
 * modules: see docs/adr/0001-monorepo-and-processes.md.
 */
export function radflowModule(env: Readonly<Env>): DynamicModule {
  return ProcessModule.forRoot('radflow', env, [ApiModule, MllpGatewayModule, DimseGatewayModule, WorkerModule.forProcess()]);
}
