export * from './application-ack.sender';
export * from './hl7-inbound.options';
export * from './hl7-inbound.service';
export * from './routes';
export * from './sender-profile';
export * from './sender-profiles';
export { senderProfilesFileSchema } from './sender-profiles.schema';
