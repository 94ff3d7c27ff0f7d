import { aeField, ascii, associateRq, commandSet, CommandSpec, dimseMessage, element, item, pdu, Pdu, pdv, presentationContext, PresentationContextSpec, sequence, tag, text, Uid, userInformation } from './dicom-bytes';
import { Rng } from './rng';

/** The second half of a case, built once the AC says which contexts and Maximum Length we got. */
export interface Exchange {
  labels: string[];
  bytes: Buffer;
  messageId: number;
  /** 'final': a valid or identifier-only case, which must get a final DIMSE status (or an A-ABORT) before we release. */
  expect: 'final' | 'any';
  /** The status a valid message must get; undefined when any final status will do. */
  status?: number;
}

export interface DicomCase {
  index: number;
  labels: string[];
  associate: Buffer;
  /** An unmutated A-ASSOCIATE-RQ: it must be accepted. */
  validAssociate: boolean;
  exchange?: (accepted: Map<number, string>, maxLength: number) => Exchange;
}

const CONTEXTS: PresentationContextSpec[] = [
  { id: 1, abstractSyntax: Uid.Verification, transferSyntaxes: [Uid.ExplicitLE, Uid.ImplicitLE] },
  { id: 3, abstractSyntax: Uid.MwlFind, transferSyntaxes: [Uid.ExplicitLE, Uid.ImplicitLE] },
  { id: 5, abstractSyntax: Uid.MwlFind, transferSyntaxes: [Uid.ImplicitLE] },
  { id: 7, abstractSyntax: Uid.Mpps, transferSyntaxes: [Uid.ExplicitLE] },
];

const AE_TITLES = ['', ' ', 'radflow', 'RADFLOW ', ' RADFLOW', 'WRONG', 'RADFLOWRADFLOWXX', '\\\\\\', 'RAD\0FLOW', 'ÄÖÜ', '\x1b$B', '*', 'RADFLOW\\X'];

interface RqParts {
  protocolVersion: number;
  called: Buffer;
  calling: Buffer;
  appContext: Buffer;
  contexts: Buffer[];
  userInfo: Buffer;
  extra: Buffer[];
  lengthDelta: number;
  /** What `contexts` proposes, while we still know it (null once raw bytes were damaged). */
  proposed: PresentationContextSpec[] | null;
}

const validParts = (rng: Rng): RqParts => ({
  protocolVersion: 1,
  called: ascii('RADFLOW'),
  calling: ascii(rng.pick(['CT01', 'MR01', 'FUZZSCU'])),
  appContext: item(0x10, ascii(Uid.AppContext)),
  contexts: CONTEXTS.map(presentationContext),
  userInfo: userInformation(rng.pick([16384, 65536, 0, 32768])),
  extra: [],
  lengthDelta: 0,
  proposed: CONTEXTS,
});

/** Sets the proposed contexts and their bytes together. */
function propose(p: RqParts, pcs: PresentationContextSpec[]): void {
  p.contexts = pcs.map(presentationContext);
  // With a repeated id, which proposal an answer belongs to is the server's choice.
  p.proposed = new Set(pcs.map((pc) => pc.id)).size === pcs.length ? pcs : null;
}

/** Structured A-ASSOCIATE-RQ mutations: each rewrites one part. */
const RQ_MUTATORS: Record<string, (rng: Rng, p: RqParts) => void> = {
  calledAe: (rng, p) => (p.called = ascii(rng.pick(AE_TITLES))),
  callingAe: (rng, p) => (p.calling = rng.chance(0.5) ? ascii(rng.pick(AE_TITLES)) : rng.bytes(16)),
  protocolVersion: (rng, p) => (p.protocolVersion = rng.pick([0, 2, 3, 0x8001, 0xffff])),
  appContext: (rng, p) => (p.appContext = rng.pick([Buffer.alloc(0), item(0x10, ascii('1.2.3.4')), item(0x10, Buffer.alloc(0)), item(0x10, ascii('9'.repeat(65000))), item(0x10, ascii(Uid.AppContext), rng.int(-4, 4))])),
  noContexts: (_rng, p) => propose(p, []),
  contextIds: (rng, p) => propose(p, CONTEXTS.map((pc) => ({ ...pc, id: rng.pick([0, 2, 255, 1, 1]) }))),
  unknownSyntaxes: (rng, p) => propose(p, [{ id: 9, abstractSyntax: rng.pick(['1.2.3', '', '1.2.840.10008.5.1.4.1.2.2.1', 'x'.repeat(200)]), transferSyntaxes: [rng.pick(['1.2.840.10008.1.2.2', '1.2.840.10008.1.2.4.50', '', Uid.ExplicitLE])] }, ...CONTEXTS.slice(0, rng.int(0, 4))]),
  noTransferSyntax: (_rng, p) => propose(p, CONTEXTS.map((pc) => ({ ...pc, transferSyntaxes: [] }))),
  manyContexts: (rng, p) => propose(p, Array.from({ length: rng.int(100, 300) }, (_, i) => ({ id: (2 * i + 1) & 0xff, abstractSyntax: rng.pick([Uid.MwlFind, Uid.Verification, '1.2.3']), transferSyntaxes: Array.from({ length: rng.int(1, 8) }, () => rng.pick([Uid.ExplicitLE, Uid.ImplicitLE, '1.2.840.10008.1.2.2'])) }))),
  contextItemLength: (rng, p) => {
    p.proposed = null;
    if (p.contexts.length === 0) return; // an earlier mutation left no context item to damage
    const i = rng.int(0, p.contexts.length - 1);
    const c = Buffer.from(p.contexts[i]);
    c.writeUInt16BE((c.readUInt16BE(2) + rng.pick([-8, -1, 1, 3, 200, 60000])) & 0xffff, 2);
    p.contexts[i] = c;
  },
  wrongItemType: (rng, p) => p.extra.push(item(rng.pick([0x00, 0x11, 0x21, 0x30, 0x40, 0x51, 0x7f, 0xff]), rng.bytes(rng.int(0, 40)))),
  userInfo: (rng, p) =>
    (p.userInfo = rng.pick([
      Buffer.alloc(0),
      userInformation(rng.pick([1, 2, 7, 8, 0xffffffff])),
      item(0x50, item(0x51, Buffer.from([0, 1, 0]))),
      userInformation(16384, 'x'.repeat(70)),
      userInformation(16384, undefined, [item(0x54, Buffer.from([0, 200, 1, 1])), item(0x53, Buffer.from([0, 0, 0, 0])), item(0x58, rng.bytes(20)), item(0x56, rng.bytes(10)), item(0x55, ascii('V'.repeat(40)))]),
      item(0x50, rng.bytes(rng.int(1, 60))),
    ])),
  pduLength: (rng, p) => (p.lengthDelta = rng.pick([-70, -10, -1, 1, 100, 2_000_000])),
};

function encodeRq(p: RqParts): Buffer {
  return associateRq({ protocolVersion: p.protocolVersion, called: aeField(p.called), calling: aeField(p.calling), items: [p.appContext, ...p.contexts, ...p.extra, p.userInfo], lengthDelta: p.lengthDelta });
}

/** Byte-level damage to an encoded PDU. */
function damage(rng: Rng, bytes: Buffer): Buffer {
  const kind = rng.pick(['flip', 'truncate', 'insert']);
  if (kind === 'truncate') return bytes.subarray(0, rng.int(0, bytes.length - 1));
  if (kind === 'insert') {
    const at = rng.int(0, bytes.length);
    return Buffer.concat([bytes.subarray(0, at), rng.bytes(rng.int(1, 32)), bytes.subarray(at)]);
  }
  const out = Buffer.from(bytes);
  for (let k = rng.int(1, 6); k > 0; k--) out[rng.int(0, out.length - 1)] ^= 1 << rng.int(0, 7);
  return out;
}

/** A PDU other than A-ASSOCIATE-RQ where one is due. */
const WRONG_FIRST_PDUS: ((rng: Rng) => Buffer)[] = [
  () => pdu(Pdu.PData, pdv({ contextId: 1, command: true, last: true, data: commandSet({ commandField: 0x0030, messageId: 1, affectedSopClassUid: Uid.Verification, dataSetType: 0x0101 }) })),
  () => pdu(Pdu.ReleaseRq, Buffer.alloc(4)),
  () => pdu(Pdu.Abort, Buffer.alloc(4)),
  () => pdu(Pdu.AssociateAc, Buffer.alloc(68)),
  (rng) => pdu(rng.pick([0x00, 0x08, 0x09, 0x7f, 0xff]), rng.bytes(rng.int(0, 64))),
  () => pdu(Pdu.ReleaseRp, Buffer.alloc(3)),
  () => Buffer.from([Pdu.AssociateRq, 0, 0xff, 0xff, 0xff, 0xff]),
  (rng) => rng.bytes(rng.int(1, 200)),
];

// ---- C-FIND identifiers ----------------------------------------------------------------------

const CHARSET_TERMS = ['', 'ISO_IR 192', 'ISO_IR 100', 'ISO_IR 6', '\\ISO 2022 IR 87', 'ISO 2022 IR 87', 'ISO_IR 13\\ISO 2022 IR 87', 'ISO 2022 IR 6\\ISO 2022 IR 100', 'GB18030', 'GBK', 'ISO_IR 999', 'ISO_IR 192\\ISO_IR 100', 'iso_ir 100', '\\\\\\\\', 'ISO_IR 144', 'ISO_IR 126', 'ISO_IR 138', 'ISO_IR 166', 'X'.repeat(64)];
const NAME_KEYS = ['', '*', 'TEST*', 'T?STPERSON*', 'Müller*', '大谷*', '*^*', '"', '\\'.repeat(50), 'A'.repeat(64), '=大谷', 'Ōtani^Shoko=大谷^翔子'];
const DATE_KEYS = ['', '20261124', '20261101-20261130', '-20261231', '2026-', '-', '20261301', '2026112', 'A-B', '20261124\\20261125'];

interface IdentifierOptions {
  explicit: boolean;
  charset?: string | Buffer;
  name?: Buffer;
  deep?: number;
  undefinedLengths?: boolean;
  extra?: Buffer[];
  /** Every matching key empty: the whole worklist comes back, in the caller's repertoire. */
  broad?: boolean;
}

/** A Modality Worklist query: the usual return keys, some matching keys, a Scheduled Procedure Step item. */
function mwlIdentifier(rng: Rng, o: IdentifierOptions): Buffer {
  const e = o.explicit;
  const pick = (values: string[]): string => (o.broad ? '' : rng.pick(values));
  const str = (g: number, el: number, vr: string, v: string | Buffer): Buffer => element(tag(g, el), vr, text(v, vr), e);
  const sps = Buffer.concat([
    str(0x0008, 0x0060, 'CS', pick(['', 'CT', 'MR', 'CT\\MR'])),
    str(0x0040, 0x0001, 'AE', pick(['', 'CT01', 'MR_3T', '*'])),
    str(0x0040, 0x0002, 'DA', pick(DATE_KEYS)),
    str(0x0040, 0x0003, 'TM', pick(['', '0800-1200', '2500', '-'])),
    str(0x0040, 0x0007, 'LO', ''),
    str(0x0040, 0x0009, 'SH', ''),
    ...(o.deep ? [nested(rng, o.deep, e, !!o.undefinedLengths)] : []),
  ]);
  const parts = [
    o.charset !== undefined ? element(tag(0x0008, 0x0005), 'CS', text(o.charset, 'CS'), e) : Buffer.alloc(0),
    str(0x0008, 0x0050, 'SH', ''),
    element(tag(0x0010, 0x0010), 'PN', text(o.name ?? Buffer.from(rng.pick(NAME_KEYS), 'utf8'), 'PN'), e),
    str(0x0010, 0x0020, 'LO', pick(['', 'PF1-0', 'P*'])),
    str(0x0010, 0x0030, 'DA', ''),
    str(0x0010, 0x0040, 'CS', ''),
    str(0x0020, 0x000d, 'UI', pick(['', '1.2.3', '1.2.3\\'.repeat(rng.int(1, 2000)) + '4'])),
    str(0x0032, 0x1060, 'LO', ''),
    sequence(tag(0x0040, 0x0100), [sps], e, !!o.undefinedLengths),
    str(0x0040, 0x1001, 'SH', ''),
    ...(o.extra ?? []),
  ];
  return Buffer.concat(parts);
}

/** Sequences inside sequences, `depth` levels (the decoder allows 16). */
function nested(rng: Rng, depth: number, explicit: boolean, undefinedLength: boolean): Buffer {
  let inner = element(tag(0x0008, 0x0100), 'SH', text('X', 'SH'), explicit);
  for (let d = 0; d < depth; d++) inner = sequence(tag(0x0040, 0x0008), [inner], explicit, undefinedLength && rng.chance(0.7));
  return inner;
}

/** Identifier mutations: name → builder of a damaged identifier. */
const IDENTIFIER_MUTATORS: Record<string, (rng: Rng, explicit: boolean) => Buffer> = {
  badCharset: (rng, e) => mwlIdentifier(rng, { explicit: e, charset: rng.chance(0.8) ? rng.pick(CHARSET_TERMS) : rng.bytes(rng.int(1, 20)) }),
  badNameBytes: (rng, e) => mwlIdentifier(rng, { explicit: e, charset: rng.pick(CHARSET_TERMS), name: rng.pick([Buffer.from([0xff, 0xfe, 0x80]), Buffer.from([0x1b, 0x24, 0x42, 0x30]), Buffer.from([0xc3, 0x28]), Buffer.from('\x1b(J\x1b$)C', 'latin1'), rng.bytes(rng.int(1, 64))]) }),
  hugeValue: (rng, e) => mwlIdentifier(rng, { explicit: e, name: Buffer.from('A'.repeat(rng.pick([1000, 20000, 65534])) + '*'), extra: [element(tag(0x0040, 0x1400), 'LT', text('x'.repeat(rng.int(10_000, 1_000_000)), 'LT'), e)] }),
  deepNesting: (rng, e) => mwlIdentifier(rng, { explicit: e, deep: rng.pick([3, 15, 16, 17, 40, 200]), undefinedLengths: rng.chance(0.5) }),
  undefinedLengths: (rng, e) => mwlIdentifier(rng, { explicit: e, undefinedLengths: true }),
  badVr: (rng, e) => mwlIdentifier(rng, { explicit: e, extra: [element(tag(0x0040, 0x1002), 'LO', text('reason', 'LO'), e, { vrBytes: rng.pick([ascii('ZZ'), Buffer.from([0, 0]), ascii('lo'), ascii('SQ'), ascii('UN'), ascii('US'), ascii('OB')]) })] }),
  badLength: (rng, e) => {
    const value = text('SOMEVALUE', 'LO');
    return mwlIdentifier(rng, { explicit: e, extra: [element(tag(0x0040, 0x1003), 'SH', value, e, { length: rng.pick([value.length + 1, value.length + 1000, value.length - 3, 0xffff, 0xffffffff, 3]) })] });
  },
  oddLength: (rng, e) => mwlIdentifier(rng, { explicit: e, extra: [element(tag(0x0040, 0x1004), 'LO', ascii('ODD'), e), element(tag(0x0028, 0x0010), 'US', Buffer.from([1, 2, 3]), e)] }),
  wrongVrForTag: (rng, e) => mwlIdentifier(rng, { explicit: e, extra: [element(tag(0x0040, 0x0100 + 1), 'US', Buffer.from([1, 0]), e), element(tag(0x0040, 0x1001 + 0x100), 'SQ', rng.bytes(16), e)] }),
  delimiterAtTop: (rng, e) => Buffer.concat([mwlIdentifier(rng, { explicit: e }), Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]), Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])]),
  truncated: (rng, e) => {
    const b = mwlIdentifier(rng, { explicit: e });
    return b.subarray(0, rng.int(1, b.length - 1));
  },
  bitFlips: (rng, e) => {
    const b = Buffer.from(mwlIdentifier(rng, { explicit: e }));
    for (let k = rng.int(1, 10); k > 0; k--) b[rng.int(0, b.length - 1)] ^= 1 << rng.int(0, 7);
    return b;
  },
  privateAndGroupLength: (rng, e) => Buffer.concat([element(tag(0x0008, 0x0000), 'UL', Buffer.from([4, 0, 0, 0]), e), mwlIdentifier(rng, { explicit: e }), element(tag(0x0029, 0x0010), 'LO', text('FUZZ', 'LO'), e), element(tag(0x0029, 0x1001), 'UN', rng.bytes(64), e)]),
  empty: () => Buffer.alloc(0),
  randomBytes: (rng) => rng.bytes(rng.int(1, 400)),
};

const COMMAND_MUTATORS: Record<string, (rng: Rng, base: CommandSpec) => CommandSpec> = {
  groupLength: (rng, c) => ({ ...c, groupLength: rng.pick([0, 1, 0xffffffff, null, 7]) }),
  commandField: (rng, c) => ({ ...c, commandField: rng.pick([0x0001, 0x0010, 0x0021, 0x0110, 0x0130, 0x0150, 0x8020, 0x8030, 0x0fff, 0xffff, 0x0000]) }),
  noCommandField: (_rng, c) => ({ ...c, commandField: undefined }),
  affectedSop: (rng, c) => ({ ...c, affectedSopClassUid: rng.pick([undefined, '', '1.2.3', Uid.Verification, Uid.Mpps, 'x'.repeat(64)]) }),
  noMessageId: (_rng, c) => ({ ...c, messageId: undefined }),
  dataSetType: (rng, c) => ({ ...c, dataSetType: rng.pick([0x0101, 0x0000, 0x0102, undefined]) }),
  priority: (rng, c) => ({ ...c, priority: rng.pick([3, 0xffff]) }),
};

/** PDV/PDU-level damage to one encoded DIMSE message. */
const PDV_ATTACKS: Record<string, (rng: Rng, ctx: number, command: Buffer, dataset: Buffer, maxBody: number) => Buffer> = {
  unacceptedContext: (rng, _ctx, command, dataset, maxBody) => dimseMessage(rng.pick([2, 9, 255, 0]), command, dataset, maxBody),
  datasetFirst: (_rng, ctx, command, dataset) => Buffer.concat([pdu(Pdu.PData, pdv({ contextId: ctx, command: false, last: true, data: dataset })), pdu(Pdu.PData, pdv({ contextId: ctx, command: true, last: true, data: command }))]),
  neverLast: (_rng, ctx, command) => pdu(Pdu.PData, pdv({ contextId: ctx, command: true, last: false, data: command })),
  pdvLength: (rng, ctx, command, dataset) => pdu(Pdu.PData, Buffer.concat([pdv({ contextId: ctx, command: true, last: true, data: command, lengthDelta: rng.pick([-2, -1, 1, 5, -100]) }), pdv({ contextId: ctx, command: false, last: true, data: dataset })])),
  emptyPData: () => pdu(Pdu.PData, Buffer.alloc(0)),
  pduLength: (rng, ctx, command, dataset, maxBody) => {
    const b = Buffer.from(dimseMessage(ctx, command, dataset, maxBody));
    b.writeUInt32BE((b.readUInt32BE(2) + rng.pick([-1, 1, 10, 70000, 0x7fffffff])) >>> 0, 2);
    return b;
  },
  contextSwitch: (_rng, ctx, command, dataset) => Buffer.concat([pdu(Pdu.PData, pdv({ contextId: ctx, command: true, last: true, data: command })), pdu(Pdu.PData, pdv({ contextId: ctx === 1 ? 3 : 1, command: false, last: true, data: dataset }))]),
  tinyFragments: (_rng, ctx, command, dataset) => dimseMessage(ctx, command, dataset, 8),
  unexpectedPdu: (rng, ctx, command, dataset, maxBody) => Buffer.concat([dimseMessage(ctx, command, dataset, maxBody).subarray(0, 20), pdu(rng.pick([Pdu.AssociateRq, Pdu.AssociateAc, Pdu.AssociateRj, 0x09]), Buffer.alloc(4))]),
};

export function dicomCase(seed: number, index: number): DicomCase {
  const rng = Rng.forCase(seed, 'dicom', index);
  const labels: string[] = [];
  const shape = rng.weighted([[55, 'valid'], [25, 'structured'], [12, 'damaged'], [8, 'wrongFirst']] as const);
  let associate: Buffer;
  let proposed: PresentationContextSpec[] | null = null;
  if (shape === 'wrongFirst') {
    associate = rng.pick(WRONG_FIRST_PDUS)(rng);
    labels.push('rq:wrongFirstPdu');
  } else {
    const parts = validParts(rng);
    if (shape === 'structured') for (let k = rng.int(1, 2); k > 0; k--) {
      const m = rng.pick(Object.keys(RQ_MUTATORS));
      labels.push(`rq:${m}`);
      RQ_MUTATORS[m](rng, parts);
    }
    associate = encodeRq(parts);
    if (shape === 'damaged') {
      labels.push('rq:damaged');
      associate = damage(rng, associate);
      parts.proposed = null;
    }
    if (shape === 'valid') labels.push('rq:valid');
    proposed = parts.proposed;
  }
  const exchangeSeed = rng.int(0, 2 ** 31);
  const ex = (accepted: Map<number, string>, maxLength: number): Exchange => {
    const e = exchange(new Rng(exchangeSeed), proposed ?? CONTEXTS, accepted, maxLength);
    // Without knowing what each accepted id stands for, no particular answer can be asked for.
    return proposed ? e : { ...e, expect: 'any', status: undefined };
  };
  return { index, labels, associate, validAssociate: shape === 'valid', exchange: ex };
}

function exchange(rng: Rng, proposed: PresentationContextSpec[], accepted: Map<number, string>, maxLength: number): Exchange {
  const contextFor = (abstract: string): [number, boolean] | undefined => {
    const usable = proposed.filter((c) => c.abstractSyntax === abstract && accepted.has(c.id));
    const id = usable.length ? rng.pick(usable).id : undefined;
    return id === undefined ? undefined : [id, accepted.get(id) === Uid.ExplicitLE];
  };
  const messageId = rng.int(1, 0xfffe);
  const kind = rng.weighted([[10, 'echo'], [20, 'find'], [35, 'identifier'], [12, 'command'], [15, 'pdv'], [4, 'cancel'], [4, 'unsupported']] as const);
  const echo = contextFor(Uid.Verification);
  const find = contextFor(Uid.MwlFind);
  if (kind === 'echo' || !find) {
    const [ctx] = echo ?? [1];
    return { labels: ['echo'], bytes: dimseMessage(ctx, commandSet({ commandField: 0x0030, messageId, affectedSopClassUid: Uid.Verification, dataSetType: 0x0101 }), undefined, maxLength), messageId, expect: echo ? 'final' : 'any', status: echo ? 0x0000 : undefined };
  }
  const [ctx, explicit] = find;
  const base: CommandSpec = { commandField: 0x0020, messageId, affectedSopClassUid: Uid.MwlFind, priority: 0, dataSetType: 0x0000 };
  const charset = rng.pick(['', 'ISO_IR 192', 'ISO_IR 100', '\\ISO 2022 IR 87']);
  const validIdentifier = (): Buffer => mwlIdentifier(rng, { explicit, charset: charset || undefined, name: Buffer.from(rng.pick(['', '*', 'TEST*']), 'utf8'), broad: rng.chance(0.5) });
  if (kind === 'find') return { labels: ['find:valid'], bytes: dimseMessage(ctx, commandSet(base), validIdentifier(), maxLength), messageId, expect: 'final' };
  if (kind === 'identifier') {
    const m = rng.pick(Object.keys(IDENTIFIER_MUTATORS));
    return { labels: [`identifier:${m}`], bytes: dimseMessage(ctx, commandSet(base), IDENTIFIER_MUTATORS[m](rng, explicit), maxLength), messageId, expect: 'final' };
  }
  if (kind === 'command') {
    const m = rng.pick(Object.keys(COMMAND_MUTATORS));
    const spec = COMMAND_MUTATORS[m](rng, base);
    const withDataset = spec.dataSetType !== 0x0101 || rng.chance(0.5);
    return { labels: [`command:${m}`], bytes: dimseMessage(ctx, commandSet(spec), withDataset ? validIdentifier() : undefined, maxLength), messageId, expect: 'any' };
  }
  if (kind === 'pdv') {
    const m = rng.pick(Object.keys(PDV_ATTACKS));
    return { labels: [`pdv:${m}`], bytes: PDV_ATTACKS[m](rng, ctx, commandSet(base), validIdentifier(), maxLength), messageId, expect: 'any' };
  }
  if (kind === 'cancel') {
    const cancel = dimseMessage(ctx, commandSet({ commandField: 0x0fff, messageIdBeingRespondedTo: messageId, dataSetType: 0x0101 }), undefined, maxLength);
    return { labels: ['find:cancel'], bytes: Buffer.concat([dimseMessage(ctx, commandSet(base), validIdentifier(), maxLength), cancel]), messageId, expect: 'final' };
  }
  return { labels: ['unsupported'], bytes: dimseMessage(ctx, commandSet({ ...base, commandField: rng.pick([0x0001, 0x0010, 0x0021, 0x0110]), dataSetType: 0x0101 }), undefined, maxLength), messageId, expect: 'final' };
}
