import { decodeAssociate, encodeAssociate } from './pdu-associate';
import type { AssociateAcPdu, AssociateRqPdu } from './pdu-associate';
import { AbortReason, PDU_HEADER_LENGTH, PDV_HEADER_LENGTH, PduError, PduType, withHeader } from './pdu.constants';

export * from './pdu.constants';
export type { AssociateAcPdu, AssociateRqPdu, PresentationContextProposal, PresentationContextResult, RoleSelection, SopClassExtendedNegotiation, UserInformation } from './pdu-associate';

export interface AssociateRjPdu {
  type: typeof PduType.AssociateRj;
  result: number;
  source: number;
  reason: number;
}
/** One Presentation Data Value: a fragment of a command or data set (PS3.8 9.3.5.1, Annex E.2). */
export interface Pdv {
  contextId: number;
  command: boolean;
  last: boolean;
  data: Buffer;
}
export interface PDataTfPdu {
  type: typeof PduType.PDataTf;
  pdvs: Pdv[];
}
export interface ReleaseRqPdu {
  type: typeof PduType.ReleaseRq;
}
export interface ReleaseRpPdu {
  type: typeof PduType.ReleaseRp;
}
export interface AbortPdu {
  type: typeof PduType.Abort;
  source: number;
  reason: number;
}
export type Pdu = AssociateRqPdu | AssociateAcPdu | AssociateRjPdu | PDataTfPdu | ReleaseRqPdu | ReleaseRpPdu | AbortPdu;

/** Decodes the variable part of one PDU, already framed by `PduReader`. */
export function decodePdu(type: number, body: Buffer): Pdu {
  switch (type) {
    case PduType.AssociateRq:
    case PduType.AssociateAc:
      return decodeAssociate(type, body);
    case PduType.AssociateRj:
      fixed(body, 4);
      return { type, result: body[1], source: body[2], reason: body[3] };
    case PduType.PDataTf:
      return { type, pdvs: decodePdvs(body) };
    case PduType.ReleaseRq:
    case PduType.ReleaseRp:
      fixed(body, 4);
      return { type };
    case PduType.Abort:
      fixed(body, 4);
      return { type, source: body[2], reason: body[3] };
    default:
      throw new PduError(AbortReason.UnrecognizedPdu, `unrecognized PDU type 0x${type.toString(16)}`);
  }
}

function fixed(body: Buffer, length: number): void {
  if (body.length !== length) throw new PduError(AbortReason.InvalidPduParameterValue, `PDU length ${body.length}, expected ${length}`);
}

function decodePdvs(body: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  let pos = 0;
  while (pos < body.length) {
    if (pos + 6 > body.length) throw new PduError(AbortReason.InvalidPduParameterValue, 'truncated PDV item');
    const length = body.readUInt32BE(pos);
    // The item length counts the context id and control header; a fragment may be empty.
    if (length < 2 || pos + 4 + length > body.length) throw new PduError(AbortReason.InvalidPduParameterValue, `PDV item length ${length} out of range`);
    const control = body[pos + 5];
    pdvs.push({ contextId: body[pos + 4], command: (control & 1) === 1, last: (control & 2) === 2, data: body.subarray(pos + 6, pos + 4 + length) });
    pos += 4 + length;
  }
  if (pdvs.length === 0) throw new PduError(AbortReason.InvalidPduParameterValue, 'P-DATA-TF without PDV items');
  return pdvs;
}

export function encodePdu(pdu: Pdu): Buffer {
  switch (pdu.type) {
    case PduType.AssociateRq:
    case PduType.AssociateAc:
      return encodeAssociate(pdu);
    case PduType.AssociateRj:
      return withHeader(pdu.type, Buffer.from([0, pdu.result, pdu.source, pdu.reason]));
    case PduType.PDataTf:
      return encodePData(pdu.pdvs);
    case PduType.ReleaseRq:
    case PduType.ReleaseRp:
      return withHeader(pdu.type, Buffer.alloc(4));
    case PduType.Abort:
      return withHeader(pdu.type, Buffer.from([0, 0, pdu.source, pdu.reason]));
  }
}

export function encodePData(pdvs: readonly Pdv[]): Buffer {
  const bodyLength = pdvs.reduce((n, p) => n + PDV_HEADER_LENGTH + p.data.length, 0);
  const out = Buffer.allocUnsafe(PDU_HEADER_LENGTH + bodyLength);
  out[0] = PduType.PDataTf;
  out[1] = 0;
  out.writeUInt32BE(bodyLength, 2);
  let pos = PDU_HEADER_LENGTH;
  for (const p of pdvs) {
    out.writeUInt32BE(p.data.length + 2, pos);
    out[pos + 4] = p.contextId;
    out[pos + 5] = (p.command ? 1 : 0) | (p.last ? 2 : 0);
    p.data.copy(out, pos + 6);
    pos += PDV_HEADER_LENGTH + p.data.length;
  }
  return out;
}
