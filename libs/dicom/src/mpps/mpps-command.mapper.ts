import type {
  CodedValue, FixedPerformedValues, PerformedPatient, PerformedSeries, RadiationDose, ScheduledStepReference, StartPerformedStepCommand, UpdatePerformedStepCommand,
} from '@radflow/domain';
import { DicomDataset, getNumbers, getSequence, getString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { toDicomJson } from './dicom-json';
import { mppsOrigin, PATIENT_TAGS } from './mpps-attributes';

/** N-CREATE data set (PS3.4 F.7.2) → the domain's start command. Required values pass as sent ('' = empty). */
export function toStartCommand(ds: DicomDataset, instanceUid: string): StartPerformedStepCommand {
  return {
    instanceUid,
    status: sent(ds, Tags.PerformedProcedureStepStatus),
    references: references(ds) ?? [],
    patient: patient(ds) ?? {},
    modality: sent(ds, Tags.Modality),
    stationAeTitle: sent(ds, Tags.PerformedStationAETitle),
    stationName: value(ds, Tags.PerformedStationName),
    location: value(ds, Tags.PerformedLocation),
    performedStepId: sent(ds, Tags.PerformedProcedureStepID),
    startDate: sent(ds, Tags.PerformedProcedureStepStartDate),
    startTime: sent(ds, Tags.PerformedProcedureStepStartTime),
    description: value(ds, Tags.PerformedProcedureStepDescription),
    procedureTypeDescription: value(ds, Tags.PerformedProcedureTypeDescription),
    studyId: value(ds, Tags.StudyID),
    comments: value(ds, Tags.CommentsOnThePerformedProcedureStep),
    series: series(ds) ?? [],
    dose: dose(ds),
    receivedAttributes: toDicomJson(ds),
    origin: mppsOrigin(ds),
  };
}

/** N-SET modification list → the domain's update command; only what it carries is set. */
export function toUpdateCommand(ds: DicomDataset, instanceUid: string): UpdatePerformedStepCommand {
  const fixed: FixedPerformedValues = {
    references: references(ds),
    patient: patient(ds),
    performedStepId: sent(ds, Tags.PerformedProcedureStepID),
    startDate: sent(ds, Tags.PerformedProcedureStepStartDate),
    startTime: sent(ds, Tags.PerformedProcedureStepStartTime),
    modality: sent(ds, Tags.Modality),
    studyId: sent(ds, Tags.StudyID),
  };
  return {
    instanceUid,
    status: sent(ds, Tags.PerformedProcedureStepStatus),
    endDate: value(ds, Tags.PerformedProcedureStepEndDate),
    endTime: value(ds, Tags.PerformedProcedureStepEndTime),
    description: value(ds, Tags.PerformedProcedureStepDescription),
    procedureTypeDescription: value(ds, Tags.PerformedProcedureTypeDescription),
    comments: value(ds, Tags.CommentsOnThePerformedProcedureStep),
    series: series(ds),
    dose: dose(ds),
    discontinuationReason: code(getSequence(ds, Tags.PerformedProcedureStepDiscontinuationReasonCodeSequence)?.[0]),
    fixed: Object.fromEntries(Object.entries(fixed).filter(([, v]) => v !== undefined)),
    receivedAttributes: toDicomJson(ds),
    origin: mppsOrigin(ds),
  };
}

/** As sent, trimmed: undefined when absent, '' when present without a value. */
function sent(ds: DicomDataset, t: number): string | undefined {
  const el = ds.get(t);
  if (!el) return undefined;
  return typeof el.value === 'string' ? el.value.replace(/\0/g, '').trim() : '';
}

/** A value, or undefined when absent or empty. */
function value(ds: DicomDataset, t: number): string | undefined {
  return sent(ds, t) || undefined;
}

function references(ds: DicomDataset): ScheduledStepReference[] | undefined {
  return getSequence(ds, Tags.ScheduledStepAttributesSequence)?.map((item) => ({
    studyInstanceUid: sent(item, Tags.StudyInstanceUID),
    accessionNumber: value(item, Tags.AccessionNumber),
    requestedProcedureId: value(item, Tags.RequestedProcedureID),
    spsId: value(item, Tags.ScheduledProcedureStepID),
    origin: mppsOrigin(item),
  }));
}

function patient(ds: DicomDataset): PerformedPatient | undefined {
  if (!PATIENT_TAGS.some((t) => ds.has(t))) return undefined;
  const p: PerformedPatient = {
    name: sent(ds, Tags.PatientName), id: sent(ds, Tags.PatientID), issuer: sent(ds, Tags.IssuerOfPatientID),
    birthDate: sent(ds, Tags.PatientBirthDate), sex: sent(ds, Tags.PatientSex),
  };
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

function series(ds: DicomDataset): PerformedSeries[] | undefined {
  return getSequence(ds, Tags.PerformedSeriesSequence)?.map((item) => ({
    seriesInstanceUid: value(item, Tags.SeriesInstanceUID),
    protocolName: value(item, Tags.ProtocolName),
    description: value(item, Tags.SeriesDescription),
    retrieveAeTitle: value(item, Tags.RetrieveAETitle),
    performingPhysician: value(item, Tags.PerformingPhysicianName),
    operators: value(item, Tags.OperatorsName),
    imageCount: getSequence(item, Tags.ReferencedImageSequence)?.length ?? 0,
    nonImageCount: getSequence(item, Tags.ReferencedNonImageCompositeSOPInstanceSequence)?.length ?? 0,
  }));
}

function dose(ds: DicomDataset): RadiationDose | undefined {
  const number = (t: number) => getNumbers(ds, t)?.[0] ?? (value(ds, t) !== undefined ? Number(value(ds, t)) : undefined);
  const d: RadiationDose = {
    fluoroscopyTimeSeconds: number(Tags.TotalTimeOfFluoroscopy),
    exposureCount: number(Tags.TotalNumberOfExposures),
    entranceDoseDgy: number(Tags.EntranceDose),
    exposedAreaCm2: number(Tags.ExposedArea),
    sourceToEntranceDistanceMm: number(Tags.DistanceSourceToEntrance),
    comments: value(ds, Tags.CommentsOnRadiationDose),
    exposures: getSequence(ds, Tags.ExposureDoseSequence)?.map(toDicomJson),
  };
  const given = Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && !(typeof v === 'number' && Number.isNaN(v))));
  return Object.keys(given).length ? given : undefined;
}

function code(item: DicomDataset | undefined): CodedValue | undefined {
  const v = item && (value(item, Tags.CodeValue) ?? value(item, Tags.LongCodeValue) ?? value(item, Tags.URNCodeValue));
  if (!item || !v) return undefined;
  return { value: v, scheme: value(item, Tags.CodingSchemeDesignator), meaning: value(item, Tags.CodeMeaning) };
}
