import * as iconv from 'iconv-lite';
import { findHl7Charset, HL7_CHARSETS, resolveHl7Charset } from './hl7-charset';
import { Hl7CharsetErrorCode } from './hl7-charset.errors';
import { decodeWindows1252 } from './decode-bytes';

describe('HL7_CHARSETS (table 0211)', () => {
  it.each([
    ['UTF-8', 'UNICODE UTF-8'],
    ['UTF8', 'UNICODE UTF-8'],
    ['ISO-8859-1', '8859/1'],
    ['ISO8859-1', '8859/1'],
    ['8859-1', '8859/1'],
    ['WINDOWS-1252', '8859/1'],
    ['CP1252', '8859/1'],
    ['LATIN1', '8859/1'],
    ['ISO-8859-15', '8859/15'],
    ['GB18030', 'GB 18030-2000'],
    ['BIG5', 'BIG-5'],
    ['EUC-KR', 'KS X 1001'],
    ['US-ASCII', 'ASCII'],
    ['UTF-16', 'UNICODE UTF-16'],
  ])('maps the alias %p to %p', (alias, name) => {
    expect(findHl7Charset(alias)?.name).toBe(name);
  });

  it('matches case-insensitively and ignores surrounding spaces, not inner ones', () => {
    expect(findHl7Charset('  unicode utf-8 ')?.name).toBe('UNICODE UTF-8');
    expect(findHl7Charset('iso ir87')?.name).toBe('ISO IR87');
    expect(findHl7Charset('UNICODE  UTF-8')).toBeUndefined();
  });

  it('knows nothing about blank or unknown labels', () => {
    expect(findHl7Charset('')).toBeUndefined();
    expect(findHl7Charset('  ')).toBeUndefined();
    expect(findHl7Charset('EBCDIC')).toBeUndefined();
  });

  it('gives every usable row an iconv-lite decoder and encoder, and rejected rows a reason', () => {
    for (const row of HL7_CHARSETS) {
      if (row.kind === 'rejected') {
        expect({ name: row.name, decoder: row.decoder, encoder: row.encoder, reason: typeof row.rejectReason }).toEqual({
          name: row.name,
          decoder: null,
          encoder: null,
          reason: 'string',
        });
      } else {
        expect([row.name, row.decoder === 'windows-1252' || iconv.encodingExists(row.decoder!), iconv.encodingExists(row.encoder!)]).toEqual([row.name, true, true]);
      }
    }
  });

  it.each([
    ['ASCII', ''],
    ['8859/1', 'ISO_IR 100'],
    ['8859/9', 'ISO_IR 148'],
    ['8859/15', 'ISO_IR 203'],
    ['ISO IR14', 'ISO_IR 13'],
    ['ISO IR87', 'ISO 2022 IR 87'],
    ['ISO IR159', 'ISO 2022 IR 159'],
    ['KS X 1001', 'ISO 2022 IR 149'],
    ['GB 18030-2000', 'GB18030'],
    ['BIG-5', null],
    ['CNS 11643-1992', null],
    ['UNICODE', 'ISO_IR 192'],
    ['UNICODE UTF-8', 'ISO_IR 192'],
    ['UNICODE UTF-16', null],
  ])('gives %s the DICOM term %p', (name, term) => {
    expect(findHl7Charset(name)?.dicomTerm).toBe(term);
  });

  describe('resolveHl7Charset', () => {
    it('returns usable rows', () => {
      expect(resolveHl7Charset('cp1252').name).toBe('8859/1');
    });

    it.each(['UNICODE UTF-16', 'UNICODE UTF-32', 'utf-16le', 'CNS 11643-1992'])('refuses %p as UNSUPPORTED_CHARSET', (label) => {
      expect(() => resolveHl7Charset(label)).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnsupportedCharset, ref: { charset: label } }));
    });

    it('refuses unknown labels as UNKNOWN_CHARSET', () => {
      expect(() => resolveHl7Charset('KOI8-R')).toThrow(expect.objectContaining({ code: Hl7CharsetErrorCode.UnknownCharset, ref: { charset: 'KOI8-R' } }));
    });
  });
});

describe('decodeWindows1252', () => {
  it('agrees with iconv-lite on every assigned byte and keeps the five unassigned ones as C1', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    const ours = [...decodeWindows1252(all)];
    const theirs = [...iconv.decode(all, 'windows-1252')];
    const unassigned = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
    for (let b = 0; b < 256; b++) {
      expect([b, ours[b]]).toEqual([b, unassigned.includes(b) ? String.fromCharCode(b) : theirs[b]]);
    }
  });
});
