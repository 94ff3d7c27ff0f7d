export * from './sps-status';
