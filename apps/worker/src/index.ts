export { WorkerModule } from './worker.module';
export type { WorkerModuleAsyncOptions } from './worker.module';
export type { WorkerModuleOptions } from './worker-module.options';
export { JobHandlerRegistry, JobRegistryError, JobProcessor, OnJob } from './job-handler.registry';
