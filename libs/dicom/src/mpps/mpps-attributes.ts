import { DicomDataset } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';

/** Where the MPPS edge read a command or a reference: handed back in domain errors. */
export interface MppsOrigin {
  dataset: DicomDataset;
}

export function mppsOrigin(dataset: DicomDataset): MppsOrigin {
  return { dataset };
}

/** The patient attributes a performed step carries; fixed once it was created. */
export const PATIENT_TAGS: readonly number[] = [Tags.PatientName, Tags.PatientID, Tags.IssuerOfPatientID, Tags.PatientBirthDate, Tags.PatientSex];

/** Domain attribute of a performed step → the attribute(s) that carry it (PS3.4 F.7.2). */
export const ATTRIBUTE_TAGS: Readonly<Record<string, readonly number[]>> = {
  status: [Tags.PerformedProcedureStepStatus],
  references: [Tags.ScheduledStepAttributesSequence],
  'references.studyInstanceUid': [Tags.StudyInstanceUID],
  patient: PATIENT_TAGS,
  performedStepId: [Tags.PerformedProcedureStepID],
  stationAeTitle: [Tags.PerformedStationAETitle],
  startDate: [Tags.PerformedProcedureStepStartDate],
  startTime: [Tags.PerformedProcedureStepStartTime],
  endDate: [Tags.PerformedProcedureStepEndDate],
  endTime: [Tags.PerformedProcedureStepEndTime],
  modality: [Tags.Modality],
  studyId: [Tags.StudyID],
};

/**
 * The tags a domain error names, as the request had them: of a group (the patient) only the ones
 * sent; a single one whether sent or not (a missing attribute is named too).
 */
export function tagsOf(attribute: string | undefined, origin: MppsOrigin | undefined): number[] {
  const tags = (attribute && ATTRIBUTE_TAGS[attribute]) || [];
  if (tags.length <= 1 || !origin) return [...tags];
  const sent = tags.filter((t) => origin.dataset.has(t));
  return sent.length ? sent : [...tags];
}

/** The attribute is in the request (with or without a value). */
export function isPresent(attribute: string | undefined, origin: MppsOrigin | undefined): boolean {
  return !!origin && tagsOf(attribute, origin).some((t) => origin.dataset.has(t));
}
