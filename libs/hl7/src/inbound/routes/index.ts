export * from './hl7-route-handler';
export * from './hl7-route.registry';
export * from './default-routes';
export { OrderRoute } from './order.route';
export { AdtPatientRoute } from './adt-patient.route';
export { AdtMergeRoute } from './adt-merge.route';
export { AdtChangeIdRoute } from './adt-change-id.route';
export { AdtIgnoredRoute, ADT_EVENTS } from './adt-ignored.route';
export { ReportRoute } from './report.route';
