/**
 * Our own byte writers for DICOM Upper Layer PDUs, command sets and data sets, so a case can put
 * any length, VR or item type on the wire, including ones the product's encoder would refuse.
 */

export const Pdu = { AssociateRq: 0x01, AssociateAc: 0x02, AssociateRj: 0x03, PData: 0x04, ReleaseRq: 0x05, ReleaseRp: 0x06, Abort: 0x07 } as const;
export const Uid = {
  AppContext: '1.2.840.10008.3.1.1.1',
  Verification: '1.2.840.10008.1.1',
  MwlFind: '1.2.840.10008.5.1.4.31',
  Mpps: '1.2.840.10008.3.1.2.3.3',
  ImplicitLE: '1.2.840.10008.1.2',
  ExplicitLE: '1.2.840.10008.1.2.1',
} as const;

const u16be = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
};
const u32be = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** PDU: type, reserved, 32-bit big-endian length (the body's, plus `lengthDelta`). */
export function pdu(type: number, body: Buffer, lengthDelta = 0): Buffer {
  return Buffer.concat([Buffer.from([type, 0]), u32be(body.length + lengthDelta), body]);
}

/** Variable item: type, reserved, 16-bit big-endian length. */
export function item(type: number, value: Buffer, lengthDelta = 0): Buffer {
  return Buffer.concat([Buffer.from([type, 0]), u16be(value.length + lengthDelta), value]);
}

export const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
export const aeField = (title: Buffer): Buffer => Buffer.concat([title, Buffer.alloc(16, 0x20)]).subarray(0, 16);

export interface PresentationContextSpec {
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export function presentationContext(pc: PresentationContextSpec): Buffer {
  return item(0x20, Buffer.concat([Buffer.from([pc.id, 0, 0, 0]), item(0x30, ascii(pc.abstractSyntax)), ...pc.transferSyntaxes.map((ts) => item(0x40, ascii(ts)))]));
}

export function userInformation(maxLength: number, implementationUid = '1.2.826.0.1.3680043.10.999.7', extra: Buffer[] = []): Buffer {
  return item(0x50, Buffer.concat([item(0x51, u32be(maxLength)), item(0x52, ascii(implementationUid)), ...extra]));
}

/** A-ASSOCIATE-RQ from its parts; every part is raw so a case can replace any of them. */
export function associateRq(parts: { protocolVersion?: number; called?: Buffer; calling?: Buffer; items: Buffer[]; lengthDelta?: number }): Buffer {
  const fixed = Buffer.concat([u16be(parts.protocolVersion ?? 1), Buffer.alloc(2), aeField(parts.called ?? ascii('RADFLOW')), aeField(parts.calling ?? ascii('FUZZSCU')), Buffer.alloc(32)]);
  return pdu(Pdu.AssociateRq, Buffer.concat([fixed, ...parts.items]), parts.lengthDelta);
}

export interface PdvSpec {
  contextId: number;
  command: boolean;
  last: boolean;
  data: Buffer;
  lengthDelta?: number;
}

export function pdv(p: PdvSpec): Buffer {
  return Buffer.concat([u32be(p.data.length + 2 + (p.lengthDelta ?? 0)), Buffer.from([p.contextId, (p.command ? 1 : 0) | (p.last ? 2 : 0)]), p.data]);
}

/** One DIMSE message as P-DATA-TF PDUs whose bodies fit `maxBody` (the peer's Maximum Length). */
export function dimseMessage(contextId: number, command: Buffer, dataset: Buffer | undefined, maxBody: number): Buffer {
  const fragment = Math.max(1, (maxBody > 0 ? Math.min(maxBody, 1 << 20) : 1 << 16) - 6);
  const out: Buffer[] = [];
  const split = (data: Buffer, isCommand: boolean): void => {
    for (let off = 0; off === 0 || off < data.length; off += fragment) {
      const end = Math.min(off + fragment, data.length);
      out.push(pdu(Pdu.PData, pdv({ contextId, command: isCommand, last: end === data.length, data: data.subarray(off, end) })));
      if (end === data.length) break;
    }
  };
  split(command, true);
  if (dataset) split(dataset, false);
  return Buffer.concat(out);
}

/** Tag as group << 16 | element. */
export const tag = (group: number, element: number): number => ((group << 16) | element) >>> 0;

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export interface ElementOptions {
  /** Raw VR bytes instead of `vr` (explicit VR only). */
  vrBytes?: Buffer;
  /** Length field value instead of the value's length. */
  length?: number;
}

/** One Little Endian data element, explicit or implicit VR. */
export function element(t: number, vr: string, value: Buffer, explicit: boolean, o: ElementOptions = {}): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(t >>> 16, 0);
  head.writeUInt16LE(t & 0xffff, 2);
  const length = o.length ?? value.length;
  if (!explicit) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(length >>> 0);
    return Buffer.concat([head, len, value]);
  }
  const vrBytes = o.vrBytes ?? ascii(vr);
  if (LONG_VRS.has(vrBytes.toString('latin1'))) {
    const len = Buffer.alloc(6);
    len.writeUInt32LE(length >>> 0, 2);
    return Buffer.concat([head, vrBytes, len, value]);
  }
  const len = Buffer.alloc(2);
  len.writeUInt16LE(length & 0xffff);
  return Buffer.concat([head, vrBytes, len, value]);
}

/** A string value padded to even length (space, or NUL for UI). */
export function text(value: string | Buffer, vr: string): Buffer {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return b.length % 2 === 0 ? b : Buffer.concat([b, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
}

const u16le = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n & 0xffff);
  return b;
};

/** An SQ element: defined-length items, or undefined lengths with their delimiters. */
export function sequence(t: number, items: Buffer[], explicit: boolean, undefinedLength: boolean): Buffer {
  const itemBytes = items.map((ds) => {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(0xfffe, 0);
    h.writeUInt16LE(0xe000, 2);
    h.writeUInt32LE(undefinedLength ? 0xffffffff : ds.length, 4);
    return Buffer.concat([h, ds, undefinedLength ? delimiter(0xe00d) : Buffer.alloc(0)]);
  });
  const body = Buffer.concat([...itemBytes, undefinedLength ? delimiter(0xe0dd) : Buffer.alloc(0)]);
  return element(t, 'SQ', body, explicit, undefinedLength ? { length: 0xffffffff } : {});
}

function delimiter(e: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(0xfffe, 0);
  b.writeUInt16LE(e, 2);
  return b;
}

export interface CommandSpec {
  commandField?: number;
  affectedSopClassUid?: string;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  priority?: number;
  dataSetType?: number;
  /** Group length value instead of the real one; null leaves (0000,0000) out. */
  groupLength?: number | null;
}

/** A command set: always Implicit VR Little Endian, group length first (PS3.7 6.3.1). */
export function commandSet(c: CommandSpec): Buffer {
  const els: Buffer[] = [];
  if (c.affectedSopClassUid !== undefined) els.push(element(tag(0, 0x0002), 'UI', text(c.affectedSopClassUid, 'UI'), false));
  if (c.commandField !== undefined) els.push(element(tag(0, 0x0100), 'US', u16le(c.commandField), false));
  if (c.messageId !== undefined) els.push(element(tag(0, 0x0110), 'US', u16le(c.messageId), false));
  if (c.messageIdBeingRespondedTo !== undefined) els.push(element(tag(0, 0x0120), 'US', u16le(c.messageIdBeingRespondedTo), false));
  if (c.priority !== undefined) els.push(element(tag(0, 0x0700), 'US', u16le(c.priority), false));
  if (c.dataSetType !== undefined) els.push(element(tag(0, 0x0800), 'US', u16le(c.dataSetType), false));
  const body = Buffer.concat(els);
  if (c.groupLength === null) return body;
  const gl = Buffer.alloc(4);
  gl.writeUInt32LE((c.groupLength ?? body.length) >>> 0);
  return Buffer.concat([element(tag(0, 0), 'UL', gl, false), body]);
}

/**
 * Walks PDU headers: how many whole PDUs `bytes` holds, or -1 when the last one is unfinished. Then
 * the server is owed bytes we will never send, so the case ends with our FIN rather than a release.
 */
export function pduCount(bytes: Buffer): number {
  let pos = 0;
  let n = 0;
  for (; pos + 6 <= bytes.length; n++) pos += 6 + bytes.readUInt32BE(pos + 2);
  return pos === bytes.length ? n : -1;
}
