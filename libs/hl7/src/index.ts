export * from './parser';
export * from './charset';
export * from './mllp';
export * from './msh';
export * from './ack';
export * from './mapping';
export * from './inbound';
export * from './message-log';
