import iconv from 'iconv-lite';
import { CharsetError, CharsetErrorCode, unrepresentable } from './charset.errors';
import { ISO2022_TERMS } from './code-elements';
import { Iso2022Codec } from './iso2022-codec';
import { SingleByteTable } from './single-byte-table';
import type { TextCodec } from './text-codec.types';

/** Single-byte terms without code extensions (PS3.3 Table C.12-2) and their iconv-lite tables. */
const SINGLE_BYTE: Readonly<Record<string, string>> = {
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'tis620',
};
/** PS3.3 Table C.12-5: these never take part in code extensions. */
const STANDALONE = new Set(['ISO_IR 192', 'GB18030', 'GBK']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Throws unless `value` can be written with Buffer#write in the given simple encoding. */
export function assertEncodable(simple: 'ascii' | 'latin1' | 'utf8', value: string, terms: readonly string[]): void {
  const limit = simple === 'ascii' ? 0x80 : simple === 'latin1' ? 0x100 : 0x10000;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 && c < limit) continue;
    if (simple !== 'utf8') throw unrepresentable(terms, value.codePointAt(i) as number);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate would become EF BF BD (U+FFFD): a silent substitution.
      const next = value.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw unrepresentable(terms, c);
      i++;
    }
  }
}

abstract class SimpleCodec implements TextCodec {
  constructor(
    readonly terms: readonly string[],
    readonly simple: 'ascii' | 'latin1' | 'utf8',
  ) {}
  abstract decode(bytes: Uint8Array): string;
  encode(value: string): Buffer {
    assertEncodable(this.simple, value, this.terms);
    return Buffer.from(value, this.simple);
  }
}

/** Default repertoire. Reading is lenient (charsets.md §4): undeclared 8-bit text is tried as UTF-8, then Latin-1. */
class DefaultCodec extends SimpleCodec {
  decode(bytes: Uint8Array): string {
    const buf = asBuffer(bytes);
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] >= 0x80) {
        try {
          return strictUtf8.decode(buf);
        } catch {
          return buf.toString('latin1');
        }
      }
    }
    return buf.toString('latin1');
  }
}

class Latin1Codec extends SimpleCodec {
  decode(bytes: Uint8Array): string {
    return asBuffer(bytes).toString('latin1');
  }
}

class Utf8Codec extends SimpleCodec {
  decode(bytes: Uint8Array): string {
    return asBuffer(bytes).toString('utf8');
  }
}

class SingleByteCodec implements TextCodec {
  readonly simple = undefined;
  constructor(
    readonly terms: readonly string[],
    private readonly table: SingleByteTable,
  ) {}
  decode(bytes: Uint8Array): string {
    return this.table.decode(bytes);
  }
  encode(value: string): Buffer {
    const out = Buffer.allocUnsafe(value.length);
    let n = 0;
    for (const ch of value) {
      const cp = ch.codePointAt(0) as number;
      const b = cp < 0x80 ? cp : this.table.byteOf(cp);
      if (b < 0) throw unrepresentable(this.terms, cp);
      out[n++] = b;
    }
    return out.subarray(0, n);
  }
}

/** `ISO_IR 13` without extensions: JIS X 0201 Roman in GL, half-width katakana in GR. */
class JisX0201Codec implements TextCodec {
  readonly simple = undefined;
  constructor(readonly terms: readonly string[]) {}
  decode(bytes: Uint8Array): string {
    let out = '';
    for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : b >= 0xa1 && b <= 0xdf ? String.fromCharCode(0xff61 + b - 0xa1) : '\ufffd';
    return out;
  }
  encode(value: string): Buffer {
    const out: number[] = [];
    for (const ch of value) {
      const cp = ch.codePointAt(0) as number;
      if (cp < 0x80) out.push(cp);
      else if (cp >= 0xff61 && cp <= 0xff9f) out.push(cp - 0xff61 + 0xa1);
      else throw unrepresentable(this.terms, cp);
    }
    return Buffer.from(out);
  }
}

/** GB18030 / GBK through iconv-lite. In both, 0x3F is never a trail byte, so a '?' we did not write marks a substitution. */
class IconvMultiByteCodec implements TextCodec {
  readonly simple = undefined;
  constructor(
    readonly terms: readonly string[],
    private readonly iconvName: string,
  ) {}
  decode(bytes: Uint8Array): string {
    return iconv.decode(asBuffer(bytes), this.iconvName);
  }
  encode(value: string): Buffer {
    assertEncodable('utf8', value, this.terms);
    const out = iconv.encode(value, this.iconvName);
    if (count(out, 0x3f) !== countChar(value, '?')) {
      for (const ch of value) {
        if (ch !== '?' && iconv.encode(ch, this.iconvName).equals(QUESTION)) throw unrepresentable(this.terms, ch.codePointAt(0) as number);
      }
    }
    return out;
  }
}

/** Decodes like `fallback`, refuses to encode: used for unknown terms and forbidden combinations. */
class RefusingCodec implements TextCodec {
  readonly simple = undefined;
  constructor(
    readonly terms: readonly string[],
    private readonly fallback: TextCodec,
    private readonly error: CharsetError,
  ) {}
  decode(bytes: Uint8Array, personName: boolean): string {
    return this.fallback.decode(bytes, personName);
  }
  encode(): Buffer {
    throw this.error;
  }
}

const QUESTION = Buffer.from('?');
const cache = new Map<string, TextCodec>();

/** Codec for a (0008,0005) value list; built once per distinct list. */
export function getTextCodec(charsets: readonly string[]): TextCodec {
  const key = charsets.join('\\');
  let codec = cache.get(key);
  if (!codec) {
    codec = buildCodec(normaliseTerms(charsets));
    cache.set(key, codec);
  }
  return codec;
}

const byValue = new Map<string, TextCodec>();

/** Codec for a raw (0008,0005) value as found in a dataset; cached per distinct value (hot path of the encoders). */
export function getTextCodecForValue(value: string | undefined): TextCodec {
  const key = value ?? '';
  let codec = byValue.get(key);
  if (!codec) {
    codec = getTextCodec(parseSpecificCharacterSet(value));
    byValue.set(key, codec);
  }
  return codec;
}

/** Splits a raw (0008,0005) value; trims padding; keeps an empty first value (it means ISO 2022 IR 6). */
export function parseSpecificCharacterSet(value: string | undefined): string[] {
  if (!value || !value.trim()) return [];
  return normaliseTerms(value.split('\\'));
}

function normaliseTerms(charsets: readonly string[]): string[] {
  const terms = charsets.map((t) => t.trim());
  while (terms.length > 1 && terms[terms.length - 1] === '') terms.pop();
  return terms.length === 1 && terms[0] === '' ? [] : terms;
}

function buildCodec(terms: string[]): TextCodec {
  const isExtended = terms.length > 1 || terms.some((t) => t.startsWith('ISO 2022'));
  if (!isExtended) return buildSingle(terms, terms[0] ?? '');
  const standalone = terms.find((t) => STANDALONE.has(t));
  if (standalone) {
    const message = `${standalone} cannot be combined with code extensions`;
    return new RefusingCodec(terms, buildSingle([standalone], standalone), new CharsetError(CharsetErrorCode.InvalidCombination, message, terms));
  }
  // Lenient: accept `ISO_IR 100\ISO 2022 IR 87` as if written with the ISO 2022 spelling.
  const mapped = terms.map((t) => (t.startsWith('ISO_IR ') ? t.replace('ISO_IR ', 'ISO 2022 IR ') : t));
  const codec = new Iso2022Codec(mapped);
  const unknown = mapped.find((t) => t !== '' && !ISO2022_TERMS[t]);
  return unknown ? new RefusingCodec(terms, codec, unknownTerm(terms, unknown)) : codec;
}

function buildSingle(terms: string[], term: string): TextCodec {
  if (term === '' || term === 'ISO_IR 6') return new DefaultCodec(terms, 'ascii');
  if (term === 'ISO_IR 100') return new Latin1Codec(terms, 'latin1');
  if (term === 'ISO_IR 192') return new Utf8Codec(terms, 'utf8');
  if (term === 'GB18030') return new IconvMultiByteCodec(terms, 'gb18030');
  if (term === 'GBK') return new IconvMultiByteCodec(terms, 'gbk');
  if (term === 'ISO_IR 13') return new JisX0201Codec(terms);
  const table = SINGLE_BYTE[term];
  if (table) return new SingleByteCodec(terms, SingleByteTable.of(table));
  return new RefusingCodec(terms, new DefaultCodec(terms, 'ascii'), unknownTerm(terms, term));
}

function unknownTerm(terms: readonly string[], term: string): CharsetError {
  return new CharsetError(CharsetErrorCode.UnknownCharset, `unknown Specific Character Set term "${term}"`, terms);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function count(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i >= 0; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Encodes one text value under (0008,0005) `charsets`; throws `CharsetError` rather than substitute. */
export function encodeString(value: string, charsets: readonly string[], options: { personName?: boolean } = {}): Buffer {
  return getTextCodec(charsets).encode(value, options.personName ?? false);
}

/** Decodes one text value (all its `\`-separated values) under (0008,0005) `charsets`. */
export function decodeString(bytes: Uint8Array, charsets: readonly string[], options: { personName?: boolean } = {}): string {
  return getTextCodec(charsets).decode(bytes, options.personName ?? false);
}
