import { locateSubject } from '../ack/error-subject.locator';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { DomainError } from '@radflow/domain';
import { adt } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { requirePid, toPatientDemographics, toPriorIdentifier, toVisitInput } from './patient.mapper';

const parse = (text: string) => parseHl7(text);

/** The error a mapper threw, with the ERR location the edge would answer with. */
function thrown(fn: () => unknown): { code: string; message: string; location?: Hl7ErrorLocation } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message, location: locateSubject(e.subject) };
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('PID → PatientDemographics', () => {
  it('maps the fields of hl7-orders-to-mwl.md §2.1', () => {
    const msg = parse(adt({ name: 'TESTER^ALEX^J^JR^DR', birthDate: '198002151230', sex: 'A', pidFields: { 6: 'MAIDEN^MOTHER' } }));
    expect(toPatientDemographics(msg, requirePid(msg))).toEqual({
      identifier: { id: 'SYN000001', issuer: 'HOSP_A', typeCode: 'MR' },
      otherIdentifiers: [],
      name: 'TESTER^ALEX^J^DR^JR',
      nameIdeographic: null,
      namePhonetic: null,
      birthDate: '19800215',
      birthTime: '1230',
      sex: 'O',
      motherBirthName: 'MAIDEN^MOTHER',
    });
  });

  it('keys on the PID-3 repetition of the configured local issuer; the others become other IDs', () => {
    const msg = parse(adt({ patientIdList: 'N123^^^NATIONAL^NI~L456^^^LOCAL&1.2.3&ISO^MR~X9^^^OTHER' }));
    const p = toPatientDemographics(msg, requirePid(msg), { localIssuer: 'LOCAL' });
    expect(p.identifier).toEqual({ id: 'L456', issuer: 'LOCAL', universalId: '1.2.3', universalIdType: 'ISO', typeCode: 'MR' });
    expect(p.otherIdentifiers).toEqual([
      { id: 'N123', issuer: 'NATIONAL', typeCode: 'NI' },
      { id: 'X9', issuer: 'OTHER' },
    ]);
  });

  it('falls back to the first PID-3 repetition when the local issuer is absent, and adds PID-2/PID-4 IDs', () => {
    const msg = parse(adt({ patientIdList: 'A1^^^ONE~B2^^^TWO', pidFields: { 2: 'EXT7^^^EXT', 4: 'A1^^^ONE' } }));
    const p = toPatientDemographics(msg, requirePid(msg), { localIssuer: 'LOCAL' });
    expect(p.identifier.id).toBe('A1');
    expect(p.otherIdentifiers!.map((i) => i.id)).toEqual(['B2', 'EXT7']);
  });

  it.each([
    ['empty', ''],
    ['HL7 null', '""'],
    ['authority without an ID', '^^^HOSP_A'],
  ])('rejects a PID-3 that is %s: REQUIRED_FIELD_MISSING at PID^1^3', (_, pid3) => {
    const msg = parse(adt({ patientIdList: pid3 }));
    const e = thrown(() => toPatientDemographics(msg, requirePid(msg)));
    expect(e.code).toBe('REQUIRED_FIELD_MISSING');
    expect(e.location).toEqual({ segment: 'PID', sequence: 1, field: 3 });
  });

  it('rejects a message without PID', () => {
    const msg = parse('MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123||ADT^A08|C1|P|2.5.1\rEVN|A08');
    expect(thrown(() => requirePid(msg))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', location: { segment: 'PID' } });
  });

  it.each([
    ['HL7 nulls clear', { name: '""', birthDate: '""', sex: '""' }, { name: null, birthDate: null, birthTime: null, sex: null }],
    ['empty fields keep', { name: '', birthDate: '', sex: '' }, { name: undefined, birthDate: undefined, birthTime: undefined, sex: undefined }],
    ['a date without time clears the time', { birthDate: '19800215' }, { birthDate: '19800215', birthTime: null }],
    ['a partial birth date is not invented', { birthDate: '1980' }, { birthDate: undefined, birthTime: undefined }],
    ['U sex is empty', { sex: 'U' }, { sex: null }],
  ])('%s', (_, fixture, expected) => {
    const msg = parse(adt(fixture));
    expect(toPatientDemographics(msg, requirePid(msg))).toMatchObject(expected);
  });

  it('rejects an impossible birth date with INVALID_VALUE at PID^1^7', () => {
    const msg = parse(adt({ birthDate: '19800231' }));
    expect(thrown(() => toPatientDemographics(msg, requirePid(msg)))).toMatchObject({
      code: 'INVALID_VALUE',
      location: { segment: 'PID', sequence: 1, field: 7 },
    });
  });
});

describe('MRG → prior identifier', () => {
  const mrgOf = (fields: Record<number, string>) => {
    const msg = parse(adt({ event: 'A40', priorIdList: fields[1] ?? '', mrgFields: fields }));
    return { msg, mrg: msg.segment('MRG')! };
  };

  it('reads MRG-1, choosing the local issuer repetition', () => {
    const { msg, mrg } = mrgOf({ 1: 'N1^^^NATIONAL~OLD7^^^LOCAL^MR' });
    expect(toPriorIdentifier(msg, mrg, { localIssuer: 'LOCAL' })).toEqual({ id: 'OLD7', issuer: 'LOCAL', typeCode: 'MR' });
  });

  it('falls back to MRG-4 (old A34 senders)', () => {
    const { msg, mrg } = mrgOf({ 4: 'OLD8^^^HOSP_A' });
    expect(toPriorIdentifier(msg, mrg)).toEqual({ id: 'OLD8', issuer: 'HOSP_A' });
  });

  it('rejects an MRG without a prior ID at MRG^1^1', () => {
    const { msg, mrg } = mrgOf({ 7: 'OLDNAME^X' });
    expect(thrown(() => toPriorIdentifier(msg, mrg))).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', location: { segment: 'MRG', sequence: 1, field: 1 } });
  });
});

describe('PV1 / PID-18 / AL1 → VisitInput', () => {
  const visitOf = (text: string) => {
    const msg = parse(text);
    return toVisitInput(msg.segment('PV1'), msg.segment('PID'), msg.all('AL1'));
  };

  it('maps location, referring physician, visit number, pregnancy and allergies', () => {
    const text = adt({ patientLocation: 'RAD^R12^B', visitNumber: 'V77^^^HOSP_A', ambulatoryStatus: 'A1~B6', allergies: ['PEN^Penicillin^L', 'IOD'] });
    expect(visitOf(text)).toEqual({
      admissionId: 'V77',
      currentPatientLocation: 'RAD R12 B',
      referringPhysician: 'REFERRAL^SAM^^DR',
      pregnancyStatus: 3,
      allergies: 'Penicillin\\IOD',
    });
  });

  it('falls back to PID-18 for the admission ID and leaves what is absent alone', () => {
    expect(visitOf(adt({ accountNumber: 'AC5', referringPhysician: '' }))).toEqual({
      admissionId: 'AC5',
      currentPatientLocation: undefined,
      referringPhysician: undefined,
      pregnancyStatus: undefined,
      allergies: undefined,
    });
  });

  it('clears pregnancy status for another ambulatory status and on HL7 nulls', () => {
    expect(visitOf(adt({ ambulatoryStatus: 'A1' })).pregnancyStatus).toBeNull();
    expect(visitOf(adt({ ambulatoryStatus: '""', patientLocation: '""', visitNumber: '""' }))).toMatchObject({
      pregnancyStatus: null,
      currentPatientLocation: null,
      admissionId: null,
    });
  });

  it('keeps a backslash inside one allergy from splitting the LO value', () => {
    expect(visitOf(adt({ allergies: ['X^A\\E\\B'] })).allergies).toBe('A/B');
  });
});
