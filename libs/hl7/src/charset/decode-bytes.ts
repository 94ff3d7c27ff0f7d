import * as iconv from 'iconv-lite';

/**
 * Bytes -> text with iconv-lite, not Node's TextDecoder: on Node 20 (ICU) TextDecoder silently drops
 * bytes (euc-kr 0x80 and 0x81 vanish, even with fatal: true), knows no Big5-HKSCS, and reads
 * 'windows-1252' as Latin-1. iconv-lite writes U+FFFD for every bad sequence and keeps the bytes that
 * follow (a CR after a broken lead byte survives), so `clean` can be told from the output.
 */
export function decodeBytes(codec: string, bytes: Uint8Array): { text: string; clean: boolean } {
  if (codec === 'windows-1252') return { text: decodeWindows1252(bytes), clean: true };
  const text = iconv.decode(bytes, codec);
  // None of our table 0211 charsets is used to send U+FFFD on purpose.
  return { text, clean: !text.includes('\ufffd') };
}

/**
 * WHATWG index windows-1252 for 0x80-0x9F. The five unassigned bytes keep their C1 code point, so
 * every byte decodes and nothing is lost (iconv-lite turns them into U+FFFD).
 */
const WINDOWS_1252_C1 = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
].map((cp) => String.fromCharCode(cp));

export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]);
}
