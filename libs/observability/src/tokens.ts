export const LOGGER = Symbol('LOGGER');
export const READINESS = Symbol('READINESS');
