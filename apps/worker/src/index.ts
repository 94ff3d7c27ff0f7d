export { WorkerModule } from './worker.module';
export type { WorkerModuleAsyncOptions } from './worker.module';
export type { WorkerModuleOptions } from './worker-module.options';
export { JobHandlerRegistry, JobRegistryError, JobProcessor, OnJob } from './job-handler.registry';
export { EventsFailedError, eventsOf, forEachEvent } from './job-events';
export type { EventsProgress } from './job-events';
