import { frame } from '../mllp/mllp-encoder';
import { DEFAULT_DELIMITERS, Hl7InputError, Hl7Message, parseHl7 } from '../parser';
import { ackDelimiters } from './ack-safe-text';
import { ackInboundOf, buildAck, buildAckForUnparseable, BuildAckInput, formatHl7Timestamp } from './ack-builder';
import { buildFallbackAck, isFramableAck } from './fallback-ack';
import { Hl7Error, Hl7ErrorCode } from './hl7-error';

const NOW = new Date('2026-11-23T09:15:01Z');
const OURS = { ourApplication: 'RADFLOW', ourFacility: 'RAD', ackControlId: 'RF000987', now: NOW, utcOffsetMinutes: 60 };

function ackFor(text: string, rest: Omit<BuildAckInput, 'inbound' | keyof typeof OURS>): string[] {
  const out = buildAck({ inbound: ackInboundOf(parseHl7(text)), ...OURS, ...rest });
  expect(out.endsWith('\r')).toBe(true);
  return out.slice(0, -1).split('\r');
}

const obr18Missing = new Hl7Error({
  ackCode: 'AE',
  errorCode: Hl7ErrorCode.RequiredFieldMissing,
  userMessage: 'Required field missing: OBR-18',
  location: { segment: 'OBR', sequence: 1, field: 18 },
});

describe('buildAck, v2.3.1', () => {
  const inbound = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|MSG000123|P|2.3.1||||||8859/1\rPID|||P1';

  it('acknowledges success with swapped sender/receiver and copied MSH-11/12/18', () => {
    expect(ackFor(inbound, { code: 'AA' })).toEqual([
      'MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501+0100||ACK^O01|RF000987|P|2.3.1||||||8859/1',
      'MSA|AA|MSG000123',
    ]);
  });

  it('puts the error in MSA-3, MSA-6 and ERR-1 (ELD)', () => {
    expect(ackFor(inbound, { code: 'AE', error: obr18Missing })).toEqual([
      'MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501+0100||ACK^O01|RF000987|P|2.3.1||||||8859/1',
      'MSA|AE|MSG000123|Required field missing: OBR-18|||101^Required field missing^HL70357',
      'ERR|OBR^1^18^101&Required field missing&HL70357',
    ]);
  });

  it('writes an ELD without position when the error has no location', () => {
    const internal = new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.ApplicationInternalError, userMessage: 'Internal error' });
    expect(ackFor(inbound, { code: 'AR', error: internal }).slice(1)).toEqual([
      'MSA|AR|MSG000123|Internal error|||207^Application internal error^HL70357',
      'ERR|^^^207&Application internal error&HL70357',
    ]);
  });

  it('uses the v2.3.1 layout for 2.4 too, but with the MSG.3 structure in MSH-9', () => {
    const lines = ackFor(inbound.replace('|2.3.1|', '|2.4|'), { code: 'AE', error: obr18Missing });
    expect(lines[0]).toContain('||ACK^O01^ACK|RF000987|P|2.4||||||8859/1');
    expect(lines[2]).toBe('ERR|OBR^1^18^101&Required field missing&HL70357');
  });
});

describe('buildAck, v2.5.1', () => {
  const inbound = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||OMI^O23^OMI_O23|MSG000123|P|2.5.1\rPID|||P1';
  const ipcMissing = new Hl7Error({
    ackCode: 'AE',
    errorCode: Hl7ErrorCode.RequiredFieldMissing,
    userMessage: 'Accession number missing',
    location: { segment: 'IPC', sequence: 1, field: 1, component: 1 },
  });

  it('acknowledges success with ACK^<trigger>^ACK', () => {
    expect(ackFor(inbound, { code: 'AA' })).toEqual([
      'MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501+0100||ACK^O23^ACK|RF000987|P|2.5.1',
      'MSA|AA|MSG000123',
    ]);
  });

  it('puts the error in ERR-2/3/4/8 and leaves ERR-1 and MSA-6 empty', () => {
    expect(ackFor(inbound, { code: 'AE', error: ipcMissing })).toEqual([
      'MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501+0100||ACK^O23^ACK|RF000987|P|2.5.1',
      'MSA|AE|MSG000123|Accession number missing',
      'ERR||IPC^1^1^1^1|101^Required field missing^HL70357|E||||Accession number missing',
    ]);
  });

  it('writes the whole ERL when repetition and subcomponent are known', () => {
    const err = new Hl7Error({
      ackCode: 'AE',
      errorCode: Hl7ErrorCode.TableValueNotFound,
      userMessage: 'Unknown identifier type',
      location: { segment: 'PID', sequence: 1, field: 3, repetition: 2, component: 4, subcomponent: 3 },
    });
    expect(ackFor(inbound, { code: 'AE', error: err })[2]).toBe(
      'ERR||PID^1^3^2^4^3|103^Table value not found^HL70357|E||||Unknown identifier type',
    );
  });

  it('leaves ERR-2 empty without a location and names only the segment when no field is known', () => {
    const noLoc = new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.ApplicationInternalError, userMessage: 'Internal error' });
    expect(ackFor(inbound, { code: 'AR', error: noLoc })[2]).toBe('ERR|||207^Application internal error^HL70357|E||||Internal error');
    const segOnly = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.SegmentSequenceError, userMessage: 'PID missing', location: { segment: 'PID' } });
    expect(ackFor(inbound, { code: 'AE', error: segOnly })[2]).toBe('ERR||PID^1|100^Segment sequence error^HL70357|E||||PID missing');
  });

  it('drops MSA-3 from v2.7 on, where it is withdrawn', () => {
    const lines = ackFor(inbound.replace('|2.5.1', '|2.7'), { code: 'AE', error: ipcMissing });
    expect(lines[1]).toBe('MSA|AE|MSG000123');
    expect(lines[2]).toBe('ERR||IPC^1^1^1^1|101^Required field missing^HL70357|E||||Accession number missing');
  });
});

describe('buildAck, warnings', () => {
  const msa = (version: string) => `MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||OMI^O23^OMI_O23|MSG000123|P|${version}\rPID|||P1`;
  const tooLong = { code: Hl7ErrorCode.DataTypeError, location: { segment: 'IPC', sequence: 1, field: 4 }, text: 'scheduled procedure step ID (IPC-4) longer than SH allows; kept as sent' };
  const modality = { code: Hl7ErrorCode.TableValueNotFound, location: { segment: 'IPC', sequence: 1, field: 5 }, text: 'modality not a DICOM defined term' };

  it.each(['2.5', '2.5.0', '2.5.1', '2.8'])('v%s: one ERR with severity W per warning, MSA-1 stays AA', (version) => {
    expect(ackFor(msa(version), { code: 'AA', warnings: [tooLong, modality] }).slice(1)).toEqual([
      'MSA|AA|MSG000123',
      'ERR||IPC^1^4^1|102^Data type error^HL70357|W||||scheduled procedure step ID (IPC-4) longer than SH allows; kept as sent',
      'ERR||IPC^1^5^1|103^Table value not found^HL70357|W||||modality not a DICOM defined term',
    ]);
  });

  it('puts the warnings after the error ERR', () => {
    const lines = ackFor(msa('2.5.1'), { code: 'AE', error: obr18Missing, warnings: [modality] });
    expect(lines.slice(2).map((l) => l.split('|')[4])).toEqual(['E', 'W']);
  });

  it.each(['2.2', '2.3.1', '2.4', '2.3.1^USA'])('v%s has no severity: no ERR for warnings', (version) => {
    expect(ackFor(msa(version), { code: 'AA', warnings: [tooLong] }).slice(1)).toEqual(['MSA|AA|MSG000123']);
  });
});

describe('buildAck, header details', () => {
  it('sends ACK alone when the trigger is unknown, and defaults MSH-11/12', () => {
    const lines = ackFor('MSH|^~\\&|RIS|HOSP|||20261123||ORM|C1', { code: 'AR' });
    expect(lines[0]).toBe('MSH|^~\\&|RADFLOW|RAD|RIS|HOSP|20261123101501+0100||ACK|RF000987|P|2.5.1');
  });

  it('fills MSH-3/4 with our names when the inbound MSH-5/6 were empty, escaping them', () => {
    const out = buildAck({
      inbound: ackInboundOf(parseHl7('MSH|^~\\&|RIS|HOSP|||2026||ADT^A08|C1|T|2.3.1')),
      ...OURS,
      ourApplication: 'RAD|FLOW',
      ourFacility: 'SITE^A',
      code: 'AA',
    });
    expect(out.split('\r')[0]).toBe('MSH|^~\\&|RAD\\F\\FLOW|SITE\\S\\A|RIS|HOSP|20261123101501+0100||ACK^A08|RF000987|T|2.3.1');
  });

  it('copies HD components and MSH-12 components as sent', () => {
    const lines = ackFor('MSH|^~\\&|RIS^1.2.3^ISO|HOSP^^L|RADFLOW^9.8^ISO|RAD|2026||ADT^A04^ADT_A01|C1|P|2.5.1^DEU&&ISO3166', { code: 'AA' });
    expect(lines[0]).toBe('MSH|^~\\&|RADFLOW^9.8^ISO|RAD|RIS^1.2.3^ISO|HOSP^^L|20261123101501+0100||ACK^A04^ACK|RF000987|P|2.5.1^DEU&&ISO3166');
  });

  it('copies only the first MSH-18 repetition', () => {
    const lines = ackFor('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|2026||ADT^A08|C1|P|2.5.1||||||UNICODE UTF-8~ISO IR87', { code: 'AA' });
    expect(lines[0].endsWith('|P|2.5.1||||||UNICODE UTF-8')).toBe(true);
  });

  it('uses the inbound delimiters everywhere, without a v2.7 truncation character', () => {
    const inbound = 'MSH#:*!@%#RIS#HOSP#RADFLOW#RAD#2026##OMI:O23:OMI_O23#C!S!1#P#2.7.1\rPID###P1';
    const err = new Hl7Error({
      ackCode: 'AE',
      errorCode: Hl7ErrorCode.DataTypeError,
      userMessage: 'Bad date # in TQ1-7: a:b*c@d!e',
      location: { segment: 'TQ1', sequence: 1, field: 7 },
    });
    expect(ackFor(inbound, { code: 'AE', error: err })).toEqual([
      'MSH#:*!@#RADFLOW#RAD#RIS#HOSP#20261123101501+0100##ACK:O23:ACK#RF000987#P#2.7.1',
      'MSA#AE#C!S!1',
      'ERR##TQ1:1:7:1#102:Data type error:HL70357#E####Bad date !F! in TQ1-7!S! a!S!b!R!c!T!d!E!e',
    ]);
  });

  it('escapes the delimiters in our text for the v2.3.1 layout too', () => {
    const err = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, userMessage: 'Order A|1^2 unknown', location: { segment: 'ORC', sequence: 1, field: 2 } });
    const lines = ackFor('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|2026||ORM^O01|C1|P|2.3.1', { code: 'AE', error: err });
    expect(lines[1]).toBe('MSA|AE|C1|Order A\\F\\1\\S\\2 unknown|||204^Unknown key identifier^HL70357');
  });

  it('keeps MSA-3 within 80 characters without cutting an escape sequence', () => {
    const err = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.DataTypeError, userMessage: `${'x'.repeat(78)}|tail` });
    const msa3 = ackFor('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|2026||ORM^O01|C1|P|2.3.1', { code: 'AE', error: err })[1].split('|')[3];
    expect(msa3).toBe('x'.repeat(78));
  });

  it('writes CA/CE/CR like any other code', () => {
    const lines = ackFor('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|2026||ORM^O01|C1|P|2.5.1|||AL|NE', { code: 'CE', error: obr18Missing });
    expect(lines[1]).toBe('MSA|CE|C1|Required field missing: OBR-18');
    expect(lines[2]).toBe('ERR||OBR^1^18^1|101^Required field missing^HL70357|E||||Required field missing: OBR-18');
  });
});

describe('buildAckForUnparseable', () => {
  it('rejects with default delimiters, version 2.5.1 and an empty MSA-2', () => {
    const out = buildAckForUnparseable({ ackControlId: 'RF1', now: NOW, ourApplication: 'RADFLOW', ourFacility: 'RAD', utcOffsetMinutes: 0 });
    expect(out.split('\r')).toEqual([
      'MSH|^~\\&|RADFLOW|RAD|||20261123091501+0000||ACK|RF1|P|2.5.1',
      'MSA|AR||Message could not be parsed as HL7 v2',
      'ERR||MSH^1|100^Segment sequence error^HL70357|E||||Message could not be parsed as HL7 v2',
      '',
    ]);
  });

  it('takes a more precise error but always answers AR', () => {
    const err = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.DataTypeError, userMessage: 'MSH-2 invalid', location: { segment: 'MSH', sequence: 1, field: 2 } });
    const out = buildAckForUnparseable({ ackControlId: 'RF1', now: NOW, ourApplication: 'RADFLOW', ourFacility: 'RAD', error: err });
    expect(out.split('\r')[1]).toBe('MSA|AR||MSH-2 invalid');
    expect(out.split('\r')[2]).toBe('ERR||MSH^1^2^1|102^Data type error^HL70357|E||||MSH-2 invalid');
  });
});

describe('formatHl7Timestamp', () => {
  it.each([
    [0, '20261123091501+0000'],
    [60, '20261123101501+0100'],
    [-330, '20261123034501-0530'],
    [-600, '20261122231501-1000'],
  ])('writes offset %i as local time + offset', (offset, expected) => {
    expect(formatHl7Timestamp(NOW, offset)).toBe(expected);
  });

  it('defaults to the host offset', () => {
    expect(formatHl7Timestamp(NOW)).toMatch(/^\d{14}[+-]\d{4}$/);
  });
});

describe('buildAck, control characters in echoed fields', () => {
  /** Index n-1 holds MSH-n (index 0 is the segment name, MSH-1 is the separator itself). */
  const BASE = ['MSH', '^~\\&', 'RIS', 'HOSP', 'RADFLOW', 'RAD', '20261123101500', '', 'ORM^O01', 'MSG1', 'P', '2.3.1'];
  // NUL is refused by the parser itself (AE at the field); its ACK is checked on its own below.
  const CONTROLS = [['0x1C', '\x1c'], ['0x0B', '\x0b'], ['DEL', '\x7f'], ['ESC', '\x1b']] as const;
  const FIELDS = [
    ['MSH-3', 3, 'R%sIS'],
    ['MSH-9', 9, 'ORM^O%s01'],
    ['MSH-10', 10, 'MSG%s1'],
    ['MSH-12', 12, '2.3%s.1'],
  ] as const;

  /** The ACK as it goes on the wire: it must frame, and parse to exactly MSH + MSA. */
  function sendableAck(inboundText: string): { ack: ReturnType<typeof parseHl7>; text: string } {
    const text = buildAck({ inbound: ackInboundOf(parseHl7(inboundText)), ...OURS, code: 'AA' });
    expect(() => frame(Buffer.from(text, 'latin1'))).not.toThrow();
    expect(text).not.toMatch(/[\x00-\x0c\x0e-\x1f\x7f]/);
    const ack = parseHl7(text);
    expect(text.slice(0, -1).split('\r').map((s) => s.slice(0, 3))).toEqual(['MSH', 'MSA']);
    return { ack, text };
  }

  function inboundWith(field: number, value: string): string {
    const fields = [...BASE];
    fields[field - 1] = value;
    return `${fields.join('|')}\rPID|||P1`;
  }

  describe.each(FIELDS)('raw byte in %s', (_name, field, template) => {
    it.each(CONTROLS)('%s frames, parses and keeps MSA-1/MSA-2', (_label, ch) => {
      const inbound = inboundWith(field, template.replace('%s', ch));
      const { ack } = sendableAck(inbound);
      const msa = ack.segment('MSA')!;
      expect(msa.raw(1)).toBe('AA');
      // MSA-2 unescapes to the control id as the server read it, so the sender can match it.
      expect(msa.text(2)).toBe(parseHl7(inbound).msh.text(10));
    });
  });

  it.each([['raw', '\x00'], ['escaped', '\\X00\\']])('a %s NUL in MSH-10 is refused by the parser, and the ACK built from its header still frames', (_label, nul) => {
    let header: Hl7Message | undefined;
    try {
      parseHl7(inboundWith(10, `MSG${nul}1`));
    } catch (e) {
      if (e instanceof Hl7InputError) header = e.header;
    }
    expect(header).toBeDefined();
    const text = buildAck({ inbound: ackInboundOf(header!), ...OURS, code: 'AE' });
    expect(() => frame(Buffer.from(text, 'latin1'))).not.toThrow();
    expect(text).not.toMatch(/[\x00-\x0c\x0e-\x1f\x7f]/);
    expect(text.split('\r')[1]).toBe('MSA|AE|MSG\\X00\\1');
  });

  it.each([['CR', '\\X0D\\', '\r'], ['LF', '\\X0A\\', '\n'], ['0x1C', '\\X1C\\', '\x1c']])(
    'an escaped %s in MSH-10 comes back hex-escaped in MSA-2, one segment, same id',
    (_label, escaped, ch) => {
      const { ack, text } = sendableAck(inboundWith(10, `A${escaped}B`));
      expect(text.split('\r')[1]).toBe(`MSA|AA|A\\X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}\\B`);
      expect(ack.segment('MSA')!.text(2)).toBe(`A${ch}B`);
    },
  );

  it.each([['CR', '\\X0D\\'], ['LF', '\\X0A\\'], ['0x0B', '\\X0B\\']])('an escaped %s in the trigger event (MSH-9.2) stays inside MSH-9', (_label, escaped) => {
    const { ack } = sendableAck(inboundWith(9, `ORM^O${escaped}1`));
    expect(ack.msh.text(9, 1)).toBe('ACK');
    expect(ack.msh.raw(9)).toMatch(/^ACK\^O\\X0[BDA]\\1$/);
  });

  it.each([['CR', '\r'], ['LF', '\n'], ['0x1C', '\x1c']])('a %s handed in a raw field (MSH-3/4/12) is escaped, not echoed', (_label, ch) => {
    const inbound = { ...ackInboundOf(parseHl7(inboundWith(3, 'RIS'))), sendingApp: `R${ch}IS`, sendingFacility: `H${ch}`, version: `2.5${ch}.1` };
    const text = buildAck({ inbound, ...OURS, code: 'AA' });
    expect(() => frame(Buffer.from(text, 'latin1'))).not.toThrow();
    expect(text.slice(0, -1).split('\r')).toHaveLength(2);
    expect(parseHl7(text).msh.text(5)).toBe(`R${ch}IS`);
  });

  it('answers with |^~\\& when the inbound delimiters are control characters, keeping the echoed structure', () => {
    const inbound = 'MSH\x1c^~\\&\x1cRIS^1.2\x1cHOSP\x1cRADFLOW\x1cRAD\x1c2026\x1c\x1cORM^O01\x1cC|1\x1cP\x1c2.3.1\rPID\x1c\x1c\x1cP1';
    const { ack, text } = sendableAck(inbound);
    expect(text.split('\r')[0]).toBe('MSH|^~\\&|RADFLOW|RAD|RIS^1.2|HOSP|20261123101501+0100||ACK^O01|RF000987|P|2.3.1');
    expect(ack.segment('MSA')!.text(2)).toBe('C|1');
  });

  it('escapes control characters in the error text and location', () => {
    const err = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.DataTypeError, userMessage: 'bad\x1cvalue\r', location: { segment: 'O\x0bBR', sequence: 1, field: 2 } });
    for (const version of ['2.3.1', '2.5.1']) {
      const text = buildAck({ inbound: ackInboundOf(parseHl7(inboundWith(12, version))), ...OURS, code: 'AE', error: err });
      expect(() => frame(Buffer.from(text, 'latin1'))).not.toThrow();
      expect(text.slice(0, -1).split('\r').map((s) => s.slice(0, 3))).toEqual(['MSH', 'MSA', 'ERR']);
    }
  });
});

describe('buildFallbackAck', () => {
  it('is an AR/207 from our own text only, framable even when our names hold control characters', () => {
    const bytes = buildFallbackAck({ reason: 'ack-unframable', ourApplication: 'RAD\x1cFLOW|X', ourFacility: 'R\x0bAD', now: NOW });
    expect(isFramableAck(bytes)).toBe(true);
    expect(() => frame(bytes)).not.toThrow();
    const ack = parseHl7(bytes.toString('latin1'));
    expect(ack.msh.raw(3)).toBe('RADFLOW\\F\\X');
    expect(ack.msh.raw(4)).toBe('RAD');
    expect(ack.msh.raw(5)).toBe('');
    expect(ack.segment('MSA')!.raw(1)).toBe('AR');
    expect(ack.segment('MSA')!.raw(2)).toBe('');
    expect(ack.segment('ERR')!.text(3)).toBe('207');
  });

  it('tells an internal failure from an ACK that could not be encoded', () => {
    const text = (reason: 'handler-failed' | 'ack-unframable') => parseHl7(buildFallbackAck({ reason, ourApplication: 'RADFLOW', ourFacility: 'RAD' }).toString('latin1')).segment('MSA')!.text(3);
    expect(text('handler-failed')).toMatch(/resend later/);
    expect(text('ack-unframable')).toMatch(/could not be encoded/);
  });
});

describe('isFramableAck', () => {
  it.each([[0x0b, false], [0x1c, false], [0x0d, true], [0x00, true]])('byte 0x%s framable: %s', (byte, ok) => {
    expect(isFramableAck(Buffer.from([0x41, byte, 0x42]))).toBe(ok);
  });
});

describe('buildAck, oversized echoes', () => {
  it('cuts an echoed header field and MSA-2 to 1,000 characters, never inside an escape sequence', () => {
    const sendingApp = `${'A'.repeat(998)}\\X41\\${'B'.repeat(5000)}`;
    const inbound = { ...ackInboundOf(parseHl7('MSH|^~\\&|RIS|HOSP|||20261123101500||ORM^O01|MSG1|P|2.5.1\r')), sendingApp, controlId: 'C'.repeat(5000) };
    const ack = parseHl7(buildAck({ inbound, ...OURS, code: 'AE' }));
    expect(ack.msh.raw(5)).toBe('A'.repeat(998));
    expect(ack.segment('MSA')!.raw(2)).toBe('C'.repeat(1000));
  });
});


describe('ackDelimiters', () => {
  it('reuses distinct punctuation, and falls back to |^~\\& for letters, spaces, control characters or repeats', () => {
    const d = (s: string) => ({ field: s[0], component: s[1], repetition: s[2], escape: s[3], subcomponent: s[4] ?? '' });
    expect(ackDelimiters(d('#^~\\&')).field).toBe('#');
    for (const bad of ['l^~\\&', ' ^~\\&', '\x1c^~\\&', '|^^\\&', '|^~\\']) expect(ackDelimiters(d(bad))).toEqual(DEFAULT_DELIMITERS);
  });
});
