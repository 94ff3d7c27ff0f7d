export * from './delimiters';
export * from './escape';
export * from './hl7-segment';
export * from './hl7-message';
export * from './hl7-input.error';
export * from './parse-hl7';
