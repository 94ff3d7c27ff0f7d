export * from './workflow-store';
export * from './unit-of-work';
