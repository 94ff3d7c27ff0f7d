export * from './report';
export * from './report.store';
export * from './record-report.use-case';
