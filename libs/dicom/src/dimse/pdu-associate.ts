import { AbortReason, PduError, PduType, withHeader } from './pdu.constants';

/** PS3.8 9.3.2.2: one proposed presentation context. */
export interface PresentationContextProposal {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}
/** PS3.8 9.3.3.2: result 0 acceptance, 1 user-rejection, 2 no-reason, 3 abstract syntax / 4 transfer syntaxes not supported. */
export interface PresentationContextResult {
  id: number;
  result: number;
  transferSyntax: string;
}
/** PS3.7 D.3.3.4: SCP/SCU Role Selection sub-item. */
export interface RoleSelection {
  sopClassUid: string;
  scu: boolean;
  scp: boolean;
}
/**
 * PS3.7 D.3.3.5: SOP Class Extended Negotiation sub-item (0x56), the same layout in the RQ and the
 * AC. What the application information bytes mean is up to the service class (see
 * extended-negotiation.ts for C-FIND).
 */
export interface SopClassExtendedNegotiation {
  sopClassUid: string;
  applicationInfo: Buffer;
}
/** PS3.8 Annex D and PS3.7 Annex D.3.3 user information sub-items we read; others are skipped. */
export interface UserInformation {
  /** Maximum Length Received (0x51); 0 = no limit. */
  maxLength: number;
  implementationClassUid: string;
  implementationVersionName?: string;
  asyncOperations?: { invoked: number; performed: number };
  roleSelections: RoleSelection[];
  /** Absent or empty: none offered (RQ) or none answered (AC). */
  extendedNegotiations?: SopClassExtendedNegotiation[];
}
interface AssociateCommon {
  protocolVersion: number;
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContext: string;
  userInformation: UserInformation;
}
export interface AssociateRqPdu extends AssociateCommon {
  type: typeof PduType.AssociateRq;
  presentationContexts: PresentationContextProposal[];
}
export interface AssociateAcPdu extends AssociateCommon {
  type: typeof PduType.AssociateAc;
  presentationContexts: PresentationContextResult[];
}

const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsyncOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  SopClassExtendedNegotiation: 0x56,
} as const;
const FIXED_FIELDS = 68;

interface Item {
  type: number;
  value: Buffer;
}

function* items(buf: Buffer, start = 0): Generator<Item> {
  let pos = start;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) throw new PduError(AbortReason.InvalidPduParameterValue, 'truncated item header');
    const length = buf.readUInt16BE(pos + 2);
    if (pos + 4 + length > buf.length) throw new PduError(AbortReason.InvalidPduParameterValue, `item 0x${buf[pos].toString(16)} overruns its PDU`);
    yield { type: buf[pos], value: buf.subarray(pos + 4, pos + 4 + length) };
    pos += 4 + length;
  }
}

/** UIDs should not be padded in items (PS3.8 Annex F) but some peers add a NUL or space. */
const uid = (b: Buffer): string => b.toString('latin1').replace(/[\0 ]+$/, '');
const aeTitle = (b: Buffer): string => b.toString('latin1').trim();

export function decodeAssociate(type: typeof PduType.AssociateRq | typeof PduType.AssociateAc, body: Buffer): AssociateRqPdu | AssociateAcPdu {
  if (body.length < FIXED_FIELDS) throw new PduError(AbortReason.InvalidPduParameterValue, 'A-ASSOCIATE shorter than its fixed fields');
  const common: AssociateCommon = {
    protocolVersion: body.readUInt16BE(0),
    calledAeTitle: aeTitle(body.subarray(4, 20)),
    callingAeTitle: aeTitle(body.subarray(20, 36)),
    applicationContext: '',
    userInformation: { maxLength: 0, implementationClassUid: '', roleSelections: [] },
  };
  const proposals: PresentationContextProposal[] = [];
  const results: PresentationContextResult[] = [];
  const expected = type === PduType.AssociateRq ? ItemType.PresentationContextRq : ItemType.PresentationContextAc;
  for (const item of items(body, FIXED_FIELDS)) {
    if (item.type === ItemType.ApplicationContext) common.applicationContext = uid(item.value);
    else if (item.type === ItemType.UserInformation) common.userInformation = decodeUserInformation(item.value);
    else if (item.type === ItemType.PresentationContextRq || item.type === ItemType.PresentationContextAc) {
      if (item.type !== expected) throw new PduError(AbortReason.UnexpectedPduParameter, `presentation context item 0x${item.type.toString(16)} in the wrong PDU`);
      if (item.value.length < 4) throw new PduError(AbortReason.InvalidPduParameterValue, 'short presentation context item');
      const sub = Array.from(items(item.value, 4));
      const syntaxes = sub.filter((s) => s.type === ItemType.TransferSyntax).map((s) => uid(s.value));
      if (type === PduType.AssociateRq) {
        const abstract = sub.find((s) => s.type === ItemType.AbstractSyntax);
        proposals.push({ id: item.value[0], abstractSyntax: abstract ? uid(abstract.value) : '', transferSyntaxes: syntaxes });
      } else {
        results.push({ id: item.value[0], result: item.value[2], transferSyntax: syntaxes[0] ?? '' });
      }
    }
    // Unknown item types are skipped: later editions may add items and the standard lets us ignore them.
  }
  return type === PduType.AssociateRq ? { type, ...common, presentationContexts: proposals } : { type, ...common, presentationContexts: results };
}

function decodeUserInformation(buf: Buffer): UserInformation {
  const info: UserInformation = { maxLength: 0, implementationClassUid: '', roleSelections: [] };
  for (const sub of items(buf)) {
    const v = sub.value;
    if (sub.type === ItemType.MaximumLength && v.length === 4) info.maxLength = v.readUInt32BE(0);
    else if (sub.type === ItemType.ImplementationClassUid) info.implementationClassUid = uid(v);
    else if (sub.type === ItemType.ImplementationVersionName) info.implementationVersionName = aeTitle(v);
    else if (sub.type === ItemType.AsyncOperationsWindow && v.length === 4) info.asyncOperations = { invoked: v.readUInt16BE(0), performed: v.readUInt16BE(2) };
    else if (sub.type === ItemType.RoleSelection && v.length >= 4) {
      const n = v.readUInt16BE(0);
      if (2 + n + 2 <= v.length) info.roleSelections.push({ sopClassUid: uid(v.subarray(2, 2 + n)), scu: v[2 + n] === 1, scp: v[3 + n] === 1 });
    }
    else if (sub.type === ItemType.SopClassExtendedNegotiation && v.length >= 2) {
      const n = v.readUInt16BE(0);
      if (2 + n <= v.length) (info.extendedNegotiations ??= []).push({ sopClassUid: uid(v.subarray(2, 2 + n)), applicationInfo: Buffer.from(v.subarray(2 + n)) });
    }
    // Common extended negotiation (0x57) and user identity (0x58): not answered, which PS3.7 reads as "not supported".
  }
  return info;
}

function item(type: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + value.length);
  out[0] = type;
  out[1] = 0;
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

function aeField(title: string): Buffer {
  return ascii(title.slice(0, 16).padEnd(16, ' '));
}

function encodeUserInformation(info: UserInformation): Buffer {
  const max = Buffer.allocUnsafe(4);
  max.writeUInt32BE(info.maxLength >>> 0, 0);
  const subs = [item(ItemType.MaximumLength, max), item(ItemType.ImplementationClassUid, ascii(info.implementationClassUid))];
  if (info.asyncOperations) {
    const w = Buffer.allocUnsafe(4);
    w.writeUInt16BE(info.asyncOperations.invoked, 0);
    w.writeUInt16BE(info.asyncOperations.performed, 2);
    subs.push(item(ItemType.AsyncOperationsWindow, w));
  }
  for (const r of info.roleSelections) {
    const u = ascii(r.sopClassUid);
    const v = Buffer.alloc(4 + u.length);
    v.writeUInt16BE(u.length, 0);
    u.copy(v, 2);
    v[2 + u.length] = r.scu ? 1 : 0;
    v[3 + u.length] = r.scp ? 1 : 0;
    subs.push(item(ItemType.RoleSelection, v));
  }
  if (info.implementationVersionName) subs.push(item(ItemType.ImplementationVersionName, ascii(info.implementationVersionName.slice(0, 16))));
  // Sub-items in item-type order (0x51 … 0x56), as PS3.7 D.3.3 lists them.
  for (const e of info.extendedNegotiations ?? []) {
    const u = ascii(e.sopClassUid);
    const v = Buffer.alloc(2 + u.length);
    v.writeUInt16BE(u.length, 0);
    u.copy(v, 2);
    subs.push(item(ItemType.SopClassExtendedNegotiation, Buffer.concat([v, e.applicationInfo])));
  }
  return item(ItemType.UserInformation, Buffer.concat(subs));
}

export function encodeAssociate(pdu: AssociateRqPdu | AssociateAcPdu): Buffer {
  const fixed = Buffer.alloc(FIXED_FIELDS);
  fixed.writeUInt16BE(pdu.protocolVersion, 0);
  aeField(pdu.calledAeTitle).copy(fixed, 4);
  aeField(pdu.callingAeTitle).copy(fixed, 20);
  const parts = [fixed, item(ItemType.ApplicationContext, ascii(pdu.applicationContext))];
  if (pdu.type === PduType.AssociateRq) {
    for (const pc of pdu.presentationContexts) {
      const subs = [item(ItemType.AbstractSyntax, ascii(pc.abstractSyntax)), ...pc.transferSyntaxes.map((ts) => item(ItemType.TransferSyntax, ascii(ts)))];
      parts.push(item(ItemType.PresentationContextRq, Buffer.concat([Buffer.from([pc.id, 0, 0, 0]), ...subs])));
    }
  } else {
    for (const pc of pdu.presentationContexts) {
      parts.push(item(ItemType.PresentationContextAc, Buffer.concat([Buffer.from([pc.id, 0, pc.result, 0]), item(ItemType.TransferSyntax, ascii(pc.transferSyntax))])));
    }
  }
  parts.push(encodeUserInformation(pdu.userInformation));
  return withHeader(pdu.type, Buffer.concat(parts));
}
