export * from './data-source';
export * from './database-url';
export * from './pg-unit-of-work';
export * from './embedded/embedded-postgres';
export { PgWorkflowStore } from './repositories/pg-workflow.store';
export { PgMessageStore } from './repositories/pg-message.store';
export * from './database.module';
export { PgAuditTrail } from './repositories/pg-audit.trail';
export * from './process.module';
