import { CharsetError, CharsetErrorCode } from '../charset';
import { decodeDataset } from './dataset-decoder';
import { encodeDataset } from './dataset-encoder';
import { DatasetDecodeError, DatasetEncodeError, DatasetEncodeReason } from './dataset.errors';
import { createDataset, DicomDataset, getSequence, getString, setSequence, setString, tag } from './dicom-dataset';
import { Tags } from './dicom-dictionary';
import { mwlAnswerFixture } from './mwl-answer.fixture';

const modes = [
  { name: 'Implicit VR LE', explicitVr: false },
  { name: 'Explicit VR LE', explicitVr: true },
];

function sample(): DicomDataset {
  const inner = createDataset([[Tags.CodeValue, { vr: 'SH', value: 'X1' }]]);
  const item = createDataset();
  setString(item, Tags.Modality, 'MR');
  setString(item, Tags.ScheduledPerformingPhysicianName, 'Doktor^Åsa');
  setSequence(item, Tags.ScheduledProtocolCodeSequence, [inner, createDataset()]);
  const ds = createDataset();
  setString(ds, Tags.SpecificCharacterSet, 'ISO_IR 100');
  setString(ds, Tags.PatientName, 'Øster^Zoë');
  setString(ds, Tags.PatientID, 'P1');
  setString(ds, Tags.StudyInstanceUID, '1.2.3');
  setString(ds, Tags.AccessionNumber, '');
  setString(ds, Tags.ScheduledStationAETitle, 'CT01\\CT02');
  ds.set(Tags.PregnancyStatus, { vr: 'US', value: [4] });
  ds.set(Tags.OffendingElement, { vr: 'AT', value: [0x00100010, 0x00400100] });
  ds.set(tag(0x0009, 0x1001), { vr: 'UN', value: Buffer.from([1, 2, 3, 4]) });
  setSequence(ds, Tags.ScheduledProcedureStepSequence, [item]);
  setSequence(ds, Tags.ReferencedStudySequence, []);
  return ds;
}

describe.each(modes)('dataset codec, $name', ({ explicitVr }) => {
  it.each(['defined', 'undefined'] as const)('round-trips nested sequences with %s lengths', (sequenceLength) => {
    const ds = sample();
    const bytes = encodeDataset(ds, { explicitVr, sequenceLength });
    expect(bytes.length % 2).toBe(0);
    expect(decodeDataset(bytes, { explicitVr })).toEqual(ds);
  });

  it('round-trips a full MWL answer', () => {
    const ds = mwlAnswerFixture(7);
    expect(decodeDataset(encodeDataset(ds, { explicitVr }), { explicitVr })).toEqual(ds);
  });

  it('writes tags in ascending order whatever the insertion order', () => {
    const ds = createDataset();
    setString(ds, Tags.PatientID, 'B');
    setString(ds, Tags.AccessionNumber, 'A');
    const bytes = encodeDataset(ds, { explicitVr });
    expect(bytes.readUInt16LE(0)).toBe(0x0008);
  });

  it('pads odd values: UI with NUL, text with space', () => {
    const ds = createDataset();
    setString(ds, Tags.StudyInstanceUID, '1.2.3');
    setString(ds, Tags.PatientID, 'ABC');
    const bytes = encodeDataset(ds, { explicitVr });
    // (0010,0020) comes first: 8-byte header in both syntaxes, then 'ABC' + space.
    expect(bytes.subarray(8, 12)).toEqual(Buffer.from('ABC '));
    expect(bytes[bytes.length - 1]).toBe(0x00);
  });

  it('lets a nested item carry its own character set and inherits it otherwise', () => {
    const own = createDataset();
    setString(own, Tags.SpecificCharacterSet, 'ISO_IR 192');
    setString(own, Tags.PatientName, '李^雷');
    const inherited = createDataset();
    setString(inherited, Tags.PatientName, 'Æbelø^Ida');
    const ds = createDataset();
    setString(ds, Tags.SpecificCharacterSet, 'ISO_IR 100');
    setSequence(ds, Tags.OtherPatientIDsSequence, [own, inherited]);
    const bytes = encodeDataset(ds, { explicitVr });
    expect(bytes.includes(Buffer.from('Æbelø', 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from('李', 'utf8'))).toBe(true);
    expect(decodeDataset(bytes, { explicitVr })).toEqual(ds);
  });

  it('refuses characters the declared set lacks, and non-ASCII in AE/CS/UI', () => {
    const latin = createDataset();
    setString(latin, Tags.SpecificCharacterSet, 'ISO_IR 100');
    setString(latin, Tags.PatientName, 'Łukasz');
    expect(() => encodeDataset(latin, { explicitVr })).toThrow(expect.objectContaining({ reason: CharsetErrorCode.UnrepresentableCharacter, tag: Tags.PatientName, cause: expect.any(CharsetError) }));
    const cs = createDataset();
    setString(cs, Tags.SpecificCharacterSet, 'ISO_IR 192');
    setString(cs, Tags.Modality, 'ÇT');
    expect(() => encodeDataset(cs, { explicitVr })).toThrow(expect.objectContaining({ reason: CharsetErrorCode.UnrepresentableCharacter, tag: Tags.Modality }));
  });

  it('rejects truncated input with a typed error', () => {
    const bytes = encodeDataset(sample(), { explicitVr });
    for (const cut of [3, 9, 40, bytes.length - 3]) {
      expect(() => decodeDataset(bytes.subarray(0, cut), { explicitVr })).toThrow(DatasetDecodeError);
    }
  });
});

describe('dataset codec, wire details', () => {
  const le16 = (v: number): number[] => [v & 0xff, v >> 8];
  const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
  const tagBytes = (g: number, e: number): number[] => [...le16(g), ...le16(e)];
  const ascii = (s: string): number[] => Array.from(Buffer.from(s, 'latin1'));

  it('reads an explicit VR undefined-length sequence with an undefined-length item', () => {
    const bytes = Buffer.from([
      ...tagBytes(0x0040, 0x0100), ...ascii('SQ'), 0, 0, ...le32(0xffffffff),
      ...tagBytes(0xfffe, 0xe000), ...le32(0xffffffff),
      ...tagBytes(0x0008, 0x0060), ...ascii('CS'), ...le16(2), ...ascii('CT'),
      ...tagBytes(0xfffe, 0xe00d), ...le32(0),
      ...tagBytes(0xfffe, 0xe0dd), ...le32(0),
      ...tagBytes(0x0010, 0x0020), ...ascii('LO'), ...le16(2), ...ascii('P1'),
    ]);
    const ds = decodeDataset(bytes, { explicitVr: true });
    expect(getString(getSequence(ds, Tags.ScheduledProcedureStepSequence)![0], Tags.Modality)).toBe('CT');
    expect(getString(ds, Tags.PatientID)).toBe('P1');
  });

  it('reads unknown implicit tags as UN, and an undefined-length UN as an implicit sequence', () => {
    const bytes = Buffer.from([
      ...tagBytes(0x0009, 0x0010), ...le32(4), ...ascii('ACME'),
      ...tagBytes(0x0009, 0x1001), ...le32(2), 7, 8,
      ...tagBytes(0x0009, 0x1002), ...le32(0xffffffff),
      ...tagBytes(0xfffe, 0xe000), ...le32(10), ...tagBytes(0x0008, 0x0060), ...le32(2), ...ascii('MR'),
      ...tagBytes(0xfffe, 0xe0dd), ...le32(0),
    ]);
    const ds = decodeDataset(bytes, { explicitVr: false });
    expect(ds.get(tag(0x0009, 0x0010))).toEqual({ vr: 'LO', value: 'ACME' });
    expect(ds.get(tag(0x0009, 0x1001))).toEqual({ vr: 'UN', value: Buffer.from([7, 8]) });
    expect(getString(getSequence(ds, tag(0x0009, 0x1002))![0], Tags.Modality)).toBe('MR');
  });

  it('decodes an ISO 2022 IR 87 name in a nested item under the parent charset', () => {
    const parent = createDataset();
    setString(parent, Tags.SpecificCharacterSet, '\\ISO 2022 IR 87');
    const item = createDataset();
    setString(item, Tags.ScheduledPerformingPhysicianName, 'Kato^Ren=加藤^蓮');
    setSequence(parent, Tags.ScheduledProcedureStepSequence, [item]);
    const bytes = encodeDataset(parent, { explicitVr: false });
    expect(bytes.includes(0x1b)).toBe(true);
    expect(decodeDataset(bytes, { explicitVr: false })).toEqual(parent);
  });

  it('refuses a value longer than a 16-bit explicit length', () => {
    const ds = createDataset();
    setString(ds, Tags.PatientID, 'x'.repeat(70000));
    expect(() => encodeDataset(ds, { explicitVr: true })).toThrow(DatasetEncodeError);
    expect(() => encodeDataset(ds, { explicitVr: false })).not.toThrow();
  });

  it('names the innermost element that failed, and never its value', () => {
    const item = setString(createDataset(), Tags.ScheduledStationName, 'S'.repeat(70000));
    const ds = setSequence(setString(createDataset(), Tags.PatientID, 'P1'), Tags.ScheduledProcedureStepSequence, [item]);
    let thrown: unknown;
    try {
      encodeDataset(ds, { explicitVr: true });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DatasetEncodeError);
    expect(thrown).toMatchObject({ reason: DatasetEncodeReason.ValueTooLong, tag: Tags.ScheduledStationName });
    expect((thrown as Error).message).not.toContain('SSSS');
  });
});
