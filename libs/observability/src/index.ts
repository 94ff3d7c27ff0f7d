export * from './logger';
export * from './readiness';
export * from './tokens';
export * from './observability.module';
export * from './health.module';
export * from './audit-trail';
