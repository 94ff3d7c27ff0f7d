import { Delimiters } from './delimiters';
import { HexDecoder } from './escape';
import { Hl7InputError, Hl7InputProblem } from './hl7-input.error';
import { Hl7Message } from './hl7-message';
import { Hl7Segment } from './hl7-segment';

export class Hl7ParseError extends Error {
  constructor(message: string, readonly location = 'MSH^1^1') {
    super(message);
  }
}

/** Caps on one message (HL7_MAX_SEGMENTS, HL7_MAX_REPETITIONS, HL7_MAX_FIELD_CHARS). */
export interface Hl7Limits {
  maxSegments: number;
  /** Repetitions of any one field. */
  maxRepetitions: number;
  /** Characters of any one field, all its repetitions together, still escaped. */
  maxFieldChars: number;
}

/** The env defaults (libs/config), for callers without configuration (tests, tools). */
export const DEFAULT_HL7_LIMITS: Hl7Limits = { maxSegments: 10_000, maxRepetitions: 1_000, maxFieldChars: 1_048_576 };

export interface ParseHl7Options {
  limits?: Hl7Limits;
  decodeHex?: HexDecoder;
}

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;
const SEGMENT_END = /\r\n|\r|\n/;

/**
 * Splits decoded message text into segments. Segment ends may be CR, LF or CRLF (broken senders),
 * a final CR may be missing, and empty lines are skipped. A message must start with MSH.
 * Linear in the text: every field is scanned once here (caps, NUL) and split lazily, once.
 * @throws Hl7ParseError when the text is not HL7 (AR); Hl7InputError when it is over a cap or
 * holds a NUL character (AE; the sender can fix it).
 */
export function parseHl7(text: string, options: ParseHl7Options = {}): Hl7Message {
  const limits = options.limits ?? DEFAULT_HL7_LIMITS;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(SEGMENT_END).filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0].startsWith('MSH')) throw new Hl7ParseError('message does not start with MSH');
  const d = readDelimiters(lines[0]);
  const sequences = new Map<string, number>();
  const segments: Hl7Segment[] = [];
  for (const line of lines) {
    const segment = toSegment(line, d, segments.length === 0, sequences, options.decodeHex);
    if (segments.length === limits.maxSegments) {
      throw inputError(Hl7InputProblem.TooManySegments, { segment: segment.name, sequence: segment.sequence }, segments, d);
    }
    segments.push(segment);
    const found = findProblem(segment, d, limits);
    if (found) throw inputError(found.problem, { segment: segment.name, sequence: segment.sequence, field: found.field }, segments, d);
  }
  return new Hl7Message(segments, d);
}

/**
 * Splits a batch (FHS/BHS … BTS/FTS) into the text of each message it carries. The segment cap
 * holds for the batch as a whole, so a batch cannot be a way around it.
 */
export function splitBatch(text: string, limits: Hl7Limits = DEFAULT_HL7_LIMITS): string[] {
  const lines = text.split(SEGMENT_END).filter((l) => l.trim() !== '');
  if (lines.length > limits.maxSegments) throw new Hl7ParseError(`batch of more than ${limits.maxSegments} segments`, 'BHS^1');
  const messages: string[][] = [];
  for (const line of lines) {
    const name = line.slice(0, 3);
    if (name === 'FHS' || name === 'BHS' || name === 'BTS' || name === 'FTS') continue;
    if (name === 'MSH') messages.push([]);
    if (messages.length === 0) throw new Hl7ParseError(`segment ${name} outside any message in batch`, `${name}^1`);
    messages[messages.length - 1].push(line);
  }
  return messages.map((m) => m.join('\r') + '\r');
}

export function isBatch(text: string): boolean {
  const head = text.replace(/^\uFEFF/, '').slice(0, 3);
  return head === 'FHS' || head === 'BHS';
}

function readDelimiters(mshLine: string): Delimiters {
  const field = mshLine[3];
  if (!field || /[A-Za-z0-9\s]/.test(field)) throw new Hl7ParseError('MSH-1 field separator missing or invalid', 'MSH^1^1');
  const end = mshLine.indexOf(field, 4);
  const enc = end < 0 ? mshLine.slice(4) : mshLine.slice(4, end);
  if (enc.length < 4 || new Set(enc + field).size !== enc.length + 1) {
    throw new Hl7ParseError('MSH-2 encoding characters missing or invalid', 'MSH^1^2');
  }
  return { field, component: enc[0], repetition: enc[1], escape: enc[2], subcomponent: enc[3], truncation: enc[4] };
}

function toSegment(line: string, d: Delimiters, isMsh: boolean, sequences: Map<string, number>, decodeHex?: HexDecoder): Hl7Segment {
  const parts = line.split(d.field);
  const name = parts[0];
  if (!SEGMENT_NAME.test(name)) throw new Hl7ParseError(`invalid segment name`, `${name.slice(0, 3)}^1`);
  // MSH-1 is the separator itself; put it back so MSH-n is fields[n] like every other segment.
  const fields = isMsh ? [name, d.field, ...parts.slice(1)] : parts;
  const sequence = (sequences.get(name) ?? 0) + 1;
  sequences.set(name, sequence);
  return new Hl7Segment(name, fields, d, decodeHex, sequence);
}

function inputError(problem: Hl7InputProblem, location: Hl7InputError['location'], segments: Hl7Segment[], d: Delimiters): Hl7InputError {
  return new Hl7InputError(problem, location, new Hl7Message(segments.slice(0, 1), d));
}

/** The first field of the segment that is over a cap or holds a NUL; MSH-1 and MSH-2 are the delimiters themselves. */
function findProblem(segment: Hl7Segment, d: Delimiters, limits: Hl7Limits): { problem: Hl7InputProblem; field: number } | undefined {
  const first = segment.name === 'MSH' ? 3 : 1;
  for (let field = first; field < segment.fields.length; field++) {
    const problem = fieldProblem(segment.fields[field], d, limits);
    if (problem) return { problem, field };
  }
  return undefined;
}

/**
 * One pass over the characters of a field: counts repetitions and finds NUL, sent as such or as a
 * `\X..\` escape with a 00 byte. Escapes pair up within a leaf only (leaves are unescaped after
 * splitting), so a delimiter closes any open escape, as it does in unescapeValue.
 */
function fieldProblem(field: string, d: Delimiters, limits: Hl7Limits): Hl7InputProblem | undefined {
  if (field.length > limits.maxFieldChars) return Hl7InputProblem.FieldTooLong;
  const repetition = d.repetition.charCodeAt(0);
  const component = d.component.charCodeAt(0);
  const subcomponent = d.subcomponent.charCodeAt(0);
  const escape = d.escape.charCodeAt(0);
  let repetitions = 1;
  let escapeStart = -1;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 0) return Hl7InputProblem.NulCharacter;
    if (c === repetition || c === component || c === subcomponent) {
      if (c === repetition && ++repetitions > limits.maxRepetitions) return Hl7InputProblem.TooManyRepetitions;
      escapeStart = -1;
    } else if (c === escape) {
      if (escapeStart < 0) escapeStart = i;
      else {
        if (isNulHexEscape(field, escapeStart + 1, i)) return Hl7InputProblem.NulCharacter;
        escapeStart = -1;
      }
    }
  }
  return undefined;
}

/** `X` followed by hex pairs (what unescapeValue decodes), one of which is 00. */
function isNulHexEscape(field: string, from: number, to: number): boolean {
  if (field[from] !== 'X' || (to - from - 1) % 2 !== 0 || to - from < 3) return false;
  let nul = false;
  for (let i = from + 1; i < to; i += 2) {
    const pair = field.slice(i, i + 2);
    if (!/^[0-9A-Fa-f]{2}$/.test(pair)) return false;
    if (pair === '00') nul = true;
  }
  return nul;
}
