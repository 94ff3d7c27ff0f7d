export * from './step-lifecycle';
export * from './study-lifecycle';
export * from './lifecycle';
