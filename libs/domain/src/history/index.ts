export * from './study-history';
