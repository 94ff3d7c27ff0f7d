import { startProcess } from '@radflow/config';
import { HealthModule } from '@radflow/observability';
import { ProcessModule } from '@radflow/persistence';
import { WorkerModule } from './worker.module';

/** The worker alone: outbox relay and BullMQ processors, with /health on HTTP_PORT. */
void startProcess({ module: (env) => ProcessModule.forRoot('worker', env, [HealthModule, WorkerModule.forProcess()]), http: true });
