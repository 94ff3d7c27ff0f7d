import { Delimiters } from './delimiters';
import { HexDecoder } from './escape';
import { Hl7Message } from './hl7-message';
import { Hl7Segment } from './hl7-segment';

export class Hl7ParseError extends Error {
  constructor(message: string, readonly location = 'MSH^1^1') {
    super(message);
  }
}

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Splits decoded message text into segments. Segment ends may be CR, LF or CRLF (broken senders),
 * a final CR may be missing, and empty lines are skipped. A message must start with MSH.
 */
export function parseHl7(text: string, decodeHex?: HexDecoder): Hl7Message {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0].startsWith('MSH')) throw new Hl7ParseError('message does not start with MSH');
  const d = readDelimiters(lines[0]);
  const segments = lines.map((line, i) => toSegment(line, d, i === 0, decodeHex));
  return new Hl7Message(segments, d);
}

/** Splits a batch (FHS/BHS … BTS/FTS) into the text of each message it carries. */
export function splitBatch(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
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

function toSegment(line: string, d: Delimiters, isMsh: boolean, decodeHex?: HexDecoder): Hl7Segment {
  const parts = line.split(d.field);
  const name = parts[0];
  if (!SEGMENT_NAME.test(name)) throw new Hl7ParseError(`invalid segment name`, `${name.slice(0, 3)}^1`);
  // MSH-1 is the separator itself; put it back so MSH-n is fields[n] like every other segment.
  const fields = isMsh ? [name, d.field, ...parts.slice(1)] : parts;
  return new Hl7Segment(name, fields, d, decodeHex);
}
