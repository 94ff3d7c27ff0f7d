import * as iconv from 'iconv-lite';
import { decodeHl7 } from './decode-hl7';
import { encodeHl7 } from './encode-hl7';
import { HL7_CHARSETS, Hl7CharsetName } from './hl7-charset';
import { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';

// One case per row of HL7 table 0211: a made-up patient name in that script, encoded by iconv-lite
// (not by the code under test), put into PID-5 of a message whose MSH-18 names the row.

const ESC = 0x1b;

/**
 * ISO-2022-JP as the test builds it: EUC-JP codes AND 0x7F, one ESC $ B / ESC $ ( D per run of the
 * same set, ESC ( B before ASCII (WHATWG's decoder, our oracle, rejects back-to-back escapes).
 */
function iso2022jp(text: string): Buffer {
  const out: number[] = [];
  let set = 'ascii';
  const switchTo = (next: string, escape: number[]): void => {
    if (set !== next) out.push(ESC, ...escape);
    set = next;
  };
  for (const ch of text) {
    const euc = iconv.encode(ch, 'euc-jp');
    if (euc.length === 1) {
      switchTo('ascii', [0x28, 0x42]);
      out.push(euc[0]);
    } else if (euc[0] === 0x8f) {
      switchTo('0212', [0x24, 0x28, 0x44]);
      out.push(euc[1] & 0x7f, euc[2] & 0x7f);
    } else {
      switchTo('0208', [0x24, 0x42]);
      out.push(euc[0] & 0x7f, euc[1] & 0x7f);
    }
  }
  switchTo('ascii', [0x28, 0x42]);
  return Buffer.from(out);
}

interface RowCase {
  readonly name: string;
  readonly encode: (name: string) => Buffer;
}

const iconvAs = (encoding: string) => (name: string) => iconv.encode(name, encoding);

const ROW_CASES: Record<Exclude<Hl7CharsetName, 'CNS 11643-1992' | 'UNICODE UTF-16' | 'UNICODE UTF-32'>, RowCase> = {
  ASCII: { name: 'Testperson^Alpha', encode: iconvAs('ascii') },
  '8859/1': { name: 'Müller-Lüdenscheidt^Zoë', encode: iconvAs('iso-8859-1') },
  '8859/2': { name: 'Dvořáková^Žofie', encode: iconvAs('iso-8859-2') },
  '8859/3': { name: 'Ħaġżon^Ĉirilo', encode: iconvAs('iso-8859-3') },
  '8859/4': { name: 'Ķēniņš^Ģirts', encode: iconvAs('iso-8859-4') },
  '8859/5': { name: 'Тестова^Зоя', encode: iconvAs('iso-8859-5') },
  '8859/6': { name: 'اختبار^سلمى', encode: iconvAs('iso-8859-6') },
  '8859/7': { name: 'Δοκιμή^Ζωή', encode: iconvAs('iso-8859-7') },
  '8859/8': { name: 'בדיקה^נועה', encode: iconvAs('iso-8859-8') },
  '8859/9': { name: 'Denemeoğlu^Işıl', encode: iconvAs('iso-8859-9') },
  '8859/15': { name: 'Kœnig-Šimek^Ÿvette', encode: iconvAs('iso-8859-15') },
  // Half-width katakana are the single bytes 0xA1-0xDF in Shift_JIS as in JIS X 0201.
  'ISO IR14': { name: 'ﾃｽﾄ^ﾊﾅｺ', encode: iconvAs('shift_jis') },
  'ISO IR87': { name: 'SHIKEN^HANAKO~試験^花子', encode: iso2022jp },
  'ISO IR159': { name: 'SHIKEN^KOYO~試験^丂代', encode: iso2022jp },
  'GB 18030-2000': { name: '测试^晓雯𠀀', encode: iconvAs('gb18030') },
  'KS X 1001': { name: '시험^다은', encode: iconvAs('euc-kr') },
  'BIG-5': { name: '測試^美玲', encode: iconvAs('big5') },
  UNICODE: { name: 'Müller^Zoë~测试^晓雯', encode: iconvAs('utf8') },
  'UNICODE UTF-8': { name: 'Müller-Lüdenscheidt^Zoë~Тестова^Зоя~😀', encode: iconvAs('utf8') },
};
const REJECTED: readonly Hl7CharsetName[] = ['CNS 11643-1992', 'UNICODE UTF-16', 'UNICODE UTF-32'];

const MSH_TO_17 = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ADT^A08^ADT_A01|MSG0001|P|2.5.1|||||DEU';

function fixture(msh18: string, name: string, nameBytes: Buffer): { raw: Buffer; text: string } {
  const head = `${MSH_TO_17}|${msh18}|de\rPID|1||PAT0001^^^HOSP^MR||`;
  const tail = '||19800101|F\rPV1|1|O\r';
  return { raw: Buffer.concat([Buffer.from(head, 'latin1'), nameBytes, Buffer.from(tail, 'latin1')]), text: head + name + tail };
}

const options = { defaultCharset: 'UNICODE UTF-8' };

describe('HL7 table 0211 rows', () => {
  it('has a test case or a rejection for every row', () => {
    expect(HL7_CHARSETS.map((row) => row.name).sort()).toEqual([...Object.keys(ROW_CASES), ...REJECTED].sort());
  });

  it('feeds the decoder bytes that are really in the charset (sanity check of the fixtures)', () => {
    const jis = ROW_CASES['ISO IR87'].encode('試験^花子');
    expect(new TextDecoder('iso-2022-jp').decode(jis)).toBe('試験^花子');
    expect([...ROW_CASES['ISO IR14'].encode('ﾃｽﾄ')]).toEqual([0xc3, 0xbd, 0xc4]);
  });

  describe.each(Object.entries(ROW_CASES))('%s', (charset, { name, encode }) => {
    const { raw, text } = fixture(charset, name, encode(name));

    it('decodes a message labelled with it', () => {
      expect(decodeHl7(raw, options)).toEqual({ text, charset, declared: charset, bomStripped: false, mismatch: false });
    });

    it('decodes it under every alias, case-insensitively, with spaces around', () => {
      const row = HL7_CHARSETS.find((r) => r.name === charset)!;
      for (const alias of row.aliases) {
        for (const spelling of [alias, ` ${alias.toLowerCase()}  `]) {
          const aliased = fixture(spelling, name, encode(name));
          const decoded = decodeHl7(aliased.raw, options);
          expect({ spelling, text: decoded.text, charset: decoded.charset, declared: decoded.declared }).toEqual({ spelling, text: aliased.text, charset, declared: spelling });
        }
      }
    });

    it('encodes the same text back to bytes that decode to it', () => {
      const encoded = encodeHl7(text, charset);
      expect(decodeHl7(encoded, options)).toMatchObject({ text, charset, mismatch: false });
    });
  });

  it.each(REJECTED)('rejects %s with UNSUPPORTED_CHARSET', (charset) => {
    const { raw } = fixture(charset, 'Testperson^Alpha', Buffer.from('Testperson^Alpha'));
    expect(() => decodeHl7(raw, options)).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnsupportedCharset, ref: { charset } }));
    expect(() => encodeHl7('ACK', charset)).toThrow(Hl7CharsetError);
  });
});
