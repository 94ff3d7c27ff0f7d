import { ackInboundOf, buildAck } from '../ack/ack-builder';
import { Hl7Error } from '../ack/hl7-error';
import { parseHl7 } from '../parser';
import { isHl7V2Version, MessageTypeSupport, MshPolicy, validateMsh } from './msh-validator';

const HANDLED = new Set(['ORM^O01', 'OMI^O23', 'ADT^A01', 'ADT^A04', 'ADT^A08']);
const policy: MshPolicy = {
  supportsVersion: isHl7V2Version,
  processingIds: ['P'],
  handledTypes: (type): MessageTypeSupport => {
    if (HANDLED.has(type)) return 'handled';
    return ['ORM', 'OMI', 'ADT'].includes(type.split('^')[0]) ? 'unsupported-event' : 'unsupported-type';
  },
};

/** MSH fields 3..18 by number; the rest of a synthetic header stays fixed. */
function msh(over: Partial<Record<number, string>> = {}, enc = '^~\\&'): string {
  const f: Record<number, string> = { 3: 'RIS', 4: 'HOSP', 5: 'RADFLOW', 6: 'RAD', 7: '20261123101500+0100', 9: 'ORM^O01', 10: 'MSG0001', 11: 'P', 12: '2.3.1', ...over };
  const fields = Array.from({ length: 16 }, (_, i) => f[i + 3] ?? '');
  while (fields.length && fields[fields.length - 1] === '') fields.pop();
  return `MSH|${enc}|${fields.join('|')}\rPID|||P1`;
}

function rejection(text: string): Hl7Error {
  try {
    validateMsh(parseHl7(text), policy);
  } catch (e) {
    if (e instanceof Hl7Error) return e;
    throw e;
  }
  throw new Error('expected an Hl7Error');
}

describe('validateMsh', () => {
  it('reads a v2.3.1 ORM header in original mode', () => {
    expect(validateMsh(parseHl7(msh({ 18: '8859/1' })), policy)).toEqual({
      sendingApplication: 'RIS',
      sendingFacility: 'HOSP',
      controlId: 'MSG0001',
      type: 'ORM^O01',
      messageCode: 'ORM',
      triggerEvent: 'O01',
      structure: undefined,
      version: '2.3.1',
      processingId: 'P',
      charset: '8859/1',
      messageTime: '20261123101500+0100',
      acceptAckType: undefined,
      applicationAckType: undefined,
      enhancedMode: false,
    });
  });

  it('reads a v2.5.1 OMI header in enhanced mode, keeping the whole HD of the sender', () => {
    const info = validateMsh(parseHl7(msh({ 3: 'RIS^1.2.3^ISO', 9: 'OMI^O23^OMI_O23', 11: 'P^T', 12: '2.5.1', 15: 'AL', 16: 'NE', 18: 'UNICODE UTF-8~ISO IR87' })), policy);
    expect(info).toMatchObject({
      sendingApplication: 'RIS^1.2.3^ISO',
      type: 'OMI^O23',
      structure: 'OMI_O23',
      processingId: 'P',
      version: '2.5.1',
      charset: 'UNICODE UTF-8',
      acceptAckType: 'AL',
      applicationAckType: 'NE',
      enhancedMode: true,
    });
  });

  it('accepts a v2.7 header with a truncation character in MSH-2', () => {
    const info = validateMsh(parseHl7(msh({ 9: 'ADT^A08^ADT_A01', 12: '2.7' }, '^~\\&#')), policy);
    expect([info.type, info.version]).toEqual(['ADT^A08', '2.7']);
  });

  it('tolerates an MSH-9.3 structure that does not match code and event', () => {
    expect(validateMsh(parseHl7(msh({ 9: 'ADT^A04^ADT_A05', 12: '2.4' })), policy).structure).toBe('ADT_A05');
  });

  it('accepts enhanced mode set by MSH-16 alone', () => {
    expect(validateMsh(parseHl7(msh({ 16: 'ER' })), policy).enhancedMode).toBe(true);
  });

  it('reads headers with unusual delimiters', () => {
    const info = validateMsh(parseHl7('MSH#:*!@#RIS#HOSP#RF#RAD#2026##ADT:A08#C1#P#2.4\rPID###P1'), policy);
    expect([info.type, info.controlId]).toEqual(['ADT^A08', 'C1']);
  });

  it.each([
    ['MSH-9 empty', { 9: '' }, 101, { field: 9 }],
    ['MSH-9 HL7 null', { 9: '""' }, 101, { field: 9 }],
    ['MSH-9.1 empty', { 9: '^O01' }, 101, { field: 9 }],
    ['unknown message code', { 9: 'SIU^S12' }, 200, { field: 9, component: 1 }],
    ['unknown event of a known code', { 9: 'ADT^A17' }, 201, { field: 9, component: 2 }],
    ['trigger missing', { 9: 'ORM' }, 101, { field: 9, component: 2 }],
    ['MSH-10 missing', { 10: '' }, 101, { field: 10 }],
    ['MSH-11 missing', { 11: '' }, 101, { field: 11 }],
    ['MSH-11 not our processing id', { 11: 'T' }, 202, { field: 11 }],
    ['MSH-12 missing', { 12: '' }, 101, { field: 12 }],
    ['MSH-12 version 3.0', { 12: '3.0' }, 203, { field: 12 }],
    ['MSH-12 unknown version', { 12: '9.9' }, 203, { field: 12 }],
    ['MSH-12 not a version', { 12: 'V2' }, 203, { field: 12 }],
  ])('rejects %s with AR', (_, over, errorCode, at) => {
    const err = rejection(msh(over));
    expect([err.ackCode, err.errorCode]).toEqual(['AR', errorCode]);
    expect(err.location).toEqual({ segment: 'MSH', sequence: 1, ...at });
  });

  it.each(['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.0', '2.5.1', '2.6', '2.7.1', '2.8', '2.3.1^USA', '2.4^^HL70104'])('accepts version %s', (version) => {
    const info = validateMsh(parseHl7(msh({ 12: version })), policy);
    expect(info.version).toBe(version.split('^')[0]);
  });

  it('checks the header before the message type', () => {
    expect(rejection(msh({ 9: 'SIU^S12', 12: '3.0' })).errorCode).toBe(203);
    expect(rejection(msh({ 10: '', 11: 'T' })).errorCode).toBe(101);
  });
});

describe('ERR segments for MSH failures', () => {
  const ack = (text: string, ...segments: string[]) => {
    const err = rejection(text);
    return buildAck({
      inbound: ackInboundOf(parseHl7(text)),
      code: err.ackCode,
      error: err,
      ackControlId: 'A1',
      now: new Date('2026-11-23T09:15:01Z'),
      utcOffsetMinutes: 0,
      ourApplication: 'RADFLOW',
      ourFacility: 'RAD',
    })
      .split('\r')
      .filter((l) => segments.some((name) => l.startsWith(name)));
  };

  it.each([
    [{ 9: 'SIU^S12' }, 'ERR||MSH^1^9^1^1|200^Unsupported message type^HL70357|E||||MSH-9 message type SIU not supported'],
    [{ 9: 'ADT^A17' }, 'ERR||MSH^1^9^1^2|201^Unsupported event code^HL70357|E||||MSH-9.2 event A17 not supported for ADT'],
    [{ 10: '' }, 'ERR||MSH^1^10^1|101^Required field missing^HL70357|E||||MSH-10 message control ID missing'],
    [{ 11: 'D' }, 'ERR||MSH^1^11^1|202^Unsupported processing id^HL70357|E||||MSH-11 processing ID D not accepted here'],
    [{ 12: '3.0' }, 'ERR||MSH^1^12^1|203^Unsupported version id^HL70357|E||||MSH-12 version 3.0 not supported'],
  ])('v2.5+ layout for %p', (over, expected) => {
    expect(ack(msh({ 12: '2.5.1', ...over }), 'ERR')).toEqual([expected]);
  });

  it('v2.3.1 layout: ELD in ERR-1 and the code in MSA-6', () => {
    expect(ack(msh({ 9: 'SIU^S12' }), 'MSA', 'ERR')).toEqual([
      'MSA|AR|MSG0001|MSH-9 message type SIU not supported|||200^Unsupported message type^HL70357',
      'ERR|MSH^1^9^200&Unsupported message type&HL70357',
    ]);
  });

  it('v2.2 rejection answers in the sender\'s version (pre-2.5 layout)', () => {
    const lines = ack(msh({ 12: '2.2', 11: 'T' }), 'MSA', 'ERR');
    expect(lines).toEqual([
      'MSA|AR|MSG0001|MSH-11 processing ID T not accepted here|||202^Unsupported processing id^HL70357',
      'ERR|MSH^1^11^202&Unsupported processing id&HL70357',
    ]);
  });

  it.each([
    ['2.5.0', 'ERR||MSH^1^11^1|202'],
    ['2.3.1^USA', 'ERR|MSH^1^11^202'],
    ['2.4^^HL70104', 'ERR|MSH^1^11^202'],
  ])('picks the layout of %s from its first component and numbers', (version, start) => {
    const [line] = ack(msh({ 12: version, 11: 'T' }), 'ERR');
    expect(line.startsWith(start)).toBe(true);
  });
});
