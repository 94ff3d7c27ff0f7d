export * from './hl7-inbound.options';
export * from './hl7-inbound.service';
export * from './message-routes';
export * from './sender-profile';
