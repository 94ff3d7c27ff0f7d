export * from './order-control';
export * from './priority';
export * from './order-commands';
export * from "./uid-generator";
export * from "./order-policy";
export * from "./order.service";
