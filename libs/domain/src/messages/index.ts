export * from './inbound-message';
