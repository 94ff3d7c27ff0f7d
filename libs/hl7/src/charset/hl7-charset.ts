import { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';

/** Canonical MSH-18 values: HL7 table 0211, spelled as in the standard. */
export type Hl7CharsetName =
  | 'ASCII'
  | '8859/1'
  | '8859/2'
  | '8859/3'
  | '8859/4'
  | '8859/5'
  | '8859/6'
  | '8859/7'
  | '8859/8'
  | '8859/9'
  | '8859/15'
  | 'ISO IR14'
  | 'ISO IR87'
  | 'ISO IR159'
  | 'GB 18030-2000'
  | 'KS X 1001'
  | 'CNS 11643-1992'
  | 'BIG-5'
  | 'UNICODE'
  | 'UNICODE UTF-8'
  | 'UNICODE UTF-16'
  | 'UNICODE UTF-32';

/** Which decoding strategy decode-hl7 applies to bytes carrying this label. */
export type Hl7CharsetKind =
  /** 7-bit; any byte >= 0x80 means the label is wrong. */
  | 'ascii'
  | 'utf8'
  /** ISO 8859 family. Real text in these is practically never valid UTF-8, so mislabelled UTF-8 is sniffed. */
  | 'single-byte'
  /** GB 18030, Big5. Not sniffed: their byte pairs are valid UTF-8 by chance too often. */
  | 'multi-byte'
  /** JIS sets switched in by ISO 2022 escape sequences (ESC $ B ...); decoded in-house (iso-2022-jp.codec.ts). */
  | 'iso-2022-jp'
  /** KS X 1001 travels as EUC-KR bytes in HL7; DICOM-style `ESC $ ) C` designations are dropped. */
  | 'euc-kr'
  /** Known, refused: see rejectReason. */
  | 'rejected';

export interface Hl7CharsetDef {
  readonly name: Hl7CharsetName;
  readonly description: string;
  /** Non-standard spellings seen from senders. Matching is case-insensitive, outer spaces ignored. */
  readonly aliases: readonly string[];
  readonly kind: Hl7CharsetKind;
  /**
   * iconv-lite name used to read bytes ('windows-1252' is read in-house, see decode-bytes.ts). Lenient
   * on purpose, as WHATWG browsers are: 8859/1 reads as windows-1252 and 8859/9 as windows-1254,
   * because senders who say Latin-1 send € at 0x80. For the JIS rows it is the EUC table the 2-byte
   * codes go through.
   */
  readonly decoder: string | null;
  /**
   * iconv-lite name. Strict on purpose (8859/1 -> latin1): we never write bytes 0x80-0x9F under an
   * ISO 8859 label. For the JIS and KS X 1001 rows it is the EUC table the 2-byte codes go through.
   */
  readonly encoder: string | null;
  /**
   * DICOM (0008,0005) defined term for the same repertoire: '' = the default repertoire (leave the
   * attribute empty; `ISO_IR 6` is not a valid value); null = DICOM has none, re-encode as ISO_IR 192.
   */
  readonly dicomTerm: string | null;
  readonly rejectReason?: string;
}

const latin = (n: number, dicomTerm: string, description: string, extraAliases: readonly string[] = []): Hl7CharsetDef => ({
  name: `8859/${n}` as Hl7CharsetName,
  description,
  aliases: [`ISO-8859-${n}`, `ISO8859-${n}`, `ISO_8859-${n}`, `8859-${n}`, ...extraAliases],
  kind: 'single-byte',
  decoder: `iso-8859-${n}`,
  encoder: `iso-8859-${n}`,
  dicomTerm,
});

const MLLP_CANNOT_CARRY = 'UTF-16/UTF-32 bytes can contain the MLLP framing bytes 0x0B/0x1C; MLLP release 2 excludes them';

/** HL7 table 0211 (hl7-inbound.md §2.1, charsets.md §3). Order = table order; tests iterate it. */
export const HL7_CHARSETS: readonly Hl7CharsetDef[] = [
  { name: 'ASCII', description: 'US-ASCII', aliases: ['US-ASCII', 'ISO IR6', 'ISO-IR-6'], kind: 'ascii', decoder: 'us-ascii', encoder: 'ascii', dicomTerm: '' },
  {
    ...latin(1, 'ISO_IR 100', 'Latin-1', ['LATIN1', 'LATIN-1', 'WINDOWS-1252', 'CP1252']),
    // Windows-1252 is accepted as an alias of 8859/1: same letters, and the lenient decoder reads both.
    decoder: 'windows-1252',
    encoder: 'latin1',
  },
  latin(2, 'ISO_IR 101', 'Latin-2, Central European', ['LATIN2']),
  latin(3, 'ISO_IR 109', 'Latin-3, South European', ['LATIN3']),
  latin(4, 'ISO_IR 110', 'Latin-4, North European', ['LATIN4']),
  latin(5, 'ISO_IR 144', 'Cyrillic'),
  latin(6, 'ISO_IR 127', 'Arabic'),
  latin(7, 'ISO_IR 126', 'Greek'),
  latin(8, 'ISO_IR 138', 'Hebrew (logical order assumed)'),
  { ...latin(9, 'ISO_IR 148', 'Latin-5, Turkish', ['LATIN5']), decoder: 'windows-1254' },
  // DICOM added ISO_IR 203 (Latin-9) in 2017; we name the exact equivalent and let the DICOM side
  // fall back to ISO_IR 192 for peers configured as not knowing it.
  latin(15, 'ISO_IR 203', 'Latin-9 (Latin-1 with € Œ Š Ž Ÿ)', ['LATIN9', 'LATIN-9']),
  // JIS X 0201: G0 Roman (read as ASCII), G1 half-width katakana as bytes 0xA1-0xDF.
  { name: 'ISO IR14', description: 'JIS X 0201 Roman + half-width katakana', aliases: ['ISO IR 14', 'ISO-IR-14'], kind: 'iso-2022-jp', decoder: 'euc-jp', encoder: 'euc-jp', dicomTerm: 'ISO_IR 13' },
  { name: 'ISO IR87', description: 'JIS X 0208 kanji via ESC $ B', aliases: ['ISO IR 87', 'ISO-IR-87'], kind: 'iso-2022-jp', decoder: 'euc-jp', encoder: 'euc-jp', dicomTerm: 'ISO 2022 IR 87' },
  { name: 'ISO IR159', description: 'JIS X 0212 supplementary kanji via ESC $ ( D', aliases: ['ISO IR 159', 'ISO-IR-159'], kind: 'iso-2022-jp', decoder: 'euc-jp', encoder: 'euc-jp', dicomTerm: 'ISO 2022 IR 159' },
  { name: 'GB 18030-2000', description: 'Chinese GB 18030', aliases: ['GB18030', 'GB 18030', 'GB18030-2000'], kind: 'multi-byte', decoder: 'gb18030', encoder: 'gb18030', dicomTerm: 'GB18030' },
  { name: 'KS X 1001', description: 'Korean, as EUC-KR bytes', aliases: ['KSX1001', 'KS C 5601', 'EUC-KR'], kind: 'euc-kr', decoder: 'euc-kr', encoder: 'euc-kr', dicomTerm: 'ISO 2022 IR 149' },
  // dcm4che maps this to TIS-620 / ISO_IR 166 (Thai), which is a different script; we refuse instead.
  { name: 'CNS 11643-1992', description: 'Traditional Chinese (Taiwan)', aliases: [], kind: 'rejected', decoder: null, encoder: null, dicomTerm: null, rejectReason: 'no CNS 11643 decoder available (Big5 is close but not the same)' },
  { name: 'BIG-5', description: 'Traditional Chinese Big5', aliases: ['BIG5'], kind: 'multi-byte', decoder: 'big5', encoder: 'big5', dicomTerm: null },
  // "UNICODE" without a form means UTF-8 in practice: UTF-16 would not survive MLLP anyway.
  { name: 'UNICODE', description: 'Unicode (unspecified form, read as UTF-8)', aliases: [], kind: 'utf8', decoder: 'utf-8', encoder: 'utf8', dicomTerm: 'ISO_IR 192' },
  { name: 'UNICODE UTF-8', description: 'UTF-8', aliases: ['UTF-8', 'UTF8', 'UNICODE UTF8'], kind: 'utf8', decoder: 'utf-8', encoder: 'utf8', dicomTerm: 'ISO_IR 192' },
  { name: 'UNICODE UTF-16', description: 'UTF-16', aliases: ['UTF-16', 'UTF16', 'UTF-16LE', 'UTF-16BE', 'UNICODE UTF16'], kind: 'rejected', decoder: null, encoder: null, dicomTerm: null, rejectReason: MLLP_CANNOT_CARRY },
  { name: 'UNICODE UTF-32', description: 'UTF-32', aliases: ['UTF-32', 'UTF32', 'UTF-32LE', 'UTF-32BE', 'UNICODE UTF32'], kind: 'rejected', decoder: null, encoder: null, dicomTerm: null, rejectReason: MLLP_CANNOT_CARRY },
];

const normalise = (label: string): string => label.trim().toUpperCase();

const BY_LABEL: ReadonlyMap<string, Hl7CharsetDef> = (() => {
  const map = new Map<string, Hl7CharsetDef>();
  for (const def of HL7_CHARSETS) {
    for (const label of [def.name, ...def.aliases]) {
      const key = normalise(label);
      // A label listed twice would make the table's meaning depend on row order.
      if (map.has(key)) throw new Error(`duplicate MSH-18 label in HL7_CHARSETS: ${key}`);
      map.set(key, def);
    }
  }
  return map;
})();

/** The row for an MSH-18 value or alias, rejected rows included; undefined when unknown or blank. */
export function findHl7Charset(label: string): Hl7CharsetDef | undefined {
  return BY_LABEL.get(normalise(label));
}

/**
 * The row for an MSH-18 value or alias that we can actually decode/encode.
 * @throws Hl7CharsetError UNKNOWN_CHARSET (not in the table) or UNSUPPORTED_CHARSET (UTF-16/32, CNS 11643)
 */
export function resolveHl7Charset(label: string): Hl7CharsetDef {
  const def = findHl7Charset(label);
  if (!def) {
    throw new Hl7CharsetError(Hl7CharsetErrorCode.UnknownCharset, 'unknown HL7 character set (table 0211)', { charset: label });
  }
  if (def.kind === 'rejected') {
    throw new Hl7CharsetError(Hl7CharsetErrorCode.UnsupportedCharset, `unsupported HL7 character set: ${def.rejectReason}`, { charset: label });
  }
  return def;
}

/** Shorthand for the canonical row of a name we know is in the table. */
export function hl7Charset(name: Hl7CharsetName): Hl7CharsetDef {
  return BY_LABEL.get(name)!;
}
