import { deflateRawSync } from 'node:zlib';
import { encodeDataset } from '../dimse/dataset-encoder';
import { DatasetDecodeError } from '../dimse/dataset.errors';
import { createDataset, DicomDataset, DicomElement, getString, tag } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { readWorklistFile } from './worklist-file.reader';
import { ImportWorklistItemCommand } from '@radflow/domain';
import { mapWorklistDataset as mapWith, WorklistFileError } from './worklist-import.mapper';

const SOURCE = 'RADFLOW/wl0000001.wl';
const mapWorklistDataset = (ds: DicomDataset, source = SOURCE) => mapWith(ds, source);
const procedureOf = (cmd: ImportWorklistItemCommand) => cmd.order.procedures[0];
const stepsOf = (cmd: ImportWorklistItemCommand) => procedureOf(cmd).steps;

type El = [number, DicomElement];
const s = (t: number, vr: string, value: string): El => [t, { vr, value } as DicomElement];
const sq = (t: number, ...items: El[][]): El => [t, { vr: 'SQ', value: items.map((i) => createDataset(i)) }];

/** A synthetic `.wl` item like gen_worklist.py writes. */
function wl(overrides: El[] = [], steps: El[][] = [[s(Tags.ScheduledProcedureStepID, 'SH', 'SPS0000001')]]): DicomDataset {
  const base: El[] = [
    s(Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192'),
    s(Tags.AccessionNumber, 'SH', 'A00000001'),
    s(Tags.PatientName, 'PN', 'Yamada^Tarou=山田^太郎'),
    s(Tags.PatientID, 'LO', 'P0000001'),
    s(Tags.IssuerOfPatientID, 'LO', 'HOSP_A'),
    s(Tags.PatientBirthDate, 'DA', '19700101'),
    s(Tags.StudyInstanceUID, 'UI', '2.25.1234'),
    s(Tags.RequestedProcedureID, 'SH', 'RP0000001'),
    sq(
      Tags.ScheduledProcedureStepSequence,
      ...steps.map((extra) => [
        s(Tags.Modality, 'CS', 'CT'),
        s(Tags.ScheduledStationAETitle, 'AE', 'CT01\\CT02'),
        s(Tags.ScheduledProcedureStepStartDate, 'DA', '20261212'),
        s(Tags.ScheduledProcedureStepStartTime, 'TM', '093000'),
        sq(Tags.ScheduledProtocolCodeSequence, [s(Tags.CodeValue, 'SH', 'P1'), s(Tags.CodingSchemeDesignator, 'SH', '99RAD'), s(Tags.CodeMeaning, 'LO', 'Chest')]),
        ...extra,
      ]),
    ),
  ];
  const ds = createDataset(base);
  for (const [t, el] of overrides) ds.set(t, el);
  return ds;
}

describe('mapWorklistDataset', () => {
  it('maps patient, order, requested procedure and steps', () => {
    const rows = mapWorklistDataset(wl());
    expect(rows.file).toBe(SOURCE);
    expect(rows.patient).toMatchObject({ identifier: { id: 'P0000001', issuer: 'HOSP_A' }, name: 'Yamada^Tarou', nameIdeographic: '山田^太郎', birthDate: '19700101' });
    expect(rows.order.event).toBe('order.placed');
    expect(rows.order.accessionNumber).toBe('A00000001');
    expect(procedureOf(rows)).toMatchObject({ requestedProcedureId: 'RP0000001', studyInstanceUid: '2.25.1234' });
    expect(stepsOf(rows)).toHaveLength(1);
    expect(stepsOf(rows)[0]).toMatchObject({ spsId: 'SPS0000001', modality: 'CT', stationAeTitles: ['CT01', 'CT02'], startDate: '20261212', startTime: '093000' });
    expect(stepsOf(rows)[0].protocolCodes).toEqual([{ value: 'P1', scheme: '99RAD', meaning: 'Chest' }]);
  });

  it('derives missing keys deterministically, so a re-import finds the same rows', () => {
    const ds = wl([], [[], []]);
    ds.delete(Tags.RequestedProcedureID);
    ds.delete(Tags.StudyInstanceUID);
    const a = mapWorklistDataset(ds);
    const b = mapWorklistDataset(ds);
    expect(procedureOf(a).requestedProcedureId).toMatch(/^RP[0-9A-HJKMNP-TV-Z]{14}$/);
    expect(stepsOf(a).map((st) => st.spsId)).toEqual([expect.stringMatching(/^SPS[0-9A-HJKMNP-TV-Z]{13}$/), expect.stringMatching(/^SPS/)]);
    expect(new Set(stepsOf(a).map((st) => st.spsId)).size).toBe(2);
    expect(procedureOf(a).studyInstanceUid).toMatch(/^2\.25\.\d{20,39}$/);
    expect(a.studyUidGiven).toBe(false);
    expect(b).toEqual(a);
  });

  it('accepts a file without Accession Number (Type 2): the order has none, the ids come from the file', () => {
    const ds = wl([], [[]]);
    ds.delete(Tags.AccessionNumber);
    ds.delete(Tags.RequestedProcedureID);
    ds.delete(Tags.StudyInstanceUID);
    const rows = mapWorklistDataset(ds);
    expect(rows.order.accessionNumber).toBeUndefined();
    expect(procedureOf(rows).requestedProcedureId).toMatch(/^RP.{14}$/);
    expect(stepsOf(rows)[0].spsId).toMatch(/^SPS.{13}$/);
    // another file without accession gets its own procedure and study
    const other = mapWorklistDataset(ds, 'RADFLOW/wl0000002.wl');
    expect(procedureOf(other).requestedProcedureId).not.toBe(procedureOf(rows).requestedProcedureId);
    expect(procedureOf(other).studyInstanceUid).not.toBe(procedureOf(rows).studyInstanceUid);
  });

  it('generates ids distinct per file: same accession, no step ids, only the station differs', () => {
    const file = (station: string): DicomDataset => {
      const ds = wl([], [[s(Tags.ScheduledStationAETitle, 'AE', station)]]);
      // same accession and Study Instance UID in both, no RP ID, no SPS ID
      ds.delete(Tags.RequestedProcedureID);
      const item = (ds.get(Tags.ScheduledProcedureStepSequence)!.value as DicomDataset[])[0];
      item.delete(Tags.ScheduledProcedureStepID);
      return ds;
    };
    const a = mapWorklistDataset(file('CT01'), 'RADFLOW/a.wl');
    const b = mapWorklistDataset(file('CT02'), 'RADFLOW/b.wl');
    expect(a.order.accessionNumber).toBe(b.order.accessionNumber);
    // one study: one requested procedure (the RP ID comes from the Study Instance UID) …
    expect(procedureOf(a).requestedProcedureId).toBe(procedureOf(b).requestedProcedureId);
    // … and a step of its own per file
    expect(stepsOf(a)[0].spsId).not.toBe(stepsOf(b)[0].spsId);
    expect([stepsOf(a)[0].stationAeTitles, stepsOf(b)[0].stationAeTitles]).toEqual([['CT01'], ['CT02']]);
    // stable: the same file maps to the same ids again
    expect(stepsOf(mapWorklistDataset(file('CT02'), 'RADFLOW/b.wl'))[0].spsId).toBe(stepsOf(b)[0].spsId);
    // the same file name in another folder is another file
    expect(stepsOf(mapWorklistDataset(file('CT02'), 'MR/b.wl'))[0].spsId).not.toBe(stepsOf(b)[0].spsId);
  });

  it('keeps the ids a file carries', () => {
    const a = mapWorklistDataset(wl(), 'RADFLOW/a.wl');
    const b = mapWorklistDataset(wl(), 'RADFLOW/b.wl');
    expect([procedureOf(a).requestedProcedureId, stepsOf(a)[0].spsId]).toEqual(['RP0000001', 'SPS0000001']);
    expect(stepsOf(b)[0].spsId).toBe('SPS0000001');
    expect(a.studyUidGiven).toBe(true);
  });

  it('generated ids fit SH (16 characters) and never carry a patient value', () => {
    const ds = wl([], [[], [], []]);
    ds.delete(Tags.RequestedProcedureID);
    ds.delete(Tags.StudyInstanceUID);
    const rows = mapWorklistDataset(ds, `${'F'.repeat(200)}/${'x'.repeat(200)}.wl`);
    for (const id of [procedureOf(rows).requestedProcedureId, ...stepsOf(rows).map((st) => st.spsId)]) expect(id.length).toBeLessThanOrEqual(16);
    const other = wl([s(Tags.PatientID, 'LO', 'P9999999')], [[], [], []]);
    other.delete(Tags.RequestedProcedureID);
    other.delete(Tags.StudyInstanceUID);
    const same = mapWorklistDataset(other, `${'F'.repeat(200)}/${'x'.repeat(200)}.wl`);
    expect(stepsOf(same).map((st) => st.spsId)).toEqual(stepsOf(rows).map((st) => st.spsId));
  });

  it('refuses a scheduled start it cannot read, naming the attribute and not the value', () => {
    expect(() => mapWorklistDataset(wl([], [[s(Tags.ScheduledProcedureStepStartDate, 'DA', '2026-12-12')]]))).toThrow(
      new WorklistFileError('Scheduled Procedure Step Start Date (0040,0002) is not in DICOM form'),
    );
    expect(() => mapWorklistDataset(wl([s(Tags.TimezoneOffsetFromUTC, 'SH', '+1')]))).toThrow(WorklistFileError);
    expect(stepsOf(mapWorklistDataset(wl([s(Tags.TimezoneOffsetFromUTC, 'SH', '+0100')])))[0]).toMatchObject({ startDate: '20261212', startTime: '093000', timezoneOffset: '+0100' });
  });
});

describe('readWorklistFile', () => {
  const TS = tag(0x0002, 0x0010);
  function part10(ds: DicomDataset, ts: string, options: { preamble?: boolean; groupLength?: boolean } = {}): Buffer {
    const meta = encodeDataset(createDataset([[TS, { vr: 'UI', value: ts }]]), { explicitVr: true });
    const groupLength = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0, 0, 0, 0]);
    groupLength.writeUInt32LE(meta.length, 8);
    let body = encodeDataset(ds, { explicitVr: ts !== '1.2.840.10008.1.2' });
    if (ts === '1.2.840.10008.1.2.1.99') body = deflateRawSync(body);
    const head = options.preamble === false ? [] : [Buffer.alloc(128)];
    return Buffer.concat([...head, Buffer.from('DICM'), ...(options.groupLength === false ? [] : [groupLength]), meta, body]);
  }

  it.each([
    ['Explicit VR Little Endian', '1.2.840.10008.1.2.1', {}],
    ['Implicit VR Little Endian', '1.2.840.10008.1.2', {}],
    ['Deflated Explicit VR Little Endian', '1.2.840.10008.1.2.1.99', {}],
    ['meta without group length', '1.2.840.10008.1.2.1', { groupLength: false }],
    ['no preamble', '1.2.840.10008.1.2.1', { preamble: false }],
  ])('reads %s', (_name, ts, options) => {
    const ds = readWorklistFile(part10(wl(), ts, options));
    expect(getString(ds, Tags.PatientName)).toBe('Yamada^Tarou=山田^太郎');
    expect(stepsOf(mapWorklistDataset(ds))[0].stationAeTitles).toEqual(['CT01', 'CT02']);
  });

  it('reads a bare dataset without meta information', () => {
    expect(getString(readWorklistFile(encodeDataset(wl(), { explicitVr: false })), Tags.AccessionNumber)).toBe('A00000001');
    expect(getString(readWorklistFile(encodeDataset(wl(), { explicitVr: true })), Tags.AccessionNumber)).toBe('A00000001');
  });

  it('refuses Explicit VR Big Endian', () => {
    expect(() => readWorklistFile(part10(wl(), '1.2.840.10008.1.2.2'))).toThrow(DatasetDecodeError);
  });
});
