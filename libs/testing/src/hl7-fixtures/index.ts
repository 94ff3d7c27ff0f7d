export * from './segments';
export * from './orders';
export * from './adt';
export * from './reports';
