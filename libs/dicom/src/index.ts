export * from './charset';
export * from './dimse';
export * from './mwl';
export * from './mpps';
