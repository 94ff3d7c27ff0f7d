export * from './hl7-error';
export * from './domain-error.mapper';
export * from './ack-builder';
export * from './ack-control-id';
export * from './ack-mode';
export * from './ack-safe-text';
export * from './fallback-ack';
