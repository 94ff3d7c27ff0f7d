import { OrderPolicy } from '@radflow/domain';

/** Site choices for inbound HL7, taken from the validated environment by the app. */
export interface Hl7InboundOptions {
  defaultCharset: string;
  processingIds: readonly string[];
  unhandledAdt: 'accept' | 'reject';
  duplicateIdNewContent: 'process' | 'reject';
  receivingApplication: string;
  receivingFacility: string;
  stationAeByModality: Record<string, string>;
  localIssuer?: string;
  orderPolicy: OrderPolicy;
}
