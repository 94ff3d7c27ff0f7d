import * as iconv from 'iconv-lite';
import { decodeHl7 } from './decode-hl7';
import { Hl7CharsetErrorCode } from './hl7-charset.errors';

// Real-world quirks: labels that lie, BOMs, ISO 2022 repetitions, broken segment ends, non-HL7 input.
// Synthetic patients only.

const MSH_TO_17 = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|MSG0002|P|2.3.1|||||DEU';
const utf8Options = { defaultCharset: 'UNICODE UTF-8' };

/** A message with `msh18` in MSH-18 and `name` (already bytes) in PID-5; `eol` ends every segment. */
function message(msh18: string, name: Buffer, eol = '\r'): Buffer {
  return Buffer.concat([
    Buffer.from(`${MSH_TO_17}|${msh18}${eol}PID|1||PAT0002^^^HOSP^MR||`, 'latin1'),
    name,
    Buffer.from(`||19750203|M${eol}`, 'latin1'),
  ]);
}
const pid5 = (decoded: { text: string }): string => decoded.text.split(/\r\n|\r|\n/)[1].split('|')[5];

const ZOE = 'Müller-Lüdenscheidt^Zoë';
const latin1 = (s: string): Buffer => iconv.encode(s, 'iso-8859-1');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const jis = (hex: string): Buffer => Buffer.concat([Buffer.from([0x1b, 0x24, 0x42]), Buffer.from(hex, 'hex'), Buffer.from([0x1b, 0x28, 0x42])]);
const YAMADA = jis('3b334544'); // 山田 in JIS X 0208
const TARO = jis(Buffer.from(iconv.encode('太郎', 'euc-jp').map((b) => b & 0x7f)).toString('hex'));

describe('decodeHl7', () => {
  describe('UTF-8 byte order mark', () => {
    it('strips it and reads UTF-8 even under an 8859/1 label, noting the mismatch', () => {
      const decoded = decodeHl7(Buffer.concat([BOM, message('8859/1', utf8(ZOE))]), utf8Options);
      expect(decoded).toMatchObject({ charset: 'UNICODE UTF-8', declared: '8859/1', bomStripped: true, mismatch: true });
      expect(decoded.text.startsWith('MSH|')).toBe(true);
      expect(pid5(decoded)).toBe(ZOE);
    });

    it.each(['UNICODE UTF-8', 'UNICODE', 'utf-8', ''])('is no mismatch under the label %p', (label) => {
      const decoded = decodeHl7(Buffer.concat([BOM, message(label, utf8(ZOE))]), { defaultCharset: '8859/1' });
      expect(decoded).toMatchObject({ bomStripped: true, mismatch: false });
      expect(pid5(decoded)).toBe(ZOE);
    });

    it('wins over a label we would otherwise reject', () => {
      const decoded = decodeHl7(Buffer.concat([BOM, message('UNICODE UTF-16', utf8(ZOE))]), utf8Options);
      expect(decoded).toMatchObject({ charset: 'UNICODE UTF-8', mismatch: true });
    });
  });

  describe('Latin-1 bytes', () => {
    it('without a label and a UTF-8 default: reads them as Latin-1 and notes the mismatch', () => {
      const decoded = decodeHl7(message('', latin1(ZOE)), utf8Options);
      expect(decoded).toMatchObject({ charset: '8859/1', declared: null, mismatch: true });
      expect(pid5(decoded)).toBe(ZOE);
    });

    it('without a label and an 8859/1 default: no mismatch', () => {
      const decoded = decodeHl7(message('', latin1(ZOE)), { defaultCharset: '8859/1' });
      expect(decoded).toMatchObject({ charset: '8859/1', declared: null, mismatch: false });
      expect(pid5(decoded)).toBe(ZOE);
    });

    it('labelled UTF-8: reads them as Latin-1 and notes the mismatch', () => {
      const decoded = decodeHl7(message('UNICODE UTF-8', latin1('Zoë')), utf8Options);
      expect(decoded).toMatchObject({ charset: '8859/1', declared: 'UNICODE UTF-8', mismatch: true });
      expect(pid5(decoded)).toBe('Zoë');
    });

    it('labelled 8859/1 with € at 0x80 (Windows-1252 in disguise): reads the €', () => {
      expect(pid5(decodeHl7(message('8859/1', Buffer.from([0x80, 0x31, 0x30])), utf8Options))).toBe('€10');
    });
  });

  describe('UTF-8 bytes labelled 8859/1', () => {
    it('reads é from C3 A9 rather than Ã©, and notes the mismatch', () => {
      const decoded = decodeHl7(message('8859/1', utf8('Doé^Zoë')), utf8Options);
      expect(decoded).toMatchObject({ charset: 'UNICODE UTF-8', declared: '8859/1', mismatch: true });
      expect(pid5(decoded)).toBe('Doé^Zoë');
    });

    it('also under the other ISO 8859 labels (mislabelled Cyrillic)', () => {
      const decoded = decodeHl7(message('8859/5', utf8('Тестова^Зоя')), utf8Options);
      expect(decoded).toMatchObject({ charset: 'UNICODE UTF-8', mismatch: true });
      expect(pid5(decoded)).toBe('Тестова^Зоя');
    });

    it('keeps 8859/1 for pure ASCII bytes', () => {
      expect(decodeHl7(message('8859/1', utf8('Doe^Jane')), utf8Options)).toMatchObject({ charset: '8859/1', mismatch: false });
    });
  });

  describe('ASCII label with bytes >= 0x80', () => {
    it('reads Latin-1 bytes as Latin-1', () => {
      const decoded = decodeHl7(message('ASCII', latin1(ZOE)), utf8Options);
      expect(decoded).toMatchObject({ charset: '8859/1', declared: 'ASCII', mismatch: true });
      expect(pid5(decoded)).toBe(ZOE);
    });

    it('reads valid UTF-8 as UTF-8', () => {
      const decoded = decodeHl7(message('ASCII', utf8(ZOE)), utf8Options);
      expect(decoded).toMatchObject({ charset: 'UNICODE UTF-8', mismatch: true });
      expect(pid5(decoded)).toBe(ZOE);
    });
  });

  it('notes bytes that are invalid in the declared charset (0xAE is unassigned in 8859/7)', () => {
    const decoded = decodeHl7(message('8859/7', Buffer.from([0xae, 0xc4])), utf8Options);
    expect(decoded).toMatchObject({ charset: '8859/7', mismatch: true });
    expect(pid5(decoded)).toBe('\ufffdΔ');
  });

  describe('Japanese (ISO 2022, JIS X 0208)', () => {
    const name = Buffer.concat([Buffer.from('YAMADA^TARO~'), YAMADA, Buffer.from('^'), TARO]);

    it.each([
      ['ISO IR87', 'ISO IR87'],
      ['ASCII~ISO IR87', 'ISO IR87'],
      ['~ISO IR87', 'ISO IR87'],
      ['ISO IR87~ISO IR159', 'ISO IR159'],
    ])('decodes ESC $ B ... ESC ( B under %p', (msh18, charset) => {
      const decoded = decodeHl7(message(msh18, name), utf8Options);
      expect(pid5(decoded)).toBe('YAMADA^TARO~山田^太郎');
      expect(decoded).toMatchObject({ charset, mismatch: false });
      expect(pid5(decoded)).toBe(new TextDecoder('iso-2022-jp').decode(name));
    });

    it('reports only the first repetition as declared', () => {
      expect(decodeHl7(message('ASCII~ISO IR87', name), utf8Options).declared).toBe('ASCII');
      expect(decodeHl7(message('~ISO IR87', name), utf8Options).declared).toBeNull();
    });

    it('recognises JIS escapes in a message without MSH-18', () => {
      const decoded = decodeHl7(message('', name), utf8Options);
      expect(decoded).toMatchObject({ charset: 'ISO IR87', declared: null, mismatch: true });
      expect(pid5(decoded)).toBe('YAMADA^TARO~山田^太郎');
    });

    it('reads half-width katakana as 8-bit G1 when ISO IR14 is declared', () => {
      const kana = Buffer.from([0xd4, 0xcf, 0xc0, 0xde]); // ﾔﾏﾀﾞ
      const decoded = decodeHl7(message('ISO IR14~ISO IR87', Buffer.concat([kana, Buffer.from('~'), YAMADA])), utf8Options);
      expect(pid5(decoded)).toBe('ﾔﾏﾀﾞ~山田');
      expect(decoded).toMatchObject({ charset: 'ISO IR87', mismatch: false });
    });

    it('keeps the first repetition’s 8859 table for high bytes', () => {
      const decoded = decodeHl7(message('8859/1~ISO IR87', Buffer.concat([latin1('Zoë~'), YAMADA])), utf8Options);
      expect(pid5(decoded)).toBe('Zoë~山田');
    });
  });

  describe('Korean (KS X 1001)', () => {
    const hong = iconv.encode('홍^길동', 'euc-kr');

    it.each(['KS X 1001', '~KS X 1001', 'ASCII~KS X 1001'])('reads EUC-KR bytes under %p', (msh18) => {
      const decoded = decodeHl7(message(msh18, hong), utf8Options);
      expect(decoded).toMatchObject({ charset: 'KS X 1001', mismatch: false });
      expect(pid5(decoded)).toBe('홍^길동');
    });

    it('drops DICOM-style ESC $ ) C designations', () => {
      const designate = Buffer.from([0x1b, 0x24, 0x29, 0x43]);
      const name = Buffer.concat([designate, iconv.encode('홍', 'euc-kr'), Buffer.from('^'), designate, iconv.encode('길동', 'euc-kr')]);
      expect(pid5(decodeHl7(message('KS X 1001', name), utf8Options))).toBe('홍^길동');
    });

    it('accepts CP949 Hangul outside KS X 1001, as senders use it', () => {
      expect(pid5(decodeHl7(message('KS X 1001', iconv.encode('똠^다은', 'euc-kr')), utf8Options))).toBe('똠^다은');
    });
  });

  it('reads four-byte GB 18030 sequences (beyond GBK)', () => {
    const decoded = decodeHl7(message('GB 18030-2000', iconv.encode('测试^𠀀雯', 'gb18030')), utf8Options);
    expect(decoded).toMatchObject({ charset: 'GB 18030-2000', mismatch: false });
    expect(pid5(decoded)).toBe('测试^𠀀雯');
  });

  it.each([
    ['8859/5', 'iso-8859-5', 'Тестова^Зоя'],
    ['8859/7', 'iso-8859-7', 'Δοκιμή^Ζωή'],
  ])('reads %s (real text in it is not mistaken for UTF-8)', (msh18, encoding, name) => {
    expect(decodeHl7(message(msh18, iconv.encode(name, encoding)), utf8Options)).toMatchObject({ charset: msh18, mismatch: false });
  });

  describe('UTF-16 and UTF-32', () => {
    it.each(['UNICODE UTF-16', 'UNICODE UTF-32', 'utf-16'])('rejects the label %p', (msh18) => {
      expect(() => decodeHl7(message(msh18, utf8('Doe')), utf8Options)).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnsupportedCharset }));
    });

    it.each([
      ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`${MSH_TO_17}|UNICODE UTF-16\r`, 'utf16le')]), 'UNICODE UTF-16'],
      ['UTF-16BE without BOM', iconv.encode(`${MSH_TO_17}|UNICODE UTF-16\r`, 'utf16be'), 'UNICODE UTF-16'],
      ['UTF-32LE', iconv.encode(`${MSH_TO_17}|UNICODE UTF-32\r`, 'utf32le'), 'UNICODE UTF-32'],
    ])('rejects %s bytes as such, not as "not HL7"', (_, raw, charset) => {
      expect(() => decodeHl7(raw, utf8Options)).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnsupportedCharset, ref: { charset } }));
    });
  });

  describe('reading MSH-18', () => {
    it('uses the default when MSH has fewer than 18 fields', () => {
      const raw = Buffer.concat([Buffer.from('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|MSG0003|P|2.3.1\rPID|1||X||'), latin1('Zoë')]);
      expect(decodeHl7(raw, { defaultCharset: '8859/1' })).toMatchObject({ charset: '8859/1', declared: null, mismatch: false });
    });

    it.each([
      ['CR', '\r'],
      ['CRLF', '\r\n'],
      ['LF', '\n'],
    ])('stops at the end of MSH with %s segment ends, which stay in the text', (_, eol) => {
      const decoded = decodeHl7(message('8859/1', latin1(ZOE), eol), utf8Options);
      expect(decoded).toMatchObject({ charset: '8859/1', declared: '8859/1', mismatch: false });
      expect(decoded.text).toContain(`|8859/1${eol}PID|`);
      expect(pid5(decoded)).toBe(ZOE);
    });

    it('does not take MSH-19 for MSH-18', () => {
      const raw = Buffer.from(`${MSH_TO_17}||UNICODE UTF-8\rPID|1\r`);
      expect(decodeHl7(raw, { defaultCharset: 'ASCII' })).toMatchObject({ charset: 'ASCII', declared: null });
    });

    it('uses the sender’s own delimiters (MSH-1 and the repetition character from MSH-2)', () => {
      const raw = Buffer.concat([Buffer.from('MSH#^!\\&#RIS#HOSP#RADFLOW#RAD#20261123101500##ORM^O01#MSG0004#P#2.3.1#####JPN#ASCII!ISO IR87\rPID#1###'), YAMADA]);
      const decoded = decodeHl7(raw, utf8Options);
      expect(decoded).toMatchObject({ charset: 'ISO IR87', declared: 'ASCII' });
      expect(decoded.text.endsWith('PID#1###山田')).toBe(true);
    });

    it('skips CR/LF before MSH and leaves them out of the text', () => {
      const decoded = decodeHl7(Buffer.concat([Buffer.from('\r\n\n'), message('8859/1', latin1(ZOE))]), utf8Options);
      expect(decoded.text.startsWith('MSH|^~\\&|')).toBe(true);
    });

    it('rejects an unknown MSH-18 value, naming it', () => {
      expect(() => decodeHl7(message('EBCDIC', utf8('Doe')), utf8Options)).toThrow(
        expect.objectContaining({ code: Hl7CharsetErrorCode.UnknownCharset, ref: { charset: 'EBCDIC' } }),
      );
    });

    it('rejects an unknown default when MSH-18 is empty', () => {
      expect(() => decodeHl7(message('', utf8('Doe')), { defaultCharset: 'latin-42' })).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnknownCharset }));
    });
  });

  describe('not HL7', () => {
    it.each([
      ['no MSH', Buffer.from('PID|1||X\r')],
      ['empty input', Buffer.alloc(0)],
      ['MSH without a field separator', Buffer.from('MSH\rPID|1\r')],
      ['MSH followed by a letter', Buffer.from('MSHX^~\\&\r')],
      ['MSH after leading spaces', Buffer.from('  MSH|^~\\&|\r')],
      ['a batch header', Buffer.from('FHS|^~\\&|RIS\rMSH|^~\\&|\r')],
      ['HTTP', Buffer.from('GET / HTTP/1.1\r\n')],
    ])('%s', (_, raw) => {
      expect(() => decodeHl7(raw, utf8Options)).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.NotHl7 }));
    });
  });
});
