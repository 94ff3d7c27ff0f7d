import { getTextCodec } from './text-codec';
import { canEncode, fitToCharset } from './unrepresentable';

const latin1 = getTextCodec(['ISO_IR 100']);
const ascii = getTextCodec([]);
const latin2 = getTextCodec(['ISO_IR 101']);
const japanese = getTextCodec(['', 'ISO 2022 IR 87']);

describe('fitToCharset', () => {
  it.each<[string, string, string]>([
    ['Polish into Latin-1: Ł and Ż folded, ó kept', 'Łukasiewicz^Żaneta Józefa', 'Lukasiewicz^Zaneta Józefa'],
    ['Czech háček folded, the acute accents Latin-1 has kept', 'Dvořák^Jiří', 'Dvorák^Jirí'],
    ['Cyrillic romanised', 'Петрова^Ольга', "Petrova^Ol'ga"], // any-ascii writes the soft sign as an apostrophe,
    ['Greek romanised', 'Νικολάου^Ελένη', 'Nikolaoy^Eleni'], // letter by letter: υ is y,
    ['Latin-1 characters kept', 'Müller^Zoë', 'Müller^Zoë'],
  ])('transliterate, %s', (_name, value, expected) => {
    expect(fitToCharset(value, latin1, 'transliterate', true)).toBe(expected);
  });

  it('folds into ASCII whatever Latin-1 would have kept', () => {
    expect(fitToCharset('Müller^Zoë', ascii, 'transliterate', true)).toBe('Muller^Zoe');
  });

  it('keeps what the target set holds: ř stays in Latin-2', () => {
    expect(fitToCharset('Dvořák', latin2, 'transliterate')).toBe('Dvořák');
  });

  it('a decomposed accent (r + combining caron) is composed first, then folded', () => {
    expect(fitToCharset('Dvor\u030Cák', latin1, 'transliterate', true)).toBe('Dvorák');
  });

  it('drops ideographic and phonetic groups the set cannot hold when the alphabetic group is there', () => {
    expect(fitToCharset('Yamada^Hanako=山田^花子=やまだ^はなこ', latin1, 'transliterate', true)).toBe('Yamada^Hanako');
  });

  it('romanises an ideographic group into the alphabetic one when that is empty, without adding delimiters', () => {
    const out = fitToCharset('=山田^花子', latin1, 'transliterate', true);
    expect(out.split('^')).toHaveLength(2);
    expect(out).toMatch(/^[A-Za-z]+\^[A-Za-z]+$/);
  });

  it('keeps groups the set holds', () => {
    expect(fitToCharset('Yamada^Hanako=山田^花子', japanese, 'transliterate', true)).toBe('Yamada^Hanako=山田^花子');
  });

  it('replace: one ? per character that does not fit, whatever the script', () => {
    expect(fitToCharset('Łukasiewicz^Żaneta', latin1, 'replace', true)).toBe('?ukasiewicz^?aneta');
    expect(fitToCharset('Петрова', ascii, 'replace')).toBe('???????');
    expect(fitToCharset('a😀b', ascii, 'replace')).toBe('a?b');
  });

  it('the result always fits', () => {
    for (const v of ['Ωμέγα', '王晓明', 'Ærøskøbing', 'İstanbul', 'ﬁ', '😀']) {
      for (const codec of [latin1, ascii, latin2]) expect(canEncode(codec, fitToCharset(v, codec, 'transliterate'))).toBe(true);
    }
  });
});
