export * from './priority';
export * from './order-commands';
export * from './order-event';
export * from './uid-generator';
export * from './order-policy';
export * from './order.service';
export * from './import-worklist-item.use-case';
