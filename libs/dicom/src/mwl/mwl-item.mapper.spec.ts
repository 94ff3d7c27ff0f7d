import type { UnrepresentablePolicy } from '../charset';
import { decodeDataset } from '../dimse/dataset-decoder';
import { encodeDataset } from '../dimse/dataset-encoder';
import { createDataset, DicomDataset, DicomElement, getSequence, getString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { joinGroups, planMwlAnswer } from './mwl-item.mapper';
import { SPS_KEYS } from './mwl-keys';
import { parseMwlQuery } from './mwl-query';

type El = [number, DicomElement];
const s = (t: number, vr: string, value = ''): El => [t, { vr, value } as DicomElement];
const sq = (t: number, ...items: El[][]): El => [t, { vr: 'SQ', value: items.map((i) => createDataset(i)) }];

/** A stored row by SQL expression, turned into the array the cursor yields. */
const STORED: Record<string, unknown> = {
  's.id': '7f1c7a3e-0000-4000-8000-000000000001',
  'p.name': 'MÜLLER^HANS',
  'p.name_ideographic': null,
  'p.name_phonetic': null,
  'p.patient_id': 'PAT001',
  'p.birth_date': '19700101',
  'p.sex': 'M',
  'o.accession_number': 'ACC1001',
  'o.pregnancy_status': 4,
  'o.accession_issuer': { namespaceId: 'HOSP_A', universalId: '1.2.3.4', universalIdType: 'ISO' },
  'r.study_instance_uid': '1.2.826.0.1.3680043.10.999.1.1001',
  'r.code': { value: 'RP-CT-THORAX-NATIVE', scheme: '99RADFLOW', meaning: 'CT thorax' },
  's.modality': 'CT',
  "array_to_string(s.station_ae_titles, '\\')": 'CT01\\CT02',
  's.start_date': '20261123',
  's.start_time': '093000',
  's.sps_id': 'SPS1001',
  's.description': 'CT chest native',
  's.protocol_codes': [{ value: 'P1', scheme: '99RAD', meaning: 'Chest' }],
  's.performing_physician': null,
  'p.other_ids': [{ id: 'X9', issuer: 'HOSP_B', universalId: '2.16.1', universalIdType: 'ISO' }],
};

function answer(els: El[], charset = 'ISO_IR 192', stored = STORED, policy?: UnrepresentablePolicy) {
  const plan = planMwlAnswer(parseMwlQuery(createDataset(els)));
  const row = plan.columns.map((c) => (c in stored ? stored[c] : null));
  return { plan, ...plan.map(row, charset, policy) };
}

describe('planMwlAnswer', () => {
  it('returns exactly the requested keys, at their VR, zero-length when not stored', () => {
    const { identifier, plan } = answer([
      s(Tags.PatientName, 'PN', 'M*'),
      s(Tags.PatientID, 'LO'),
      s(Tags.PatientWeight, 'DS'),
      s(Tags.MedicalAlerts, 'LO'),
      [Tags.PregnancyStatus, { vr: 'US', value: [] }],
      sq(Tags.ReferencedStudySequence),
      s(Tags.AccessionNumber, 'SH'),
    ]);
    expect(plan.columns[0]).toBe('s.id');
    expect([...identifier.keys()].sort((a, b) => a - b)).toEqual([
      Tags.SpecificCharacterSet,
      Tags.AccessionNumber,
      Tags.ReferencedStudySequence,
      Tags.PatientName,
      Tags.PatientID,
      Tags.PatientWeight,
      Tags.MedicalAlerts,
      Tags.PregnancyStatus,
    ]);
    expect(identifier.get(Tags.PatientName)).toEqual({ vr: 'PN', value: 'MÜLLER^HANS' });
    expect(identifier.get(Tags.PatientWeight)).toEqual({ vr: 'DS', value: '' });
    expect(identifier.get(Tags.MedicalAlerts)).toEqual({ vr: 'LO', value: '' });
    expect(identifier.get(Tags.PregnancyStatus)).toEqual({ vr: 'US', value: [4] });
    expect(identifier.get(Tags.ReferencedStudySequence)).toEqual({ vr: 'SQ', value: [] });
  });

  it('builds one SPS item with the requested item keys only', () => {
    const { identifier } = answer([sq(Tags.ScheduledProcedureStepSequence, [s(Tags.Modality, 'CS'), s(Tags.ScheduledStationAETitle, 'AE', 'CT01'), s(Tags.ScheduledPerformingPhysicianName, 'PN')])]);
    const items = getSequence(identifier, Tags.ScheduledProcedureStepSequence) as DicomDataset[];
    expect(items).toHaveLength(1);
    expect(Object.fromEntries(items[0])).toEqual({
      [Tags.Modality]: { vr: 'CS', value: 'CT' },
      [Tags.ScheduledStationAETitle]: { vr: 'AE', value: 'CT01\\CT02' },
      [Tags.ScheduledPerformingPhysicianName]: { vr: 'PN', value: '' },
    });
  });

  it('returns every SPS attribute for a zero-length SPS sequence key', () => {
    const { identifier } = answer([sq(Tags.ScheduledProcedureStepSequence)]);
    const item = (getSequence(identifier, Tags.ScheduledProcedureStepSequence) as DicomDataset[])[0];
    expect([...item.keys()]).toEqual(SPS_KEYS.map((k) => k.tag));
    expect(getSequence(item, Tags.ScheduledProtocolCodeSequence)?.map((i) => getString(i, Tags.CodeValue))).toEqual(['P1']);
  });

  it('fills code, issuer and other-ID sequences; a long code value goes to Long Code Value', () => {
    const { identifier } = answer([sq(Tags.RequestedProcedureCodeSequence), sq(Tags.IssuerOfAccessionNumberSequence), sq(Tags.OtherPatientIDsSequence)]);
    const code = (getSequence(identifier, Tags.RequestedProcedureCodeSequence) as DicomDataset[])[0];
    expect(Object.fromEntries(code)).toEqual({
      [Tags.LongCodeValue]: { vr: 'UC', value: 'RP-CT-THORAX-NATIVE' },
      [Tags.CodingSchemeDesignator]: { vr: 'SH', value: '99RADFLOW' },
      [Tags.CodeMeaning]: { vr: 'LO', value: 'CT thorax' },
    });
    const issuer = (getSequence(identifier, Tags.IssuerOfAccessionNumberSequence) as DicomDataset[])[0];
    expect(getString(issuer, Tags.LocalNamespaceEntityID)).toBe('HOSP_A');
    expect(getString(issuer, Tags.UniversalEntityIDType)).toBe('ISO');
    const other = (getSequence(identifier, Tags.OtherPatientIDsSequence) as DicomDataset[])[0];
    expect(getString(other, Tags.PatientID)).toBe('X9');
    expect(getString(other, Tags.TypeOfPatientID)).toBe('TEXT');
    expect(getSequence(other, Tags.IssuerOfPatientIDQualifiersSequence)).toHaveLength(1);
  });

  it('limits sequence items to the sub-keys the query named', () => {
    const { identifier } = answer([sq(Tags.RequestedProcedureCodeSequence, [s(Tags.CodeValue, 'SH'), s(Tags.CodingSchemeVersion, 'SH')])]);
    const code = (getSequence(identifier, Tags.RequestedProcedureCodeSequence) as DicomDataset[])[0];
    expect(Object.fromEntries(code)).toEqual({ [Tags.LongCodeValue]: { vr: 'UC', value: 'RP-CT-THORAX-NATIVE' }, [Tags.CodingSchemeVersion]: { vr: 'SH', value: '' } });
  });

  describe('Specific Character Set', () => {
    const name = s(Tags.PatientName, 'PN');
    it.each([
      ['UTF-8 default', 'ISO_IR 192', STORED, 'ISO_IR 192', false],
      ['Latin-1 AE, Latin-1 name', 'ISO_IR 100', STORED, 'ISO_IR 100', false],
      ['Latin-1 AE, kanji name → UTF-8 for this answer', 'ISO_IR 100', { ...STORED, 'p.name': 'Yamada^Tarou', 'p.name_ideographic': '山田^太郎' }, 'ISO_IR 192', true],
      ['default repertoire, ASCII name: no (0008,0005)', '', { ...STORED, 'p.name': 'DOE^JANE' }, '', false],
      ['default repertoire, non-ASCII → UTF-8', '', STORED, 'ISO_IR 192', true],
      ['ISO 2022 Japanese, kanji fits', '\\ISO 2022 IR 87', { ...STORED, 'p.name': 'Yamada^Tarou', 'p.name_ideographic': '山田^太郎' }, '\\ISO 2022 IR 87', false],
      ['ISO 2022 Japanese, Ü does not fit', '\\ISO 2022 IR 87', STORED, 'ISO_IR 192', true],
    ])('%s', (_name, wanted, stored, declared, fellBack) => {
      const a = answer([name], wanted, stored as Record<string, unknown>);
      expect(a.charset).toBe(declared);
      expect(a.fellBack).toBe(fellBack);
      expect(getString(a.identifier, Tags.SpecificCharacterSet)).toBe(declared || undefined);
      // what we declare must be what the encoder can write, and must read back unchanged
      const bytes = encodeDataset(a.identifier, { explicitVr: true });
      expect(getString(decodeDataset(bytes, { explicitVr: true }), Tags.PatientName)).toBe(getString(a.identifier, Tags.PatientName));
    });
  });

  describe('a value the AE\'s set cannot hold', () => {
    const polish = { ...STORED, 'p.name': 'Łukasiewicz^Żaneta', 's.description': 'Tomografia głowy' };
    const keys = [s(Tags.PatientName, 'PN'), sq(Tags.ScheduledProcedureStepSequence, [s(Tags.ScheduledProcedureStepDescription, 'LO')])];
    const spsDescription = (ds: DicomDataset) => getString((getSequence(ds, Tags.ScheduledProcedureStepSequence) as DicomDataset[])[0], Tags.ScheduledProcedureStepDescription);
    it.each<[UnrepresentablePolicy, string, string, string, string, string[]]>([
      ['transliterate', 'ISO_IR 100', 'ISO_IR 100', 'Lukasiewicz^Zaneta', 'Tomografia glowy', ['PatientName', 'ScheduledProcedureStepDescription']],
      ['replace', 'ISO_IR 100', 'ISO_IR 100', '?ukasiewicz^?aneta', 'Tomografia g?owy', ['PatientName', 'ScheduledProcedureStepDescription']],
      ['utf8', 'ISO_IR 100', 'ISO_IR 192', 'Łukasiewicz^Żaneta', 'Tomografia głowy', []],
      ['transliterate', 'ISO_IR 6', '', 'Lukasiewicz^Zaneta', 'Tomografia glowy', ['PatientName', 'ScheduledProcedureStepDescription']],
    ])('%s to %s: declared %p', (policy, wanted, declared, name, description, adjusted) => {
      const a = answer(keys, wanted, polish, policy);
      expect([a.charset, getString(a.identifier, Tags.SpecificCharacterSet) ?? '']).toEqual([declared, declared]);
      expect([getString(a.identifier, Tags.PatientName), spsDescription(a.identifier)]).toEqual([name, description]);
      expect(a.adjusted).toEqual(adjusted);
      expect(a.fellBack).toBe(policy === 'utf8');
      const bytes = encodeDataset(a.identifier, { explicitVr: true });
      expect(getString(decodeDataset(bytes, { explicitVr: true }), Tags.PatientName)).toBe(name);
    });

    it('leaves an answer that fits alone, whatever the policy', () => {
      const a = answer([s(Tags.PatientName, 'PN')], 'ISO_IR 100', STORED, 'transliterate');
      expect([getString(a.identifier, Tags.PatientName), a.adjusted, a.fellBack]).toEqual(['MÜLLER^HANS', [], false]);
    });
  });

  describe('type 1C sequences', () => {
    const none = { ...STORED, 'r.code': null, 's.protocol_codes': [] };
    it('leaves out a Requested Procedure Code or Scheduled Protocol Code Sequence with no item', () => {
      const { identifier } = answer([sq(Tags.RequestedProcedureCodeSequence), s(Tags.RequestedProcedureDescription, 'LO'), sq(Tags.ScheduledProcedureStepSequence, [[Tags.ScheduledProtocolCodeSequence, { vr: 'SQ', value: [] }], s(Tags.Modality, 'CS')])], 'ISO_IR 192', none);
      expect(identifier.has(Tags.RequestedProcedureCodeSequence)).toBe(false);
      expect(identifier.has(Tags.RequestedProcedureDescription)).toBe(true);
      const step = (getSequence(identifier, Tags.ScheduledProcedureStepSequence) as DicomDataset[])[0];
      expect([...step.keys()]).toEqual([Tags.Modality]);
    });

    it('also from a whole SPS item asked for with an empty sequence key', () => {
      const { identifier } = answer([sq(Tags.ScheduledProcedureStepSequence)], 'ISO_IR 192', none);
      const step = (getSequence(identifier, Tags.ScheduledProcedureStepSequence) as DicomDataset[])[0];
      expect(step.has(Tags.ScheduledProtocolCodeSequence)).toBe(false);
      expect(step.has(Tags.ScheduledProcedureStepDescription)).toBe(true);
    });

    it('still sends them when there is a code, and type 2 and 3 sequences empty', () => {
      const { identifier } = answer([sq(Tags.RequestedProcedureCodeSequence), sq(Tags.ReferencedStudySequence), sq(Tags.IssuerOfAccessionNumberSequence)], 'ISO_IR 192', { ...STORED, 'o.accession_issuer': null });
      expect(getSequence(identifier, Tags.RequestedProcedureCodeSequence)).toHaveLength(1);
      expect(getSequence(identifier, Tags.ReferencedStudySequence)).toEqual([]);
      expect(getSequence(identifier, Tags.IssuerOfAccessionNumberSequence)).toEqual([]);
    });
  });

  it('answers a key outside the model zero-length at the VR it came with, at the top and inside items', () => {
    const un: DicomElement = { vr: 'UN', value: new Uint8Array([0x41, 0x42]) };
    const { identifier } = answer([s(0x00081030, 'LO', 'CHEST'), s(0x00100010, 'PN'), [0x00101000, un], sq(Tags.RequestedProcedureCodeSequence, [s(Tags.CodeValue, 'SH'), [0x0008010b, un]])]);
    expect(identifier.get(0x00081030)).toEqual({ vr: 'LO', value: '' });
    expect(identifier.get(0x00101000)).toEqual({ vr: 'UN', value: new Uint8Array(0) });
    const code = (getSequence(identifier, Tags.RequestedProcedureCodeSequence) as DicomDataset[])[0];
    expect(code.get(0x0008010b)).toEqual({ vr: 'UN', value: new Uint8Array(0) });
    expect(() => encodeDataset(identifier, { explicitVr: true })).not.toThrow();
  });

  it('sends a non-ASCII value of an ASCII-only VR empty instead of failing the encode', () => {
    const { identifier } = answer([s(Tags.PatientSex, 'CS')], 'ISO_IR 192', { ...STORED, 'p.sex': 'männlich' });
    expect(identifier.get(Tags.PatientSex)).toEqual({ vr: 'CS', value: '' });
  });
});

describe('joinGroups', () => {
  it.each([
    ['DOE^JOHN', null, null, 'DOE^JOHN'],
    ['Yamada^Tarou', '山田^太郎', null, 'Yamada^Tarou=山田^太郎'],
    ['Yamada^Tarou', null, 'やまだ^たろう', 'Yamada^Tarou==やまだ^たろう'],
    [null, '山田^太郎', null, '=山田^太郎'],
    [null, null, null, ''],
  ])('%s / %s / %s', (a, i, p, expected) => {
    expect(joinGroups(a, i, p)).toBe(expected);
  });
});
