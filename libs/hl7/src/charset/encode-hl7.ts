import * as iconv from 'iconv-lite';
import { Hl7CharsetDef, resolveHl7Charset } from './hl7-charset';
import { Hl7CharsetError } from './hl7-charset.errors';
import { encodeIso2022Jp } from './iso-2022-jp.codec';
import { decodeBytes } from './decode-bytes';

/**
 * Encodes our outbound text (ACKs, status messages) in the charset of the message we answer.
 *
 * A character the target charset cannot hold is an error, never a silent '?' (iconv-lite's habit):
 * a '?' in an echoed id corrupts it, and an `\Xhh\` escape of UTF-8 bytes would be read by a Latin-1
 * receiver as Latin-1 bytes, i.e. garbage. ACK text is ASCII anyway; the caller catches
 * UNREPRESENTABLE_CHARACTER and rebuilds the text ASCII-safe (or answers in another charset).
 * Strict where decodeHl7 is lenient: nothing in 0x80-0x9F under an 8859 label, only true KS X 1001
 * codes (no CP949 extensions) under KS X 1001.
 * @throws Hl7CharsetError UNKNOWN_CHARSET, UNSUPPORTED_CHARSET, UNREPRESENTABLE_CHARACTER
 */
export function encodeHl7(text: string, charset: string): Buffer {
  const def = resolveHl7Charset(charset);
  switch (def.kind) {
    case 'ascii':
      failAt(text, /[^\x00-\x7f]/u, def);
      return Buffer.from(text, 'latin1');
    case 'utf8':
      // Buffer.from would write a lone surrogate as U+FFFD without a word.
      failAt(text, /\p{Cs}/u, def);
      return Buffer.from(text, 'utf8');
    case 'iso-2022-jp':
      return encodeIso2022Jp(text, def.name as 'ISO IR14' | 'ISO IR87' | 'ISO IR159');
    case 'single-byte':
      return encodeChecked(text, def, withoutC1);
    case 'multi-byte':
      return encodeChecked(text, def, () => true);
    case 'euc-kr':
      return encodeChecked(text, def, isKsX1001);
    case 'rejected':
      // resolveHl7Charset never returns these; kept for an exhaustive switch.
      throw new Error(`unreachable: ${def.name} is rejected`);
  }
}

function failAt(text: string, unrepresentable: RegExp, def: Hl7CharsetDef): void {
  const match = unrepresentable.exec(text);
  if (match) throw Hl7CharsetError.unrepresentable(def.name, match.index, text.codePointAt(match.index)!);
}

/**
 * iconv-lite substitutes what it cannot encode, so the result is decoded again with the decoder
 * decodeHl7 uses: what we send is exactly what we would read back.
 */
function encodeChecked(text: string, def: Hl7CharsetDef, bytesAllowed: (bytes: Buffer) => boolean): Buffer {
  const encode = (s: string): Buffer => iconv.encode(s, def.encoder!);
  const roundTrips = (s: string, bytes: Buffer): boolean => bytesAllowed(bytes) && decodeBytes(def.decoder!, bytes).text === s;
  const bytes = encode(text);
  if (roundTrips(text, bytes)) return bytes;
  let index = 0;
  for (const ch of text) {
    if (!roundTrips(ch, encode(ch))) throw Hl7CharsetError.unrepresentable(def.name, index, ch.codePointAt(0)!);
    index += ch.length;
  }
  // Every character passes alone but not together: only possible for stateful encoders; be safe.
  throw Hl7CharsetError.unrepresentable(def.name, 0, text.codePointAt(0) ?? 0);
}

/** ISO 8859 puts C1 controls at 0x80-0x9F; a receiver that reads Windows-1252 would show other characters. */
function withoutC1(bytes: Buffer): boolean {
  return !bytes.some((b) => b >= 0x80 && b <= 0x9f);
}

/** EUC-KR proper: ASCII, or two bytes both in 0xA1-0xFE. CP949's extra Hangul use other lead/trail bytes. */
function isKsX1001(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    const lead = bytes[i];
    const trail = bytes[++i];
    if (lead < 0xa1 || lead > 0xfe || trail === undefined || trail < 0xa1 || trail > 0xfe) return false;
  }
  return true;
}
