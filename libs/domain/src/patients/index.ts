export * from './patient';
export * from "./patient.service";
