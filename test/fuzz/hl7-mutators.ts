import { Rng } from './rng';

/**
 * Byte- and structure-level mutations of one HL7 payload. Structural ones read the bytes as
 * Latin-1, which maps every byte to one char and back, so UTF-8 or junk bytes survive untouched.
 */
export type Hl7Mutator = (rng: Rng, payload: Buffer) => Buffer;

const asText = (b: Buffer): string => b.toString('latin1');
const asBytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const segmentsOf = (b: Buffer): string[] => asText(b).split('\r');
const joinSegments = (segs: string[]): Buffer => asBytes(segs.join('\r'));

/** Index of a random non-empty segment. */
function someSegment(rng: Rng, segs: string[]): number {
  const candidates = segs.map((s, i) => (s ? i : -1)).filter((i) => i >= 0);
  return candidates.length ? rng.pick(candidates) : 0;
}

/** Replaces field `n` (or a random one) of a random segment with what `make` returns. */
function inField(rng: Rng, payload: Buffer, make: (old: string) => string): Buffer {
  const segs = segmentsOf(payload);
  const i = someSegment(rng, segs);
  const fields = segs[i].split('|');
  const f = fields.length > 1 ? rng.int(1, fields.length - 1) : 0;
  // MSH-1 is the field separator itself and MSH-2 the encoding characters: leave those to badMsh.
  const target = segs[i].startsWith('MSH') && f <= 1 ? Math.min(fields.length - 1, 2) : f;
  fields[target] = make(fields[target] ?? '');
  segs[i] = fields.join('|');
  return joinSegments(segs);
}

function insertAt(payload: Buffer, pos: number, bytes: Buffer): Buffer {
  return Buffer.concat([payload.subarray(0, pos), bytes, payload.subarray(pos)]);
}

const CONTROL_BYTES = [0x00, 0x0b, 0x1c, 0x0d, 0x0a];
const DELIMITERS = ['~', '^', '&', '\\', '|'];
const BAD_ESCAPES = ['\\X\\', '\\XZZ\\', '\\X0\\', '\\X00\\', '\\XFF\\', '\\XD800\\', '\\X41', '\\XC328\\', '\\X0B1C0D\\', '\\C2842\\', '\\M2442\\', '\\Zfoo\\', '\\H\\\\N\\', '\\.br\\', '\\', '\\\\\\', '\\E', '\\X' + 'A'.repeat(10001) + '\\'];
const BAD_UTF8 = [[0xc3, 0x28], [0xff], [0xfe, 0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf]];
const CHARSET_TERMS = ['UNICODE UTF-8', '8859/1', '8859/15', 'ASCII', 'ISO IR87', 'ISO IR159', 'ISO IR6', 'UNICODE', 'UNICODE UTF-16', 'GB 18030', 'BIG-5', 'KS X 1001', 'CNS 11643-1992', 'ISO 2022-1994', 'utf-8', 'EBCDIC', 'UTF-7', 'X'.repeat(300), 'UNICODE UTF-8~8859/1', '8859/1^ISO IR87', '\\X00\\', ''];
const BAD_MSH_HEADS = ['MSH', 'MSH|', 'MSH||', 'MSH|^~\\&', 'MSH#^~\\&#', 'MSH|||||', 'MSH|^|', 'MSH|^~\\&&&&&|', 'MSH|^~|', 'MSH||~\\&|', 'MSH|\r', 'MSH|^^^^|', 'MSH\x00^~\\&\x00', 'MSX|^~\\&|', 'msh|^~\\&|', ' MSH|^~\\&|', 'MSH|^~\\&\\|', 'MSH|\u00e9~\\&|'];

/** The mutation table: name → mutator. Each case applies one to three of them, chosen by the seed. */
export const HL7_MUTATORS: Record<string, Hl7Mutator> = {
  byteFlip: (rng, p) => {
    const out = Buffer.from(p);
    for (let k = rng.int(1, 8); k > 0 && out.length; k--) out[rng.int(0, out.length - 1)] ^= 1 << rng.int(0, 7);
    return out;
  },
  randomBytes: (rng, p) => insertAt(p, rng.int(0, p.length), rng.bytes(rng.int(1, 64))),
  controlByte: (rng, p) => {
    let out = p;
    for (let k = rng.int(1, 5); k > 0; k--) out = insertAt(out, rng.int(0, out.length), Buffer.from([rng.pick(CONTROL_BYTES)]));
    return out;
  },
  delimiterStorm: (rng, p) => {
    const storm = rng.chance(0.7) ? rng.pick(DELIMITERS).repeat(rng.int(1_000, 20_000)) : Array.from({ length: rng.int(1_000, 10_000) }, () => rng.pick(DELIMITERS)).join('');
    return inField(rng, p, (old) => old + storm);
  },
  truncate: (rng, p) => p.subarray(0, rng.int(0, p.length)),
  duplicateSegment: (rng, p) => {
    const segs = segmentsOf(p);
    const i = someSegment(rng, segs);
    // Sometimes past HL7_MAX_SEGMENTS (10,000).
    const wanted = rng.weighted([[6, rng.int(1, 3)], [2, rng.int(50, 500)], [1, rng.int(10_001, 12_000)]] as const);
    // A huge segment copied thousands of times would only measure our own memory.
    const copies = Math.max(1, Math.min(wanted, Math.floor(8_000_000 / (segs[i].length + 1))));
    segs.splice(i, 0, ...Array.from({ length: copies }, () => segs[i]));
    return joinSegments(segs);
  },
  removeSegment: (rng, p) => {
    const segs = segmentsOf(p);
    segs.splice(someSegment(rng, segs), 1);
    return joinSegments(segs);
  },
  badMsh: (rng, p) => {
    const text = asText(p);
    const head = text.match(/^MSH.{0,5}?\|/)?.[0] ?? text.slice(0, 9);
    return asBytes(rng.pick(BAD_MSH_HEADS) + text.slice(head.length));
  },
  hugeField: (rng, p) => {
    // Up to past HL7_MAX_FIELD_CHARS (1 MiB), below HL7_MAX_MESSAGE_BYTES as the fuzz specs set it.
    const n = rng.weighted([[4, rng.int(1_000, 100_000)], [1, rng.int(1_048_000, 1_300_000)]] as const);
    return inField(rng, p, () => rng.text(n));
  },
  badEscape: (rng, p) => inField(rng, p, (old) => old.slice(0, rng.int(0, old.length)) + rng.pick(BAD_ESCAPES) + old.slice(rng.int(0, old.length))),
  invalidUtf8: (rng, p) => {
    let out = p;
    for (let k = rng.int(1, 4); k > 0; k--) out = insertAt(out, rng.int(0, out.length), Buffer.from(rng.pick(BAD_UTF8)));
    return out;
  },
  charsetTerm: (rng, p) => {
    const segs = segmentsOf(p);
    const i = segs.findIndex((s) => s.startsWith('MSH'));
    if (i < 0) return p;
    const fields = segs[i].split('|');
    while (fields.length < 18) fields.push('');
    fields[17] = rng.pick(CHARSET_TERMS);
    segs[i] = fields.join('|');
    return joinSegments(segs);
  },
  emptyFields: (rng, p) => inField(rng, p, () => rng.pick(['', '""', ' ', '^^^^', '~~', '&&&'])),
  lineEnds: (rng, p) => asBytes(asText(p).replace(/\r/g, () => rng.pick(['\r', '\n', '\r\n', '\n\r', '\r\r', '']))),
};

export const HL7_MUTATOR_NAMES = Object.keys(HL7_MUTATORS);
