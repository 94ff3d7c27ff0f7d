import { decodeHl7 } from '../charset';
import { parseHl7 } from '../parser';

export interface DecodedStoredMessage {
  /** The text, as the ingest read it; bytes that do not decode as HL7 are shown as Latin-1. */
  text: string;
  /** The charset the text was read in; null when the bytes are not HL7 we can decode. */
  decodedAs: string | null;
  /** One entry per segment, as sent (segment ends CR, LF or CRLF). */
  segments: string[];
}

/** A patient a message names (PID-3 first repetition, PID-5 first repetition): PHI. */
export interface NamedPatient {
  id: string;
  issuer: string | null;
  name: string | null;
}

const SEGMENT_END = /\r\n|\r|\n/;

/**
 * Reads stored bytes the way the ingest did: MSH-18 first, and the charset we stored when the
 * header leaves it open. A batch's header segments are ASCII and read as such.
 */
export function decodeStoredMessage(raw: Buffer, charset: string | null): DecodedStoredMessage {
  const start = batchBodyOffset(raw);
  try {
    const decoded = decodeHl7(raw.subarray(start), { defaultCharset: charset ?? 'ASCII' });
    const text = raw.subarray(0, start).toString('latin1') + decoded.text;
    return { text, decodedAs: decoded.charset, segments: segmentsOf(text) };
  } catch {
    const text = raw.toString('latin1');
    return { text, decodedAs: null, segments: segmentsOf(text) };
  }
}

/** Every PID of the message (a merge names one per pair); [] when it does not parse. */
export function patientsNamedIn(text: string): NamedPatient[] {
  let segments;
  try {
    segments = parseHl7(text).all('PID');
  } catch {
    return [];
  }
  return segments.flatMap((pid) => {
    const id = pid.text(3, 1);
    if (id === undefined) return [];
    const components = [1, 2, 3, 4, 5].map((c) => pid.text(5, c) ?? '');
    while (components.length && components[components.length - 1] === '') components.pop();
    return [{ id, issuer: pid.text(3, 4) ?? null, name: components.length ? components.join('^') : null }];
  });
}

function segmentsOf(text: string): string[] {
  return text.split(SEGMENT_END).filter((s) => s !== '');
}

function batchBodyOffset(raw: Buffer): number {
  const head = raw.subarray(0, 3).toString('latin1');
  if (head !== 'FHS' && head !== 'BHS') return 0;
  const at = [raw.indexOf('\rMSH', 0, 'latin1'), raw.indexOf('\nMSH', 0, 'latin1')].filter((i) => i >= 0);
  return at.length ? Math.min(...at) + 1 : 0;
}
