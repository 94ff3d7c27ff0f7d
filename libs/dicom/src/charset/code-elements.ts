import iconv from 'iconv-lite';
import { SingleByteTable } from './single-byte-table';

/**
 * One ISO 2022 code element (PS3.3 Tables C.12-3/C.12-4): a graphic set designated into G0 or G1 by
 * an escape sequence. Byte convention for decodeRun/encodeChar: 2-byte sets and G1 sets use 8-bit
 * (GR) bytes, so the EUC tables in iconv-lite apply directly; the codec strips the high bit for G0.
 */
export interface CodeElement {
  readonly id: string;
  readonly slot: 0 | 1;
  readonly width: 1 | 2;
  readonly escape: readonly number[];
  /** True for G0 sets in which printable ASCII may be written (IR 6, JIS X 0201 Roman). */
  readonly asciiCompatible: boolean;
  decodeRun(bytes: readonly number[]): string;
  encodeChar(codePoint: number): readonly number[] | undefined;
}

const ESC = 0x1b;
const esc = (...chars: string[]): number[] => [ESC, ...chars.map((c) => c.charCodeAt(0))];

function asciiG0(id: string, escape: number[]): CodeElement {
  return {
    id,
    slot: 0,
    width: 1,
    escape,
    asciiCompatible: true,
    decodeRun: (bytes) => Buffer.from(bytes as number[]).toString('latin1'),
    encodeChar: (cp) => (cp >= 0x20 && cp < 0x7f ? [cp] : undefined),
  };
}

function singleByteG1(id: string, escape: number[], iconvName: string): CodeElement {
  let table: SingleByteTable | undefined;
  const get = (): SingleByteTable => (table ??= SingleByteTable.of(iconvName));
  return {
    id,
    slot: 1,
    width: 1,
    escape,
    asciiCompatible: false,
    decodeRun: (bytes) => bytes.map((b) => get().decodeTable[b]).join(''),
    encodeChar: (cp) => {
      const b = get().byteOf(cp);
      return b >= 0xa0 ? [b] : undefined;
    },
  };
}

/** A 94x94 set looked up through an EUC table; `prefix` selects JIS X 0212 inside EUC-JP. */
function doubleByte(id: string, slot: 0 | 1, escape: number[], iconvName: string, prefix?: number): CodeElement {
  const cache = new Map<number, readonly number[] | null>();
  const expected = prefix === undefined ? 2 : 3;
  return {
    id,
    slot,
    width: 2,
    escape,
    asciiCompatible: false,
    decodeRun: (bytes) => {
      if (prefix === undefined) return iconv.decode(Buffer.from(bytes as number[]), iconvName);
      const withPrefix: number[] = [];
      for (let i = 0; i + 1 < bytes.length; i += 2) withPrefix.push(prefix, bytes[i], bytes[i + 1]);
      return iconv.decode(Buffer.from(withPrefix), iconvName);
    },
    encodeChar: (cp) => {
      let hit = cache.get(cp);
      if (hit === undefined) {
        const enc = iconv.encode(String.fromCodePoint(cp), iconvName);
        const ok = enc.length === expected && (prefix === undefined || enc[0] === prefix);
        const pair = ok ? [enc[expected - 2], enc[expected - 1]] : [];
        hit = pair.length === 2 && pair.every((b) => b >= 0xa1 && b <= 0xfe) ? pair : null;
        cache.set(cp, hit);
      }
      return hit ?? undefined;
    },
  };
}

const KATAKANA_G1: CodeElement = {
  id: 'jis-x0201-katakana',
  slot: 1,
  width: 1,
  escape: esc(')', 'I'),
  asciiCompatible: false,
  decodeRun: (bytes) => bytes.map((b) => (b >= 0xa1 && b <= 0xdf ? String.fromCharCode(0xff61 + b - 0xa1) : '\ufffd')).join(''),
  encodeChar: (cp) => (cp >= 0xff61 && cp <= 0xff9f ? [cp - 0xff61 + 0xa1] : undefined),
};

export const ASCII_G0 = asciiG0('iso-ir-6', esc('(', 'B'));
// JIS X 0201 Roman differs from ASCII only at 0x5C (yen) and 0x7E (overline); PS3.5 Annex H
// examples and every peer we know treat it as ASCII, so do we.
const JIS_ROMAN_G0 = asciiG0('jis-x0201-roman', esc('(', 'J'));

const latinG1 = (final: string, iconvName: string): CodeElement[] => [ASCII_G0, singleByteG1(iconvName, esc('-', final), iconvName)];

/** ISO 2022 defined terms of (0008,0005) → the code elements each one designates. */
export const ISO2022_TERMS: Readonly<Record<string, readonly CodeElement[]>> = {
  'ISO 2022 IR 6': [ASCII_G0],
  'ISO 2022 IR 100': latinG1('A', 'iso-8859-1'),
  'ISO 2022 IR 101': latinG1('B', 'iso-8859-2'),
  'ISO 2022 IR 109': latinG1('C', 'iso-8859-3'),
  'ISO 2022 IR 110': latinG1('D', 'iso-8859-4'),
  'ISO 2022 IR 144': latinG1('L', 'iso-8859-5'),
  'ISO 2022 IR 127': latinG1('G', 'iso-8859-6'),
  'ISO 2022 IR 126': latinG1('F', 'iso-8859-7'),
  'ISO 2022 IR 138': latinG1('H', 'iso-8859-8'),
  'ISO 2022 IR 148': latinG1('M', 'iso-8859-9'),
  'ISO 2022 IR 203': latinG1('b', 'iso-8859-15'),
  'ISO 2022 IR 166': latinG1('T', 'tis620'),
  'ISO 2022 IR 13': [JIS_ROMAN_G0, KATAKANA_G1],
  'ISO 2022 IR 87': [doubleByte('jis-x0208', 0, esc('$', 'B'), 'euc-jp')],
  'ISO 2022 IR 159': [doubleByte('jis-x0212', 0, esc('$', '(', 'D'), 'euc-jp', 0x8f)],
  'ISO 2022 IR 149': [doubleByte('ks-x1001', 1, esc('$', ')', 'C'), 'euc-kr')],
  'ISO 2022 IR 58': [doubleByte('gb2312', 1, esc('$', ')', 'A'), 'gbk')],
};

/** Every escape sequence we can follow when decoding, whether or not the dataset declared it. */
export const ELEMENTS_BY_ESCAPE: ReadonlyMap<string, CodeElement> = new Map(
  Object.values(ISO2022_TERMS)
    .flat()
    .map((el) => [el.escape.join(','), el] as const),
);
