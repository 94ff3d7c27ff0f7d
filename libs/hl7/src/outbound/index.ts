export * from './status-message.table';
export * from './status-message.builder';
