import { decodeHl7 } from './decode-hl7';
import { encodeHl7 } from './encode-hl7';
import { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';

// Per-row round trips live in hl7-charset-rows.spec.ts; this file covers the encoder's refusals.

const ack = (msh18: string, text: string): string =>
  `MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501||ACK^O01^ACK|RF000987|P|2.3.1|||||DEU|${msh18}\rMSA|AE|MSG000123|${text}\r`;

describe('encodeHl7', () => {
  it.each([
    ['ASCII', 'Required field missing: OBR-18'],
    ['8859/1', 'Patient Zoë Müller-Lüdenscheidt unbekannt'],
    ['8859/15', 'Gebühr 10 €'],
    ['UNICODE UTF-8', 'Zoë 测试 😀'],
    ['ISO IR87', '受付番号 MSG000123 不明'],
    ['KS X 1001', '시험 다은'],
    ['GB 18030-2000', '测试 𠀀'],
  ])('round-trips an ACK through decodeHl7 in %s', (charset, text) => {
    const message = ack(charset, text);
    expect(decodeHl7(encodeHl7(message, charset), { defaultCharset: 'ASCII' })).toMatchObject({ text: message, charset, mismatch: false });
  });

  it('accepts aliases and any case', () => {
    expect(encodeHl7('Zoë', ' latin1 ')).toEqual(Buffer.from([0x5a, 0x6f, 0xeb]));
    expect(encodeHl7('Zoë', 'utf8')).toEqual(Buffer.from('Zoë', 'utf8'));
  });

  it('writes our plain ASCII ACK text identically in every ASCII-compatible charset', () => {
    const text = ack('', 'Unknown key identifier');
    for (const charset of ['ASCII', '8859/1', '8859/5', 'ISO IR14', 'ISO IR87', 'KS X 1001', 'BIG-5', 'GB 18030-2000', 'UNICODE']) {
      expect(encodeHl7(text, charset)).toEqual(Buffer.from(text, 'latin1'));
    }
  });

  describe('characters the target charset cannot hold', () => {
    it.each([
      ['ë in ASCII', 'ASCII', 'Zoë', 2, 'U+00EB'],
      ['€ in 8859/1 (no Windows-1252 bytes under an 8859 label)', '8859/1', 'Fee €', 4, 'U+20AC'],
      ['a C1 control in 8859/1', '8859/1', 'x\u0081', 1, 'U+0081'],
      ['Chinese in 8859/1', '8859/1', 'Doe 测试', 4, 'U+6D4B'],
      ['Cyrillic in 8859/2', '8859/2', 'Dvořák Зоя', 7, 'U+0417'],
      ['an emoji in BIG-5', 'BIG-5', '測試😀', 2, 'U+1F600'],
      ['CP949-only Hangul in KS X 1001', 'KS X 1001', '다은 똠', 3, 'U+B620'],
      ['half-width katakana in ISO IR87', 'ISO IR87', '山ｶ', 1, 'U+FF76'],
      ['a lone surrogate in UTF-8', 'UNICODE UTF-8', 'ab\ud800', 2, 'U+D800'],
    ])('throws UNREPRESENTABLE_CHARACTER for %s, never writes "?"', (_, charset, text, index, codePoint) => {
      let thrown: unknown;
      try {
        encodeHl7(text, charset);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Hl7CharsetError);
      expect(thrown).toMatchObject({ code: Hl7CharsetErrorCode.UnrepresentableCharacter, ref: { charset, index, codePoint } });
    });

    it('keeps the text out of the error message (it may be a patient name)', () => {
      expect(() => encodeHl7('Zoë Müller', 'ASCII')).toThrow('character U+00EB at index 2 cannot be encoded in ASCII');
    });
  });

  it.each([
    ['UNICODE UTF-16', Hl7CharsetErrorCode.UnsupportedCharset],
    ['UTF-32', Hl7CharsetErrorCode.UnsupportedCharset],
    ['CNS 11643-1992', Hl7CharsetErrorCode.UnsupportedCharset],
    ['EBCDIC', Hl7CharsetErrorCode.UnknownCharset],
    ['', Hl7CharsetErrorCode.UnknownCharset],
  ])('refuses the charset %p', (charset, code) => {
    expect(() => encodeHl7('ACK', charset)).toThrow(expect.objectContaining({ code }));
  });
});
