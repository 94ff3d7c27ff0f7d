import { createDataset, DicomDataset, setNumbers, setSequence, setString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { toStartCommand, toUpdateCommand } from './mpps-command.mapper';

function item(values: Record<string, string>): DicomDataset {
  const ds = createDataset();
  for (const [k, v] of Object.entries(values)) setString(ds, Tags[k as keyof typeof Tags], v);
  return ds;
}

function nCreate(): DicomDataset {
  const ds = item({
    PatientName: 'DOE^JANE', PatientID: 'P1', IssuerOfPatientID: 'SITE', PatientBirthDate: '19700101', PatientSex: 'F',
    PerformedProcedureStepID: 'PPS1', PerformedStationAETitle: 'CT01', PerformedProcedureStepStartDate: '20261204', PerformedProcedureStepStartTime: '101500',
    PerformedProcedureStepStatus: 'IN PROGRESS', Modality: 'CT', StudyID: '', PerformedProcedureStepEndDate: '', PerformedProcedureStepEndTime: '',
  });
  setSequence(ds, Tags.ScheduledStepAttributesSequence, [item({ StudyInstanceUID: '1.2.3', AccessionNumber: 'A1', RequestedProcedureID: 'RP1', ScheduledProcedureStepID: 'S1' }), item({ StudyInstanceUID: '1.2.3', AccessionNumber: '' })]);
  setSequence(ds, Tags.PerformedSeriesSequence, []);
  return ds;
}

describe('toStartCommand', () => {
  it('reads the N-CREATE attributes in the domain words', () => {
    const cmd = toStartCommand(nCreate(), '1.2.9');
    expect(cmd).toMatchObject({
      instanceUid: '1.2.9', status: 'IN PROGRESS', modality: 'CT', stationAeTitle: 'CT01', performedStepId: 'PPS1', startDate: '20261204', startTime: '101500',
      patient: { name: 'DOE^JANE', id: 'P1', issuer: 'SITE', birthDate: '19700101', sex: 'F' }, series: [],
    });
    expect(cmd.studyId).toBeUndefined();
    expect(cmd.references.map(({ origin: _, ...r }) => r)).toEqual([
      { studyInstanceUid: '1.2.3', accessionNumber: 'A1', requestedProcedureId: 'RP1', spsId: 'S1' },
      { studyInstanceUid: '1.2.3', accessionNumber: undefined, requestedProcedureId: undefined, spsId: undefined },
    ]);
    expect(cmd.receivedAttributes['00400252']).toEqual({ vr: 'CS', Value: ['IN PROGRESS'] });
    expect(cmd.receivedAttributes['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
  });

  it('tells an attribute sent empty ("") from one not sent (undefined)', () => {
    const ds = nCreate();
    setString(ds, Tags.Modality, '');
    ds.delete(Tags.PerformedStationAETitle);
    const cmd = toStartCommand(ds, '1.2.9');
    expect(cmd.modality).toBe('');
    expect(cmd.stationAeTitle).toBeUndefined();
  });
});

describe('toUpdateCommand', () => {
  it('reads only what the N-SET carries: status, end, series with their image counts, dose, reason', () => {
    const ds = item({ PerformedProcedureStepStatus: 'DISCONTINUED', PerformedProcedureStepEndDate: '20261204', PerformedProcedureStepEndTime: '103000' });
    const image = item({ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', ReferencedSOPInstanceUID: '1.2.3.4' });
    const series = item({ SeriesInstanceUID: '1.2.5', ProtocolName: 'CHEST', RetrieveAETitle: 'PACS', OperatorsName: 'TECH^ONE' });
    setSequence(series, Tags.ReferencedImageSequence, [image, image]);
    setSequence(ds, Tags.PerformedSeriesSequence, [series]);
    setNumbers(ds, Tags.TotalNumberOfExposures, [3]);
    setSequence(ds, Tags.PerformedProcedureStepDiscontinuationReasonCodeSequence, [item({ CodeValue: '110513', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Discontinued for unspecified reason' })]);
    const cmd = toUpdateCommand(ds, '1.2.9');
    expect(cmd).toMatchObject({
      instanceUid: '1.2.9', status: 'DISCONTINUED', endDate: '20261204', endTime: '103000', fixed: {},
      series: [{ seriesInstanceUid: '1.2.5', protocolName: 'CHEST', retrieveAeTitle: 'PACS', operators: 'TECH^ONE', imageCount: 2, nonImageCount: 0 }],
      dose: { exposureCount: 3 }, discontinuationReason: { value: '110513', scheme: 'DCM', meaning: 'Discontinued for unspecified reason' },
    });
    expect(cmd.description).toBeUndefined();
  });

  it('hands over fixed attributes it carries, for the domain to compare', () => {
    const ds = item({ Modality: 'MR', PatientName: 'DOE^JANE' });
    expect(toUpdateCommand(ds, '1.2.9').fixed).toEqual({ modality: 'MR', patient: { name: 'DOE^JANE' } });
  });
});
