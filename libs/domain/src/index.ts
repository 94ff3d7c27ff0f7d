export * from './common';
export * from './patients';
export * from './orders';
export * from './procedure-steps';
export * from './messages';
export * from './workflow';
