export * from './msh-validator';
export * from './message-key';
