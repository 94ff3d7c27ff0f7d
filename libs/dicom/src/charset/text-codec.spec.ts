import iconv from 'iconv-lite';
import { CharsetError, CharsetErrorCode } from './charset.errors';
import { decodeString, encodeString, parseSpecificCharacterSet } from './text-codec';

const PN = { personName: true };
const roundTrip = (value: string, charsets: string[], opts = {}): string => decodeString(encodeString(value, charsets, opts), charsets, opts);
const errorOf = (fn: () => unknown): CharsetError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CharsetError) return e;
    throw e;
  }
  throw new Error('expected a CharsetError');
};

describe('single-value character sets', () => {
  it.each([
    ['ISO_IR 100', 'Müller^Zoë', 'Müller^Zoë'],
    ['ISO_IR 101', 'Wójcik^Łucja', 'Wójcik^Łucja'],
    ['ISO_IR 109', 'Ħabib^Ġorġ', 'Ħabib^Ġorġ'],
    ['ISO_IR 110', 'Ābele^Ģirts', 'Ābele^Ģirts'],
    ['ISO_IR 144', 'Соколова^Вера', 'Соколова^Вера'],
    ['ISO_IR 127', 'قاسم^ليلى', 'قاسم^ليلى'],
    ['ISO_IR 126', 'Λαμπράκη^Δανάη', 'Λαμπράκη^Δανάη'],
    ['ISO_IR 138', 'שמואלי^נועה', 'שמואלי^נועה'],
    ['ISO_IR 148', 'Yıldız^Şule', 'Yıldız^Şule'],
    ['ISO_IR 203', 'Œuvre^€', 'Œuvre^€'],
    ['ISO_IR 166', 'สมใจ^ดี', 'สมใจ^ดี'],
    ['ISO_IR 192', 'Ñandú^李^🦉', 'Ñandú^李^🦉'],
    ['GB18030', '欧阳^晓东^🦉', '欧阳^晓东^🦉'],
    ['GBK', '欧阳^晓东', '欧阳^晓东'],
    ['ISO_IR 13', 'ｻｸﾗｲ^ﾕｷ', 'ｻｸﾗｲ^ﾕｷ'],
  ])('%s round-trips %s', (term, value, expected) => {
    expect(roundTrip(value, [term], PN)).toBe(expected);
  });

  it('writes ISO_IR 100 as Latin-1 bytes, not UTF-8', () => {
    expect(encodeString('Müller', ['ISO_IR 100'])).toEqual(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]));
  });

  it('writes GB18030 with its 4-byte sequences for characters outside GBK', () => {
    expect(encodeString('🦉', ['GB18030']).length).toBe(4);
  });

  it.each([
    [[], 'Zoë', 0xeb],
    [['ISO_IR 100'], 'Łucja', 0x141],
    [['ISO_IR 101'], 'Zoë€', 0x20ac],
    [['ISO_IR 144'], 'Vera', -1],
    [['GBK'], 'Ko🦉', 0x1f989],
    [['ISO_IR 13'], '桜', 0x685c],
    [['ISO_IR 192'], 'a\ud800b', 0xd800],
  ])('refuses characters outside %j', (charsets, value, codePoint) => {
    if (codePoint < 0) {
      expect(() => encodeString(value, charsets)).not.toThrow();
      return;
    }
    const error = errorOf(() => encodeString(value, charsets));
    expect(error.code).toBe(CharsetErrorCode.UnrepresentableCharacter);
    expect(error.codePoint).toBe(codePoint);
  });

  it('reads undeclared 8-bit text leniently: UTF-8 first, Latin-1 otherwise', () => {
    expect(decodeString(Buffer.from('Zoë', 'utf8'), [])).toBe('Zoë');
    expect(decodeString(Buffer.from('Zoë', 'latin1'), [])).toBe('Zoë');
  });

  it('refuses to encode with unknown terms or forbidden combinations, but still decodes', () => {
    expect(errorOf(() => encodeString('A', ['ISO_IR 999'])).code).toBe(CharsetErrorCode.UnknownCharset);
    expect(errorOf(() => encodeString('A', ['ISO_IR 192', 'ISO 2022 IR 87'])).code).toBe(CharsetErrorCode.InvalidCombination);
    expect(decodeString(Buffer.from('Zoë', 'utf8'), ['ISO_IR 192', 'ISO 2022 IR 87'])).toBe('Zoë');
  });

  it('parses (0008,0005) values keeping an empty first value', () => {
    expect(parseSpecificCharacterSet('\\ISO 2022 IR 87 ')).toEqual(['', 'ISO 2022 IR 87']);
    expect(parseSpecificCharacterSet('ISO_IR 100 ')).toEqual(['ISO_IR 100']);
    expect(parseSpecificCharacterSet('  ')).toEqual([]);
    expect(parseSpecificCharacterSet(undefined)).toEqual([]);
  });
});

describe('ISO 2022 code extensions', () => {
  const ESC = '\x1b';
  /** JIS X 0208 bytes of a string: EUC-JP with the high bit cleared (independent of our codec). */
  const jis = (s: string): string => Buffer.from(iconv.encode(s, 'euc-jp').map((b) => b & 0x7f)).toString('latin1');
  const euc = (s: string, enc: string): string => iconv.encode(s, enc).toString('latin1');
  const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

  it('encodes a Japanese PN (IR 87) with a switch back to ASCII before every delimiter', () => {
    const name = 'Sakurai^Hinako=桜井^陽菜子=さくらい^ひなこ';
    const expected =
      `Sakurai^Hinako=${ESC}$B${jis('桜井')}${ESC}(B^${ESC}$B${jis('陽菜子')}${ESC}(B=` +
      `${ESC}$B${jis('さくらい')}${ESC}(B^${ESC}$B${jis('ひなこ')}${ESC}(B`;
    const encoded = encodeString(name, ['', 'ISO 2022 IR 87'], PN);
    expect(encoded).toEqual(bytes(expected));
    // An independent decoder (WHATWG iso-2022-jp in Node's ICU) reads our bytes the same way.
    expect(new TextDecoder('iso-2022-jp').decode(encoded)).toBe(name);
    expect(decodeString(encoded, ['ISO 2022 IR 6', 'ISO 2022 IR 87'], PN)).toBe(name);
  });

  it('uses G1 katakana and JIS X 0201 Roman when value 1 is ISO 2022 IR 13', () => {
    const name = 'ｻｸﾗｲ^ﾋﾅｺ=桜井^陽菜子';
    const kana = (s: string): string => Array.from(s, (c) => String.fromCharCode(c.codePointAt(0)! - 0xff61 + 0xa1)).join('');
    const expected = `${kana('ｻｸﾗｲ')}^${kana('ﾋﾅｺ')}=${ESC}$B${jis('桜井')}${ESC}(J^${ESC}$B${jis('陽菜子')}${ESC}(J`;
    const encoded = encodeString(name, ['ISO 2022 IR 13', 'ISO 2022 IR 87'], PN);
    expect(encoded).toEqual(bytes(expected));
    expect(decodeString(encoded, ['ISO 2022 IR 13', 'ISO 2022 IR 87'], PN)).toBe(name);
  });

  it('reaches JIS X 0212 (IR 159) for supplementary kanji', () => {
    const encoded = encodeString('Ab丂', ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159']);
    expect(encoded).toEqual(bytes(`Ab${ESC}$(D\x30\x21${ESC}(B`));
    expect(decodeString(encoded, ['', 'ISO 2022 IR 87', 'ISO 2022 IR 159'])).toBe('Ab丂');
  });

  it('encodes a Korean PN (IR 149) re-designating G1 after each ^ and =', () => {
    const name = 'Seo^Jiwoo=徐^智友=서^지우';
    const ks = (s: string): string => `${ESC}$)C${euc(s, 'euc-kr')}`;
    const expected = `Seo^Jiwoo=${ks('徐')}^${ks('智友')}=${ks('서')}^${ks('지우')}`;
    const encoded = encodeString(name, ['', 'ISO 2022 IR 149'], PN);
    expect(encoded).toEqual(bytes(expected));
    expect(decodeString(encoded, ['', 'ISO 2022 IR 149'], PN)).toBe(name);
  });

  it('does not reset at ^ and = outside PN, and reads a once-designated G1 leniently', () => {
    const lo = encodeString('서=지우', ['', 'ISO 2022 IR 149']);
    expect(lo).toEqual(bytes(`${ESC}$)C${euc('서', 'euc-kr')}=${euc('지우', 'euc-kr')}`));
    expect(decodeString(lo, ['', 'ISO 2022 IR 149'], PN)).toBe('서=지우');
  });

  it('encodes simplified Chinese (IR 58) in G1', () => {
    const encoded = encodeString('Zhou^Yi=周^怡', ['', 'ISO 2022 IR 58'], PN);
    expect(encoded).toEqual(bytes(`Zhou^Yi=${ESC}$)A${euc('周', 'gbk')}^${ESC}$)A${euc('怡', 'gbk')}`));
    expect(decodeString(encoded, ['', 'ISO 2022 IR 58'], PN)).toBe('Zhou^Yi=周^怡');
  });

  it('resets at the value delimiter of a multi-valued text element', () => {
    const encoded = encodeString('桜\\菜', ['', 'ISO 2022 IR 87']);
    expect(encoded).toEqual(bytes(`${ESC}$B${jis('桜')}${ESC}(B\\${ESC}$B${jis('菜')}${ESC}(B`));
    expect(decodeString(encoded, ['', 'ISO 2022 IR 87'])).toBe('桜\\菜');
  });

  it('combines Latin-1 in G1 with kanji in G0', () => {
    const charsets = ['ISO 2022 IR 100', 'ISO 2022 IR 87'];
    expect(roundTrip('Zoë=桜', charsets, PN)).toBe('Zoë=桜');
  });

  it('refuses characters none of the declared sets has', () => {
    const error = errorOf(() => encodeString('Seo=서', ['', 'ISO 2022 IR 87'], PN));
    expect(error.code).toBe(CharsetErrorCode.UnrepresentableCharacter);
    expect(error.codePoint).toBe('서'.codePointAt(0));
  });
});
