import { Hl7InboundOptions } from '../hl7-inbound.options';
import { AdtChangeIdRoute } from './adt-change-id.route';
import { AdtIgnoredRoute } from './adt-ignored.route';
import { AdtMergeRoute } from './adt-merge.route';
import { AdtPatientRoute } from './adt-patient.route';
import { Hl7RouteRegistry } from './hl7-route.registry';
import { OrderRoute } from './order.route';
import { ReportRoute } from './report.route';

/** The routes of the inbound HL7 edge. A new message type is one handler file, registered here. */
export function defaultRoutes(options: Pick<Hl7InboundOptions, 'orderPolicy' | 'unhandledAdt'>): Hl7RouteRegistry {
  const registry = new Hl7RouteRegistry([new OrderRoute(options.orderPolicy), new AdtPatientRoute(), new AdtMergeRoute(), new AdtChangeIdRoute(), new ReportRoute()]);
  if (options.unhandledAdt === 'accept') registry.register(new AdtIgnoredRoute());
  return registry;
}
