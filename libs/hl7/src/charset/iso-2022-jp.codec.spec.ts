import { Hl7CharsetErrorCode } from './hl7-charset.errors';
import { decodeIso2022Jp, encodeIso2022Jp, hasJisDesignation } from './iso-2022-jp.codec';

const ESC = '\u001b';
const TO_0208 = `${ESC}$B`;
const TO_0212 = `${ESC}$(D`;
const TO_ASCII = `${ESC}(B`;
/** Test input written as a string of byte values (all < 0x100). */
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const oracle = new TextDecoder('iso-2022-jp');

describe('decodeIso2022Jp', () => {
  it.each([
    ['ESC $ B kanji, ESC ( B back', `Yamada^Tarou=${TO_0208};3ED${TO_ASCII}^${TO_0208}B@O:${TO_ASCII}`, 'Yamada^Tarou=山田^太郎'],
    ['ESC $ @ (JIS C 6226-1978)', `${ESC}$@;3ED${TO_ASCII}`, '山田'],
    ['ESC ( J (JIS Roman) as ASCII', `${TO_0208};3${ESC}(JA^B`, '山A^B'],
    ['ESC ( I (7-bit katakana)', `${ESC}(I6E${TO_ASCII}`, 'ｶﾅ'],
  ])('agrees with WHATWG TextDecoder: %s', (_, input, expected) => {
    expect(decodeIso2022Jp(bytes(input), null)).toEqual({ text: expected, clean: true });
    expect(oracle.decode(bytes(input))).toBe(expected);
  });

  it('reads JIS X 0212 after ESC $ ( D, which WHATWG does not', () => {
    expect(decodeIso2022Jp(bytes(`${TO_0212}0!${TO_ASCII}`), null)).toEqual({ text: '丂', clean: true });
  });

  it('accepts back-to-back escapes (WHATWG flags them, ISO 2022 allows them)', () => {
    expect(decodeIso2022Jp(bytes(`${TO_0208};3${TO_ASCII}${TO_0208}ED${TO_ASCII}`), null)).toEqual({ text: '山田', clean: true });
  });

  it('reads 8-bit half-width katakana in G1 after ESC ) I or when ISO IR14 starts in G1', () => {
    expect(decodeIso2022Jp(Buffer.from([0x1b, 0x29, 0x49, 0xb6, 0xc5]), null).text).toBe('ｶﾅ');
    expect(decodeIso2022Jp(Buffer.from([0xb6, 0xc5, 0x5e, 0xd4]), { katakana: true })).toEqual({ text: 'ｶﾅ^ﾔ', clean: true });
  });

  it('reads G1 through an 8859 table', () => {
    expect(decodeIso2022Jp(Buffer.from([0x5a, 0x6f, 0xeb]), { table: 'windows-1252' })).toEqual({ text: 'Zoë', clean: true });
  });

  it('returns to ASCII at CR and LF, so a missing ESC ( B does not garble the next segment', () => {
    expect(decodeIso2022Jp(bytes(`PID|${TO_0208};3\rPV1|1\n|2`), null)).toEqual({ text: 'PID|山\rPV1|1\n|2', clean: true });
  });

  it('keeps space and controls as they are inside a 2-byte run', () => {
    expect(decodeIso2022Jp(bytes(`${TO_0208};3 ED${TO_ASCII}`), null).text).toBe('山 田');
  });

  it.each([
    ['an odd byte in a 2-byte run', `${TO_0208};3E${TO_ASCII}|`, '山\ufffd|'],
    ['an unknown escape', `A${ESC}$)CB`, `A${ESC}$)CB`],
    ['high bytes with nothing in G1', 'Zo\u00eb', 'Zoë'],
    ['a byte outside 7-bit katakana', `${ESC}(I\u0070${TO_ASCII}`, '\ufffd'],
  ])('says it is not clean on %s', (_, input, expected) => {
    expect(decodeIso2022Jp(bytes(input), null)).toEqual({ text: expected, clean: false });
  });

  it('finds JIS designations for sniffing unlabelled messages', () => {
    expect(hasJisDesignation(bytes(`A${TO_0208};3${TO_ASCII}`))).toBe(true);
    expect(hasJisDesignation(bytes(`A${TO_0212}0!${TO_ASCII}`))).toBe(true);
    expect(hasJisDesignation(bytes(`A${TO_ASCII}B${ESC}(I4`))).toBe(false);
    expect(hasJisDesignation(bytes('MSH|^~\\&|'))).toBe(false);
  });
});

describe('encodeIso2022Jp', () => {
  it('writes kanji between ESC $ B and ESC ( B, delimiters and CR always in ASCII', () => {
    const encoded = encodeIso2022Jp('山田^太郎|x\r', 'ISO IR87');
    expect(encoded.toString('latin1')).toBe(`${TO_0208};3ED${TO_ASCII}^${TO_0208}B@O:${TO_ASCII}|x\r`);
    expect(oracle.decode(encoded)).toBe('山田^太郎|x\r');
  });

  it('switches to JIS X 0212 under ISO IR159, only for characters 0208 lacks', () => {
    expect(encodeIso2022Jp('山丂é', 'ISO IR159').toString('latin1')).toBe(`${TO_0208};3${TO_0212}0!+1${TO_ASCII}`);
  });

  it('writes half-width katakana as 8-bit bytes for ISO IR14', () => {
    expect([...encodeIso2022Jp('ｶﾅ^A', 'ISO IR14')]).toEqual([0xb6, 0xc5, 0x5e, 0x41]);
  });

  it.each([
    ['half-width katakana', 'ｶ', 'ISO IR87' as const, 'U+FF76'],
    ['JIS X 0212 kanji', '丂', 'ISO IR87' as const, 'U+4E02'],
    ['Latin-1 (JIS X 0212 has it)', 'é', 'ISO IR87' as const, 'U+00E9'],
    ['kanji', '山', 'ISO IR14' as const, 'U+5C71'],
    ['an emoji', '😀', 'ISO IR159' as const, 'U+1F600'],
  ])('refuses %s under %s', (_, ch, charset, codePoint) => {
    expect(() => encodeIso2022Jp(`AB${ch}`, charset)).toThrow(
      expect.objectContaining({ code: Hl7CharsetErrorCode.UnrepresentableCharacter, ref: { charset, index: 2, codePoint } }),
    );
  });
});
