import type { PatientIdentifier } from '@radflow/domain';
import { formatHl7Timestamp, safeText } from '../ack';
import { DEFAULT_DELIMITERS } from '../parser';
import { OrderStatusCodes } from './status-message.table';

/** How a destination wants its order status: v2.3.1 ORM (IHE SWF), v2.5.1 OMG (SWF.b) or OMI. */
export type StatusMessageStyle = 'ORM^O01' | 'OMG^O19' | 'OMI^O23';

/** An entity identifier (EI): the number and the system that assigned it. */
export interface AssignedNumber {
  id: string;
  namespace?: string;
  universalId?: string;
  universalIdType?: string;
}

export interface StatusDestination {
  application: string;
  facility: string;
  /** Table 0211 name the destination reads (MSH-18); '' for ASCII. */
  charset: string;
  style: StatusMessageStyle;
}

export interface OrderStatusInput {
  destination: StatusDestination;
  ourApplication: string;
  ourFacility: string;
  /** MSH-10: chosen once by the caller, so a retry resends the same control id. */
  controlId: string;
  now: Date;
  utcOffsetMinutes?: number;
  status: OrderStatusCodes;
  patient: {
    identifier: PatientIdentifier;
    /** DICOM PN alphabetic group: family^given^middle^prefix^suffix */
    name: string | null;
  };
  order: {
    placerNumber?: AssignedNumber;
    fillerNumber?: AssignedNumber;
    accessionNumber?: string;
  };
  /** Needed by OMI only. */
  procedure?: {
    requestedProcedureId?: string;
    studyInstanceUid?: string;
    stepId?: string;
    /** DICOM modality (IPC-5) */
    modality?: string;
    /** The ordered procedure's code (OBR-4, required there by HL7): code, text, coding system. */
    code?: { value: string; meaning?: string; scheme?: string };
  };
}

const VERSION: Record<StatusMessageStyle, string> = { 'ORM^O01': '2.3.1', 'OMG^O19': '2.5.1', 'OMI^O23': '2.5.1' };
const MESSAGE_TYPE: Record<StatusMessageStyle, string> = { 'ORM^O01': 'ORM^O01', 'OMG^O19': 'OMG^O19^OMG_O19', 'OMI^O23': 'OMI^O23^OMI_O23' };
const d = DEFAULT_DELIMITERS;
const esc = (value: string | undefined): string => safeText(value ?? '', d);

/**
 * The text of one order status message (IHE RAD-3, mpps-and-status.md §4), segments ended by CR.
 * Every value is escaped the way ACKs are (ack-safe-text.ts), so a `|` or `&` in a name stays data.
 */
export function buildOrderStatusMessage(input: OrderStatusInput): string {
  const { style } = input.destination;
  const segments = [msh(input), pid(input), orc(input)];
  if (style === 'OMI^O23') segments.push(segment('TQ1', ['1']));
  segments.push(obr(input));
  if (style === 'OMI^O23') segments.push(ipc(input));
  return segments.join('\r') + '\r';
}

function msh(input: OrderStatusInput): string {
  const dest = input.destination;
  const fields = [
    esc(input.ourApplication), esc(input.ourFacility), esc(dest.application), esc(dest.facility),
    formatHl7Timestamp(input.now, input.utcOffsetMinutes), '', MESSAGE_TYPE[dest.style], esc(input.controlId),
    'P', VERSION[dest.style], '', '', '', '', '', esc(dest.charset),
  ];
  return `MSH${d.field}${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.field}${joinFields(fields)}`;
}

/** PID-3 CX `id^^^namespace&universal&type^typeCode`; PID-5 XPN family^given^middle^suffix^prefix. */
function pid(input: OrderStatusInput): string {
  const idf = input.patient.identifier;
  const authority = trimTrailing([esc(idf.issuer), esc(idf.universalId), esc(idf.universalIdType)]).join(d.subcomponent);
  const cx = trimTrailing([esc(idf.id), '', '', authority, esc(idf.typeCode)]).join(d.component);
  const [family, given, middle, prefix, suffix] = (input.patient.name ?? '').split('^');
  const xpn = trimTrailing([family, given, middle, suffix, prefix].map(esc)).join(d.component);
  return segment('PID', ['1', '', cx, '', xpn]);
}

function orc(input: OrderStatusInput): string {
  const { order, status } = input;
  // ORC-9 date/time of transaction: when the status changed as far as this message knows.
  const when = formatHl7Timestamp(input.now, input.utcOffsetMinutes);
  return segment('ORC', [status.orderControl, ei(order.placerNumber), ei(order.fillerNumber), '', status.orderStatus, '', '', '', when]);
}

/** OBR-2/3 repeat ORC-2/3, OBR-4 the procedure code; before IPC existed (ORM, OMG) the accession travels in OBR-18. */
function obr(input: OrderStatusInput): string {
  const { order } = input;
  const code = input.procedure?.code;
  const service = code ? trimTrailing([esc(code.value), esc(code.meaning), esc(code.scheme)]).join(d.component) : '';
  const fields = ['1', ei(order.placerNumber), ei(order.fillerNumber), service];
  if (input.destination.style !== 'OMI^O23') fields.push(...Array<string>(13).fill(''), esc(order.accessionNumber));
  return segment('OBR', fields);
}

/** IPC-1 accession, IPC-2 requested procedure id, IPC-3 Study Instance UID, IPC-4 SPS id, IPC-5 modality. */
function ipc(input: OrderStatusInput): string {
  const p = input.procedure ?? {};
  return segment('IPC', [esc(input.order.accessionNumber), esc(p.requestedProcedureId), esc(p.studyInstanceUid), esc(p.stepId), esc(p.modality)]);
}

function ei(n: AssignedNumber | undefined): string {
  if (!n) return '';
  return trimTrailing([esc(n.id), esc(n.namespace), esc(n.universalId), esc(n.universalIdType)]).join(d.component);
}

function segment(name: string, fields: string[]): string {
  const joined = joinFields(fields);
  return joined === '' ? name : `${name}${d.field}${joined}`;
}

function joinFields(fields: string[]): string {
  return trimTrailing(fields).join(d.field);
}

function trimTrailing(parts: string[]): string[] {
  const out = [...parts];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}
