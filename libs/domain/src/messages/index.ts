export * from './inbound-message';
export * from './message-log';
