import * as iconv from 'iconv-lite';
import { Hl7CharsetError } from './hl7-charset.errors';
import { decodeBytes } from './decode-bytes';

/**
 * ISO 2022 for the Japanese HL7 sets (ISO IR14, ISO IR87, ISO IR159), written in-house because
 * neither library covers them: iconv-lite has no ISO-2022-JP, and WHATWG's TextDecoder('iso-2022-jp')
 * knows neither JIS X 0212 (`ESC $ ( D`) nor 8-bit katakana in G1 (ISO IR14 bytes 0xA1-0xDF).
 * 2-byte codes are mapped by OR-ing 0x80 into EUC-JP (0x8F prefix for JIS X 0212), see charsets.md §1.2.
 */

const ESC = 0x1b;
const CR = 0x0d;
const LF = 0x0a;

type G0 = 'ascii' | 'katakana' | 'jis-x0208' | 'jis-x0212';

/** What G1 (bytes >= 0x80) holds before any escape: half-width katakana (ISO IR14) or an 8859 table (iconv-lite name). */
export type Iso2022G1 = { readonly katakana: true } | { readonly table: string };

/** Designations we understand, as the bytes after ESC. Longest first so `$ ( D` wins over `$ (`. */
const DESIGNATIONS: ReadonlyArray<{ readonly bytes: readonly number[]; readonly g0?: G0; readonly g1Katakana?: true }> = [
  { bytes: [0x24, 0x28, 0x44], g0: 'jis-x0212' }, // ESC $ ( D
  { bytes: [0x24, 0x28, 0x42], g0: 'jis-x0208' }, // ESC $ ( B, the long form of ESC $ B
  { bytes: [0x24, 0x42], g0: 'jis-x0208' }, // ESC $ B
  { bytes: [0x24, 0x40], g0: 'jis-x0208' }, // ESC $ @ (JIS C 6226-1978, read as 0208)
  { bytes: [0x28, 0x42], g0: 'ascii' }, // ESC ( B
  { bytes: [0x28, 0x4a], g0: 'ascii' }, // ESC ( J, JIS X 0201 Roman: ASCII in practice (¥ for \ is not honoured)
  { bytes: [0x28, 0x49], g0: 'katakana' }, // ESC ( I, 7-bit katakana
  { bytes: [0x29, 0x49], g1Katakana: true }, // ESC ) I, 8-bit katakana
];

function matchDesignation(bytes: Uint8Array, at: number): (typeof DESIGNATIONS)[number] | undefined {
  return DESIGNATIONS.find((d) => d.bytes.every((b, k) => bytes[at + 1 + k] === b));
}

/** True when the bytes contain an escape that switches G0 to a JIS 2-byte set (sniffing unlabelled Japanese). */
export function hasJisDesignation(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(ESC); i !== -1; i = bytes.indexOf(ESC, i + 1)) {
    const g0 = matchDesignation(bytes, i)?.g0;
    if (g0 === 'jis-x0208' || g0 === 'jis-x0212') return true;
  }
  return false;
}

const runEnd = (bytes: Uint8Array, from: number, inRun: (b: number) => boolean): number => {
  let end = from;
  while (end < bytes.length && inRun(bytes[end])) end++;
  return end;
};

const isGraphic7 = (b: number): boolean => b >= 0x21 && b <= 0x7e;
const katakanaChar = (offsetFromFirst: number): string => String.fromCharCode(0xff61 + offsetFromFirst);

/**
 * Decodes ISO 2022 Japanese. G0 starts as ASCII and G1 as `initialG1`; both return to that state at
 * every CR and LF, so one broken segment cannot garble the next. `clean` is false when the bytes broke
 * the rules (unknown escape, odd 2-byte run, byte outside its set): the caller reports a mismatch.
 */
export function decodeIso2022Jp(bytes: Uint8Array, initialG1: Iso2022G1 | null): { text: string; clean: boolean } {
  let g0: G0 = 'ascii';
  let g1: Iso2022G1 | null = initialG1;
  let clean = true;
  const parts: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === ESC) {
      const designation = matchDesignation(bytes, i);
      if (!designation) {
        clean = false;
        parts.push('\u001b');
        i++;
        continue;
      }
      if (designation.g0) g0 = designation.g0;
      if (designation.g1Katakana) g1 = { katakana: true };
      i += 1 + designation.bytes.length;
    } else if (b === CR || b === LF) {
      g0 = 'ascii';
      g1 = initialG1;
      parts.push(String.fromCharCode(b));
      i++;
    } else if (b >= 0x80) {
      const end = runEnd(bytes, i, (x) => x >= 0x80);
      const run = decodeG1(bytes.subarray(i, end), g1);
      clean &&= run.clean;
      parts.push(run.text);
      i = end;
    } else if (g0 === 'ascii' || !isGraphic7(b)) {
      // Space and controls stay themselves in every G0 set.
      const end = runEnd(bytes, i, (x) => x < 0x80 && x !== ESC && x !== CR && x !== LF && (g0 === 'ascii' || !isGraphic7(x)));
      parts.push(Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i).toString('latin1'));
      i = end;
    } else {
      const end = runEnd(bytes, i, isGraphic7);
      const run = decodeG0(bytes.subarray(i, end), g0);
      clean &&= run.clean;
      parts.push(run.text);
      i = end;
    }
  }
  return { text: parts.join(''), clean };
}

function decodeG0(run: Uint8Array, g0: Exclude<G0, 'ascii'>): { text: string; clean: boolean } {
  if (g0 === 'katakana') {
    let text = '';
    let clean = true;
    for (const b of run) {
      const ok = b <= 0x5f;
      clean &&= ok;
      text += ok ? katakanaChar(b - 0x21) : '\ufffd';
    }
    return { text, clean };
  }
  const pairs = run.length >> 1;
  const width = g0 === 'jis-x0212' ? 3 : 2;
  const euc = new Uint8Array(pairs * width);
  for (let p = 0; p < pairs; p++) {
    const o = p * width;
    if (width === 3) euc[o] = 0x8f;
    euc[o + width - 2] = run[2 * p] | 0x80;
    euc[o + width - 1] = run[2 * p + 1] | 0x80;
  }
  const decoded = decodeBytes('euc-jp', euc);
  const odd = run.length % 2 === 1;
  return { text: odd ? `${decoded.text}\ufffd` : decoded.text, clean: decoded.clean && !odd };
}

function decodeG1(run: Uint8Array, g1: Iso2022G1 | null): { text: string; clean: boolean } {
  if (g1 === null) {
    // High bytes nobody designated: the sender's real charset is unknown; Windows-1252 loses nothing.
    return { text: decodeBytes('windows-1252', run).text, clean: false };
  }
  if ('table' in g1) return decodeBytes(g1.table, run);
  let text = '';
  let clean = true;
  for (const b of run) {
    const ok = b >= 0xa1 && b <= 0xdf;
    clean &&= ok;
    text += ok ? katakanaChar(b - 0xa1) : '\ufffd';
  }
  return { text, clean };
}

/**
 * Encodes to ISO 2022 Japanese, within what the label promises the receiver can read:
 * ISO IR14 = ASCII + half-width katakana as 8-bit G1 bytes; ISO IR87 = ASCII + JIS X 0208 via
 * `ESC $ B`; ISO IR159 adds JIS X 0212 via `ESC $ ( D` for the characters 0208 lacks. Every 2-byte
 * run ends with `ESC ( B`, so HL7 delimiters and CR are always written in ASCII mode, as receivers
 * split on delimiters before decoding.
 * @throws Hl7CharsetError UNREPRESENTABLE_CHARACTER
 */
export function encodeIso2022Jp(text: string, charset: 'ISO IR14' | 'ISO IR87' | 'ISO IR159'): Buffer {
  const out: number[] = [];
  let g0: G0 = 'ascii';
  const designate = (target: G0, escape: readonly number[]): void => {
    if (g0 !== target) out.push(ESC, ...escape);
    g0 = target;
  };
  let index = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      designate('ascii', [0x28, 0x42]);
      out.push(cp);
    } else if (charset === 'ISO IR14' && cp >= 0xff61 && cp <= 0xff9f) {
      out.push(cp - 0xff61 + 0xa1);
    } else {
      const euc = charset === 'ISO IR14' ? undefined : eucJpOf(ch);
      if (euc?.length === 2 && euc[0] >= 0xa1 && euc[1] >= 0xa1) {
        designate('jis-x0208', [0x24, 0x42]);
        out.push(euc[0] & 0x7f, euc[1] & 0x7f);
      } else if (euc?.length === 3 && euc[0] === 0x8f && charset === 'ISO IR159') {
        designate('jis-x0212', [0x24, 0x28, 0x44]);
        out.push(euc[1] & 0x7f, euc[2] & 0x7f);
      } else {
        throw Hl7CharsetError.unrepresentable(charset, index, cp);
      }
    }
    index += ch.length;
  }
  designate('ascii', [0x28, 0x42]);
  return Buffer.from(out);
}

/** EUC-JP bytes of one character, or undefined when iconv-lite substituted it (it writes '?'). */
function eucJpOf(ch: string): Buffer | undefined {
  const bytes = iconv.encode(ch, 'euc-jp');
  return decodeBytes('euc-jp', bytes).text === ch ? bytes : undefined;
}
