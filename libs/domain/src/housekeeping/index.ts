export * from './housekeeping.store';
export * from './flag-stale-steps.use-case';
