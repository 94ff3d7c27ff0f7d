export * from './use-case';
export * from './place-orders.use-case';
export * from './patient.use-cases';
export * from './check-in.use-case';
export * from './reading.use-cases';
