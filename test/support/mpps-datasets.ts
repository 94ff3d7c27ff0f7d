/**
 * MPPS data sets as a modality sends them (IHE RAD-6 / RAD-7), as dcmjs "naturalized" attributes
 * for test/support/mpps-scu.ts. Synthetic patients and UIDs only.
 */
let seq = 0;

export const testUid = (): string => `2.25.${Date.now()}${++seq}${Math.floor(Math.random() * 1e6)}`;

export interface StepReference {
  studyInstanceUid: string;
  accessionNumber: string;
  requestedProcedureId: string;
  spsId: string;
}

export const scheduledStepItem = (r: StepReference) => ({
  StudyInstanceUID: r.studyInstanceUid, AccessionNumber: r.accessionNumber, RequestedProcedureID: r.requestedProcedureId, ScheduledProcedureStepID: r.spsId,
  ReferencedStudySequence: [], ScheduledProtocolCodeSequence: [],
});

/** An N-CREATE: IN PROGRESS for the referenced steps. */
export const inProgressDataset = (refs: readonly StepReference[], extra: Record<string, unknown> = {}) => ({
  SpecificCharacterSet: 'ISO_IR 100',
  ScheduledStepAttributesSequence: refs.map(scheduledStepItem),
  PatientName: 'MPPSTEST^MODALITY', PatientID: 'PMODALITY', PatientBirthDate: '19700101', PatientSex: 'O',
  PerformedProcedureStepID: `PPS${++seq}`, PerformedStationAETitle: 'CT01', PerformedStationName: 'CT ROOM 1', PerformedLocation: '',
  PerformedProcedureStepStartDate: '20261204', PerformedProcedureStepStartTime: '101500', PerformedProcedureStepStatus: 'IN PROGRESS',
  PerformedProcedureStepDescription: 'CT chest', PerformedProcedureTypeDescription: '', ProcedureCodeSequence: [],
  PerformedProcedureStepEndDate: '', PerformedProcedureStepEndTime: '', Modality: 'CT', StudyID: 'S1', PerformedProtocolCodeSequence: [], PerformedSeriesSequence: [],
  ...extra,
});

export const seriesItems = (count: number) => Array.from({ length: count }, (_, i) => ({
  PerformingPhysicianName: '', OperatorsName: 'TECH^ONE', ProtocolName: 'CHEST ROUTINE', SeriesInstanceUID: testUid(), SeriesDescription: `series ${i}`, RetrieveAETitle: 'PACS',
  ReferencedImageSequence: [{ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', ReferencedSOPInstanceUID: testUid() }], ReferencedNonImageCompositeSOPInstanceSequence: [],
}));

/** An N-SET: COMPLETED with `series` series of one image each. */
export const completedDataset = (series = 1) => ({
  PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: '20261204', PerformedProcedureStepEndTime: '103000', PerformedSeriesSequence: seriesItems(series),
});
