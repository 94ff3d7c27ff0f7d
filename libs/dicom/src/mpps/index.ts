export { MppsHandler } from './mpps.handler';
export type { MppsHandlerOptions } from './mpps.handler';
export { toStartCommand, toUpdateCommand } from './mpps-command.mapper';
export { mppsFailure, MppsStatus, MAY_NO_LONGER_BE_UPDATED } from './mpps-status.mapper';
export { toDicomJson } from './dicom-json';
export type { DicomJson } from './dicom-json';
