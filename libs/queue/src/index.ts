export * from './queue-names';
export * from './job-names';
export * from './payloads';
export * from './queue-backend';
export * from './outbox-jobs';
export * from './job-producer';
export * from './outbox-relay';
export * from './redis-dependency';
