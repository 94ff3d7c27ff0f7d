export * from './hl7-route-handler';
export * from './hl7-route.registry';
export * from './default-routes';
export { OrderHandler } from './order.handler';
export { AdtPatientHandler } from './adt-patient.handler';
export { AdtMergeHandler } from './adt-merge.handler';
export { AdtChangeIdHandler } from './adt-change-id.handler';
export { AdtIgnoredHandler, ADT_EVENTS } from './adt-ignored.handler';
export { ReportHandler } from './report.handler';
