export * from './charset';
export * from './dimse';
