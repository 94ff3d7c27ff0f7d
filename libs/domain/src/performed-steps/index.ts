export * from './performed-step.store';
