export * from './stored-message.reader';
export * from './message-log.service';
