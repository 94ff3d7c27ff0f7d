import anyAsciiModule from 'any-ascii';
import { CharsetError } from './charset.errors';
import type { TextCodec } from './text-codec.types';

/**
 * What to do with a value the answer's character set cannot hold (mwl-cfind.md §4):
 * `transliterate` folds diacritics (ř → r) and romanises other scripts (Петрова → Petrova);
 * `replace` writes `?` for each character that does not fit, as dcm4che does; `utf8` leaves the
 * value alone and answers in ISO_IR 192 instead of the configured set.
 */
export type UnrepresentablePolicy = 'transliterate' | 'replace' | 'utf8';
export const UNREPRESENTABLE_POLICIES = ['transliterate', 'replace', 'utf8'] as const satisfies readonly UnrepresentablePolicy[];

// any-ascii ships as an ES module; required from CommonJS its namespace may or may not be unwrapped.
const anyAscii: (s: string) => string = typeof anyAsciiModule === 'function' ? anyAsciiModule : (anyAsciiModule as unknown as { default: (s: string) => string }).default;

const COMBINING_MARKS = /\p{M}/gu;
/** Transliterations must not add value delimiters, nor PN component and group delimiters. */
const DELIMITERS = /[\\]/g;
const PN_DELIMITERS = /[\\^=]/g;

/** Whether `codec` can write `value` as it is. */
export function canEncode(codec: TextCodec, value: string, personName = false): boolean {
  if (codec.simple === 'utf8') return true;
  if (codec.simple === 'latin1') return !/[^\x00-\xff]/.test(value);
  if (codec.simple === 'ascii') return !/[^\x00-\x7f]/.test(value);
  try {
    codec.encode(value, personName);
    return true;
  } catch (err) {
    if (err instanceof CharsetError) return false;
    throw err;
  }
}

/**
 * `value` rewritten so that `codec` can encode it; characters that fit are kept as they are.
 * A person name keeps its structure: with an alphabetic group present, ideographic and phonetic
 * groups that do not fit are dropped (the alphabetic group is the romanised name already); without
 * one, the first other group is romanised into it.
 */
export function fitToCharset(value: string, codec: TextCodec, policy: 'transliterate' | 'replace', personName = false): string {
  const nfc = value.normalize('NFC');
  if (canEncode(codec, nfc, personName)) return nfc;
  const fit = (v: string): string => Array.from(v, (ch) => (canEncode(codec, ch, personName) ? ch : substitute(ch, codec, policy, personName))).join('');
  if (!personName || policy === 'replace') return fit(nfc);
  return nfc
    .split('\\')
    .map((name) => fitPersonName(name, codec, fit))
    .join('\\');
}

function fitPersonName(name: string, codec: TextCodec, fit: (v: string) => string): string {
  const groups = name.split('=');
  const [alphabetic, ...others] = groups;
  if (!alphabetic && others.some(Boolean)) {
    const source = others.find(Boolean) as string;
    return fit(source);
  }
  const kept = others.map((g) => (canEncode(codec, g, true) ? g : ''));
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return [fit(alphabetic), ...kept].join('=');
}

function substitute(ch: string, codec: TextCodec, policy: 'transliterate' | 'replace', personName: boolean): string {
  if (policy === 'replace') return '?';
  const folded = ch.normalize('NFD').replace(COMBINING_MARKS, '');
  if (folded && folded !== ch && canEncode(codec, folded, personName)) return folded;
  const latin = anyAscii(ch).replace(personName ? PN_DELIMITERS : DELIMITERS, '');
  // ASCII fits every set but ISO 2022 IR 13's JIS Roman; a character with no romanisation becomes '?'.
  return latin && canEncode(codec, latin, personName) ? latin : '?';
}
