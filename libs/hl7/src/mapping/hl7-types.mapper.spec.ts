import { DomainError } from '@radflow/domain';
import { parseHl7 } from '../parser';
import { parseHl7Timestamp, toTimestamp } from './hl7-timestamp.mapper';
import {
  firstOf,
  toCodedEntries,
  toCodedEntry,
  toDicomSex,
  toEntityIdentifier,
  toLocation,
  toPatientIdentifier,
  toPhoneNumber,
} from './hl7-types.mapper';

const MSH = 'MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|C1|P|2.5.1';
const segment = (line: string) => parseHl7(`${MSH}\r${line}`).segments[1];
const AT = { segment: 'PID', sequence: 1, field: 7 };

describe('TS/DTM → DICOM DA/TM + offset', () => {
  it.each([
    ['date only', '19800215', { date: '19800215' }],
    ['date, hour, minute', '202611240930', { date: '20261124', time: '0930' }],
    ['date and time', '20261124093000', { date: '20261124', time: '093000' }],
    ['fraction', '20261124093000.1234', { date: '20261124', time: '093000.1234' }],
    ['positive offset', '20261124093000+0100', { date: '20261124', time: '093000', offset: '+0100' }],
    ['negative offset with a fraction', '20261124093000.5-0530', { date: '20261124', time: '093000.5', offset: '-0530' }],
    ['date with offset', '20261124+0000', { date: '20261124', offset: '+0000' }],
    ['leap day', '20240229', { date: '20240229' }],
    ['year only: no invented month and day', '1970', {}],
    ['year and month only', '197006', {}],
  ])('%s', (_, dtm, expected) => {
    expect(parseHl7Timestamp(dtm, AT)).toEqual(expected);
  });

  it.each([
    ['month 13', '19701301'],
    ['day 32', '19700132'],
    ['29 February in a common year', '20230229'],
    ['31 April', '20260431'],
    ['hour 24', '2026112424'],
    ['minute 60', '202611241060'],
    ['odd digit count', '1970011'],
    ['fraction without seconds', '202611241000.5'],
    ['bad offset', '20261124093000+2500'],
    ['separators', '2026-11-24'],
    ['letters', 'tomorrow'],
  ])('rejects %s as INVALID_VALUE at the given location', (_, dtm) => {
    expect.assertions(3);
    try {
      parseHl7Timestamp(dtm, AT);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('INVALID_VALUE');
      expect((e as DomainError).subject?.origin).toEqual(AT);
    }
  });

  it('keeps null ("clear") and undefined ("keep")', () => {
    expect(toTimestamp(null, AT)).toBeNull();
    expect(toTimestamp(undefined, AT)).toBeUndefined();
  });
});

describe('PID-8 sex → (0010,0040)', () => {
  it.each([
    ['M', 'M'],
    ['F', 'F'],
    ['O', 'O'],
    ['A', 'O'],
    ['N', 'O'],
    ['f', 'F'],
    ['U', null],
    ['X', null],
    [null, null],
    [undefined, undefined],
  ])('%s → %s', (hl7, dicom) => {
    expect(toDicomSex(hl7)).toBe(dicom);
  });
});

describe('CX → PatientIdentifier', () => {
  it('reads ID, authority (HD) and type code', () => {
    const pid = segment('PID|||P1^^^HOSP&1.2.3.4&ISO^MR~P2^^^OTHER');
    expect(toPatientIdentifier(pid, 3)).toEqual({ id: 'P1', issuer: 'HOSP', universalId: '1.2.3.4', universalIdType: 'ISO', typeCode: 'MR' });
    expect(toPatientIdentifier(pid, 3, 1)).toEqual({ id: 'P2', issuer: 'OTHER' });
  });

  it('gives an empty issuer when CX.4 is empty and nothing without an ID', () => {
    expect(toPatientIdentifier(segment('PID|||P1'), 3)).toEqual({ id: 'P1', issuer: '' });
    expect(toPatientIdentifier(segment('PID|||^^^HOSP'), 3)).toBeUndefined();
    expect(toPatientIdentifier(segment('PID|||""'), 3)).toBeUndefined();
  });
});

describe('EI → id + IssuerRef', () => {
  it.each([
    ['ID only', 'ACC1', { id: 'ACC1' }],
    ['namespace', 'ACC1^RIS', { id: 'ACC1', issuer: { namespaceId: 'RIS' } }],
    ['full', 'ACC1^RIS^1.2.3^ISO', { id: 'ACC1', issuer: { namespaceId: 'RIS', universalId: '1.2.3', universalIdType: 'ISO' } }],
    ['universal only', 'ACC1^^1.2.3^ISO', { id: 'ACC1', issuer: { universalId: '1.2.3', universalIdType: 'ISO' } }],
    ['empty', '', undefined],
  ])('%s', (_, ei, expected) => {
    expect(toEntityIdentifier(segment(`IPC|${ei}`), 1)).toEqual(expected);
  });
});

describe('CE/CWE → CodedEntry', () => {
  it('maps identifier^text^system to value/meaning/scheme', () => {
    expect(toCodedEntry(segment('OBR|1|||CTH^CT head^LOCAL'), 4)).toEqual({ value: 'CTH', meaning: 'CT head', scheme: 'LOCAL' });
  });

  it('reads the alternate triplet OBR-4.4/.5/.6', () => {
    expect(toCodedEntry(segment('OBR|1|||CTH^CT head^LOCAL^P1^Routine^99RAD'), 4, 0, 4)).toEqual({ value: 'P1', meaning: 'Routine', scheme: '99RAD' });
  });

  it('needs an identifier, and reads every repetition', () => {
    expect(toCodedEntry(segment('OBR|1|||^text only'), 4)).toBeUndefined();
    expect(toCodedEntries(segment('IPC||||||P1^One^L~^none~P2^Two'), 6)).toEqual([
      { value: 'P1', meaning: 'One', scheme: 'L' },
      { value: 'P2', meaning: 'Two' },
    ]);
  });
});

describe('PL → location text (PV1-3)', () => {
  it.each([
    ['point of care, room, bed', 'RAD^R12^B', 'RAD R12 B'],
    ['room missing', 'RAD^^B', 'RAD B'],
    ['facility ignored', 'RAD^R12^^HOSP', 'RAD R12'],
    ['HL7 null', '""', null],
    ['empty', '', undefined],
  ])('%s', (_, pl, expected) => {
    expect(toLocation(segment(`PV1|1|I|${pl}`), 3)).toBe(expected);
  });
});

describe('XTN → phone (ORC-14)', () => {
  it.each([
    ['formatted (v2.3.1)', '(555)555-0100', '(555)555-0100'],
    ['area and local number (v2.5)', '^WPN^PH^^^555^5550100', '555 5550100'],
    ['HL7 null', '""', null],
    ['empty', '', undefined],
  ])('%s', (_, xtn, expected) => {
    expect(toPhoneNumber(segment(`ORC|NW${'|'.repeat(13)}${xtn}`), 14)).toBe(expected);
  });
});

describe('firstOf', () => {
  it('prefers a value, then a null, then undefined', () => {
    expect(firstOf(undefined, null, 'b')).toBe('b');
    expect(firstOf(undefined, null)).toBeNull();
    expect(firstOf(undefined, undefined)).toBeUndefined();
  });
});
