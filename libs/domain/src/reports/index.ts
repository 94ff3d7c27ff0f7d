export * from './report.store';
