import { startProcess } from '@radflow/config';
import { HealthModule } from '@radflow/observability';
import { databaseDependency, ProcessModule } from '@radflow/persistence';
import { DimseGatewayModule } from './dimse-gateway.module';

/** The DIMSE gateway alone: C-ECHO, MWL C-FIND and MPPS on DICOM_PORT, /health on HTTP_PORT. */
void startProcess({ module: (env) => ProcessModule.forRoot('dimse-gateway', env, [HealthModule, DimseGatewayModule]), http: true, dependencies: (env) => [databaseDependency(env)] });
