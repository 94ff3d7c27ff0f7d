import { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';

const CR = 0x0d;
const LF = 0x0a;
const MSH = [0x4d, 0x53, 0x48];

/** What the charset choice needs from MSH before anything is decoded. */
export interface RawMsh {
  /** Offset of the `M` of `MSH`: leading CR/LF from sloppy senders is skipped. */
  readonly start: number;
  /** MSH-18 repetitions as sent (not trimmed); [] when MSH-18 is empty or absent (short MSH). */
  readonly charsetRepetitions: readonly string[];
  /** MSH-3.1 and MSH-4.1 (HD namespace ids) as sent: what picks the sender's profile before decoding. */
  readonly sendingApplication: string;
  readonly sendingFacility: string;
}

/**
 * Reads MSH-18 from the raw bytes. MSH-1/MSH-2 and the table 0211 values are ASCII by definition, so
 * the segment is read as latin1 and split on the sender's own delimiters.
 * Known limit: a Big5/GB 18030 character in MSH-3..MSH-17 can have `|` (0x7C) as its second byte and
 * shift the field count; we cannot know that before knowing the charset, which is what we are reading.
 * @throws Hl7CharsetError NOT_HL7
 */
export function readRawMsh(raw: Buffer): RawMsh {
  let start = 0;
  while (raw[start] === CR || raw[start] === LF) start++;
  if (!MSH.every((b, k) => raw[start + k] === b)) {
    throw new Hl7CharsetError(Hl7CharsetErrorCode.NotHl7, 'message does not start with an MSH segment');
  }
  const separator = raw[start + 3];
  if (separator === undefined || !isDelimiterByte(separator)) {
    throw new Hl7CharsetError(Hl7CharsetErrorCode.NotHl7, 'MSH has no field separator (MSH-1)');
  }
  const header = raw.toString('latin1', start, segmentEnd(raw, start));
  // Counting trap: element [1] is MSH-2, so MSH-n is element [n - 1].
  const fields = header.split(String.fromCharCode(separator));
  const msh18 = fields[17] ?? '';
  const component = (fields[1] ?? '').charAt(0);
  const namespaceId = (field: string | undefined) => (component === '' ? (field ?? '') : (field ?? '').split(component, 1)[0]);
  const sender = { sendingApplication: namespaceId(fields[2]), sendingFacility: namespaceId(fields[3]) };
  if (msh18 === '') return { start, charsetRepetitions: [], ...sender };
  const repetition = (fields[1] ?? '').charAt(1);
  return { start, charsetRepetitions: repetition === '' ? [msh18] : msh18.split(repetition), ...sender };
}

/** MSH ends at the first CR, or LF from senders that use LF or CRLF. */
function segmentEnd(raw: Buffer, start: number): number {
  const cr = raw.indexOf(CR, start);
  const end = cr === -1 ? raw.length : cr;
  // Only look for LF before the CR: a whole-buffer scan would cost a pass over large messages.
  const lf = raw.subarray(start, end).indexOf(LF);
  return lf === -1 ? end : start + lf;
}

/** A printable ASCII byte that is not a letter or digit: anything else after `MSH` is not HL7. */
function isDelimiterByte(b: number): boolean {
  const printable = b > 0x20 && b < 0x7f;
  const alphanumeric = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  return printable && !alphanumeric;
}
