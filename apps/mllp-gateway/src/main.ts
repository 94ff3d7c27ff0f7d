import { startProcess } from '@radflow/config';
import { HealthModule } from '@radflow/observability';
import { databaseDependency, ProcessModule } from '@radflow/persistence';
import { inboundOptionsFrom } from './inbound-options';
import { MllpGatewayModule } from './mllp-gateway.module';

/** The MLLP gateway alone: HL7 in on HL7_PORT, /health on HTTP_PORT. */
void startProcess({ module: (env) => ProcessModule.forRoot('mllp-gateway', env, [HealthModule, MllpGatewayModule]), http: true, checkConfig: (env) => void inboundOptionsFrom(env), dependencies: (env) => [databaseDependency(env)] });
