import { startProcess } from '@radflow/config';
import { databaseDependency, ProcessModule } from '@radflow/persistence';
import { ApiModule } from './api.module';

/** The HTTP API alone on HTTP_PORT. */
void startProcess({ module: (env) => ProcessModule.forRoot('api', env, [ApiModule]), http: true, dependencies: (env) => [databaseDependency(env)] });
