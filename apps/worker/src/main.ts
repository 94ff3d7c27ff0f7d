import { startProcess } from '@radflow/config';
import { HealthModule } from '@radflow/observability';
import { databaseDependency, ProcessModule } from '@radflow/persistence';
import { redisDependency } from '@radflow/queue';
import { WorkerModule } from './worker.module';

/** The worker alone: outbox relay and BullMQ processors, with /health on HTTP_PORT. */
void startProcess({ module: (env) => ProcessModule.forRoot('worker', env, [HealthModule, WorkerModule.forProcess()]), http: true, dependencies: (env) => [databaseDependency(env), redisDependency(env)] });
