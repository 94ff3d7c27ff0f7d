export * from './env';
export * from './load-env';
export * from './config.module';
export * from './start-process';
export * from './startup-dependencies';
