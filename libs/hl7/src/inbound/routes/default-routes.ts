import { Hl7InboundOptions } from '../hl7-inbound.options';
import { AdtArrivalHandler } from './adt-arrival.handler';
import { AdtChangeIdHandler } from './adt-change-id.handler';
import { AdtIgnoredHandler } from './adt-ignored.handler';
import { AdtMergeHandler } from './adt-merge.handler';
import { AdtPatientHandler } from './adt-patient.handler';
import { Hl7RouteRegistry } from './hl7-route.registry';
import { OrderHandler } from './order.handler';
import { ReportHandler } from './report.handler';

/** The routes of the inbound HL7 edge. A new message type is one handler file, registered here. */
export function defaultRoutes(options: Pick<Hl7InboundOptions, 'orderPolicy' | 'unhandledAdt'>): Hl7RouteRegistry {
  const registry = new Hl7RouteRegistry([new OrderHandler(options.orderPolicy), new AdtPatientHandler(), new AdtMergeHandler(), new AdtChangeIdHandler(), new AdtArrivalHandler(), new ReportHandler()]);
  if (options.unhandledAdt === 'accept') registry.register(new AdtIgnoredHandler());
  return registry;
}
