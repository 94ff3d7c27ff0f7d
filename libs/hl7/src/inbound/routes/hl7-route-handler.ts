import { ChangeSource, TransactionContext } from '@radflow/domain';
import { MappingWarnings } from '../../mapping/leniency';
import { OrderMappingOptions } from '../../mapping/order-message.mapper';
import { MshInfo } from '../../msh';
import { Hl7Message } from '../../parser';
import { SenderProfile } from '../sender-profile';

/** `CODE^EVENT` as routed on: MSH-9.1 ^ MSH-9.2, e.g. `ORU^R01`. */
export type Hl7MessageType = string;

/** What a route handler gets besides the transaction and the message: who sent it and how to read it. */
export interface Hl7RouteContext {
  info: MshInfo;
  /** The stored message's id: the source of every change it makes. */
  messageRef: string;
  source: ChangeSource;
  profile: SenderProfile;
  /** Where accepted-but-told findings go; also the leniency rules of this sender. */
  warnings: MappingWarnings;
  /** The profile's mapping choices, ready for the mappers. */
  mapping: OrderMappingOptions;
}

/**
 * One route of the HL7 edge (dcm4che's HL7Service, HAPI's ReceivingApplication): the message types
 * it serves and how it applies one, inside the caller's transaction. It maps the message to a
 * domain command, calls the use case, and turns what the use case tells (an unknown key, a stale
 * report) into warnings; a DomainError it lets through becomes the AE.
 */
export interface Hl7RouteHandler {
  /** For logs and the registry's conflict errors. */
  readonly name: string;
  /** `CODE^EVENT` pairs served. */
  readonly types: readonly Hl7MessageType[];
  /**
   * Served only where no other handler serves the type (the events of a message code that are
   * acknowledged and change nothing).
   */
  readonly fallback?: boolean;
  apply(tx: TransactionContext, msg: Hl7Message, context: Hl7RouteContext): Promise<void>;
}
