import { Hl7Message } from '../parser';
import { Hl7Error, Hl7ErrorCode, Hl7ErrorLocation } from '../ack/hl7-error';

/**
 * The HL7 v2 releases real feeds send (hl7-inbound.md, Versions). Every one is read with the same
 * rules: later versions only add fields and components, and 2.1/2.2's PID-3 (a single CK) reads as
 * the first repetition of the CX we map. Any other `2.x` spelling is accepted too (isHl7V2Version).
 */
export const SUPPORTED_HL7_VERSIONS: readonly string[] = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.1', '2.8.2'];

/**
 * MSH-12.1 names a 2.x release: `2.4`, `2.5.0`, `2.3.1` (the `^USA` or `^^HL70104` of a VID are
 * other components and never reach here). Only a version that is not 2.x at all (`3.0`, `V2`) is
 * refused with 203: a 2.x we do not list is still read as 2.x.
 */
export function isHl7V2Version(version: string): boolean {
  return /^2\.[1-9]\d*(\.\d+)*$/.test(version.trim());
}

export type MessageTypeSupport = 'handled' | 'unsupported-type' | 'unsupported-event';

export interface MshPolicy {
  /** Whether MSH-12.1 is a version we read, e.g. isHl7V2Version. */
  supportsVersion: (version: string) => boolean;
  /** MSH-11.1 values matching our configured mode, e.g. ['P'] in production. */
  processingIds: readonly string[];
  /** Routing table lookup for `CODE^EVENT` (e.g. `ORM^O01`). */
  handledTypes: (type: string) => MessageTypeSupport;
}

/** MSH-15/16 (table 0155) and whether they put the sender in enhanced mode. */
export interface AckTypes {
  /** MSH-15 */
  acceptAckType?: string;
  /** MSH-16 */
  applicationAckType?: string;
  /** Either MSH-15 or MSH-16 is non-empty (HL7 v2.5.1 §2.9). */
  enhancedMode: boolean;
}

export interface MshInfo extends AckTypes {
  /** MSH-3 as sent (the whole HD, still escaped): part of the duplicate and routing keys. */
  sendingApplication: string;
  /** MSH-4 as sent, like sendingApplication. */
  sendingFacility: string;
  /** MSH-10 */
  controlId: string;
  /** `CODE^EVENT`, e.g. `ORM^O01` */
  type: string;
  /** MSH-9.1 */
  messageCode: string;
  /** MSH-9.2 */
  triggerEvent: string;
  /** MSH-9.3 as sent. Not checked against code/event: many senders get it wrong and routing ignores it. */
  structure?: string;
  /** MSH-12.1 */
  version: string;
  /** MSH-11.1 */
  processingId: string;
  /** MSH-18, first repetition */
  charset?: string;
  /** MSH-7 (TS.1) as sent */
  messageTime?: string;
}

/** Reads MSH-15/16; usable before validation, so even a rejected message gets the right ACK mode. */
export function readAckTypes(msg: Hl7Message): AckTypes {
  const acceptAckType = msg.msh.text(15);
  const applicationAckType = msg.msh.text(16);
  return { acceptAckType, applicationAckType, enhancedMode: acceptAckType !== undefined || applicationAckType !== undefined };
}

/**
 * Checks the header fields we route and acknowledge on, in the order a reader would: is it a
 * message at all (MSH-9, MSH-10), is it for our mode and version (MSH-11, MSH-12), do we handle
 * it (MSH-9 code and event). Every failure is AR: resending the same message cannot succeed.
 * MSH-10 longer than 20 characters is tolerated: we only echo and key on it.
 */
export function validateMsh(msg: Hl7Message, policy: MshPolicy): MshInfo {
  const msh = msg.msh;
  const messageCode = msh.text(9, 1);
  if (!messageCode) throw reject(Hl7ErrorCode.RequiredFieldMissing, 'MSH-9 message type missing', { field: 9 });

  const controlId = msh.text(10);
  if (!controlId) throw reject(Hl7ErrorCode.RequiredFieldMissing, 'MSH-10 message control ID missing', { field: 10 });

  const processingId = msh.text(11, 1);
  if (!processingId) throw reject(Hl7ErrorCode.RequiredFieldMissing, 'MSH-11 processing ID missing', { field: 11 });
  if (!policy.processingIds.includes(processingId)) {
    throw reject(Hl7ErrorCode.UnsupportedProcessingId, `MSH-11 processing ID ${clip(processingId)} not accepted here`, { field: 11 });
  }

  const version = msh.text(12, 1);
  if (!version) throw reject(Hl7ErrorCode.RequiredFieldMissing, 'MSH-12 version ID missing', { field: 12 });
  if (!policy.supportsVersion(version)) {
    throw reject(Hl7ErrorCode.UnsupportedVersionId, `MSH-12 version ${clip(version)} not supported`, { field: 12 });
  }

  const triggerEvent = msh.text(9, 2) ?? '';
  const type = `${messageCode}^${triggerEvent}`;
  const support = policy.handledTypes(type);
  if (support === 'unsupported-type') {
    throw reject(Hl7ErrorCode.UnsupportedMessageType, `MSH-9 message type ${clip(messageCode)} not supported`, { field: 9, component: 1 });
  }
  if (!triggerEvent) throw reject(Hl7ErrorCode.RequiredFieldMissing, 'MSH-9.2 trigger event missing', { field: 9, component: 2 });
  if (support === 'unsupported-event') {
    throw reject(Hl7ErrorCode.UnsupportedEventCode, `MSH-9.2 event ${clip(triggerEvent)} not supported for ${clip(messageCode)}`, { field: 9, component: 2 });
  }

  return {
    sendingApplication: msh.raw(3),
    sendingFacility: msh.raw(4),
    controlId,
    type,
    messageCode,
    triggerEvent,
    structure: msh.text(9, 3),
    version,
    processingId,
    charset: msh.text(18),
    messageTime: msh.text(7),
    ...readAckTypes(msg),
  };
}

function reject(errorCode: Hl7ErrorCode, userMessage: string, at: Omit<Hl7ErrorLocation, 'segment' | 'sequence'>): Hl7Error {
  return new Hl7Error({ ackCode: 'AR', errorCode, userMessage, location: { segment: 'MSH', sequence: 1, ...at } });
}

/** Header values are not PHI, but they are sender-controlled: keep them short in our text. */
function clip(value: string): string {
  return value.length > 20 ? `${value.slice(0, 20)}...` : value;
}
