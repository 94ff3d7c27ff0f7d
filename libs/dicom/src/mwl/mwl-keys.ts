import { Keyword, Tags } from '../dimse/dicom-dictionary';
import type { Vr } from '../dimse/vr';
import { vrOf } from '../dimse/dicom-dictionary';

/** Return key types of PS3.4 K.2.2.1.2 (1, 1C, 2, 2C, 3). */
export type MwlReturnType = '1' | '1C' | '2' | '2C' | '3';

/** One attribute of the Modality Worklist Information Model (PS3.4 Table K.6-1, see mwl-cfind.md §1). */
export interface MwlKeyDef {
  readonly tag: number;
  /** The PS3.6 keyword; `(gggg,eeee)` for an attribute outside our dictionary. */
  readonly keyword: Keyword | string;
  readonly vr: Vr;
  /** R = the SCP must match on it; O = optional matching key. */
  readonly matching: 'R' | 'O';
  readonly returnType: MwlReturnType;
  /** Attributes allowed inside the items of a sequence key. */
  readonly items?: ReadonlyMap<number, MwlKeyDef>;
}

function key(keyword: Keyword, matching: 'R' | 'O', returnType: MwlReturnType, items?: MwlKeyDef[]): MwlKeyDef {
  const tag = Tags[keyword];
  return { tag, keyword, vr: vrOf(tag), matching, returnType, items: items && new Map(items.map((d) => [d.tag, d])) };
}

const code = (): MwlKeyDef[] => [
  key('CodeValue', 'O', '1C'),
  key('CodingSchemeDesignator', 'O', '1C'),
  key('CodingSchemeVersion', 'O', '1C'),
  key('CodeMeaning', 'O', '1'),
  key('LongCodeValue', 'O', '1C'),
  key('URNCodeValue', 'O', '1C'),
];
const issuer = (): MwlKeyDef[] => [key('LocalNamespaceEntityID', 'O', '1C'), key('UniversalEntityID', 'O', '1C'), key('UniversalEntityIDType', 'O', '1C')];
const issuerQualifiers = (): MwlKeyDef[] => [...issuer().slice(1), key('IdentifierTypeCode', 'O', '3'), key('AssigningFacilitySequence', 'O', '3')];

/** Keys inside the (single) Scheduled Procedure Step Sequence item. */
export const SPS_KEYS: readonly MwlKeyDef[] = [
  key('ScheduledStationAETitle', 'R', '1'),
  key('ScheduledProcedureStepStartDate', 'R', '1'),
  key('ScheduledProcedureStepStartTime', 'R', '1'),
  key('Modality', 'R', '1'),
  key('ScheduledPerformingPhysicianName', 'R', '2'),
  key('ScheduledProcedureStepEndDate', 'O', '3'),
  key('ScheduledProcedureStepEndTime', 'O', '3'),
  key('ScheduledProcedureStepDescription', 'O', '1C'),
  key('ScheduledProtocolCodeSequence', 'O', '1C', [...code(), key('ProtocolContextSequence', 'O', '3')]),
  key('ScheduledStationName', 'O', '2'),
  key('ScheduledProcedureStepLocation', 'O', '2'),
  key('PreMedication', 'O', '2C'),
  key('ScheduledProcedureStepID', 'O', '1'),
  key('RequestedContrastAgent', 'O', '2C'),
  key('ScheduledProcedureStepStatus', 'O', '3'),
  key('CommentsOnTheScheduledProcedureStep', 'O', '3'),
];

/** Top-level keys: Requested Procedure, Imaging Service Request, Visit and Patient modules. */
export const TOP_KEYS: readonly MwlKeyDef[] = [
  key('TimezoneOffsetFromUTC', 'O', '3'),
  key('WorklistLabel', 'O', '3'),
  key('ScheduledProcedureStepSequence', 'R', '1', [...SPS_KEYS]),
  // Requested Procedure
  key('RequestedProcedureID', 'O', '1'),
  key('RequestedProcedureDescription', 'O', '1C'),
  key('RequestedProcedureCodeSequence', 'O', '1C', code()),
  key('StudyInstanceUID', 'O', '1'),
  key('StudyDate', 'O', '3'),
  key('StudyTime', 'O', '3'),
  key('ReferencedStudySequence', 'O', '2', [key('ReferencedSOPClassUID', 'O', '1'), key('ReferencedSOPInstanceUID', 'O', '1')]),
  key('RequestedProcedurePriority', 'O', '2'),
  key('PatientTransportArrangements', 'O', '2'),
  key('ReasonForTheRequestedProcedure', 'O', '3'),
  key('ReasonForRequestedProcedureCodeSequence', 'O', '3', code()),
  key('RequestedProcedureLocation', 'O', '3'),
  key('ConfidentialityCode', 'O', '3'),
  key('ReportingPriority', 'O', '3'),
  key('NamesOfIntendedRecipientsOfResults', 'O', '3'),
  key('RequestedProcedureComments', 'O', '3'),
  // Imaging Service Request
  key('AccessionNumber', 'O', '2'),
  key('IssuerOfAccessionNumberSequence', 'O', '3', issuer()),
  key('RequestingPhysician', 'O', '2'),
  key('ReferringPhysicianName', 'O', '2'),
  key('RequestingService', 'O', '3'),
  key('PlacerOrderNumberImagingServiceRequest', 'O', '3'),
  key('FillerOrderNumberImagingServiceRequest', 'O', '3'),
  key('OrderPlacerIdentifierSequence', 'O', '3', issuer()),
  key('OrderFillerIdentifierSequence', 'O', '3', issuer()),
  key('ImagingServiceRequestComments', 'O', '3'),
  key('IssueDateOfImagingServiceRequest', 'O', '3'),
  key('IssueTimeOfImagingServiceRequest', 'O', '3'),
  key('OrderEnteredBy', 'O', '3'),
  key('OrderEntererLocation', 'O', '3'),
  key('OrderCallbackPhoneNumber', 'O', '3'),
  // Visit
  key('AdmissionID', 'O', '2'),
  key('IssuerOfAdmissionIDSequence', 'O', '3', issuer()),
  key('InstitutionName', 'O', '3'),
  key('CurrentPatientLocation', 'O', '2'),
  key('PatientInstitutionResidence', 'O', '3'),
  key('VisitStatusID', 'O', '3'),
  key('VisitComments', 'O', '3'),
  key('ReferencedPatientSequence', 'O', '2', [key('ReferencedSOPClassUID', 'O', '1'), key('ReferencedSOPInstanceUID', 'O', '1')]),
  key('RouteOfAdmissions', 'O', '3'),
  key('AdmittingDate', 'O', '3'),
  key('AdmittingTime', 'O', '3'),
  key('AdmittingDiagnosesDescription', 'O', '3'),
  // Patient
  key('PatientName', 'R', '1'),
  key('PatientID', 'R', '1'),
  key('IssuerOfPatientID', 'O', '3'),
  key('IssuerOfPatientIDQualifiersSequence', 'O', '3', issuerQualifiers()),
  key('OtherPatientIDsSequence', 'O', '3', [
    key('PatientID', 'O', '1'),
    key('IssuerOfPatientID', 'O', '1'),
    key('TypeOfPatientID', 'O', '1'),
    key('IssuerOfPatientIDQualifiersSequence', 'O', '3', issuerQualifiers()),
  ]),
  key('PatientBirthDate', 'O', '2'),
  key('PatientBirthTime', 'O', '3'),
  key('PatientSex', 'O', '2'),
  key('OtherPatientNames', 'O', '3'),
  key('PatientWeight', 'O', '2'),
  key('PatientSize', 'O', '3'),
  key('ConfidentialityConstraintOnPatientDataDescription', 'O', '2'),
  key('PatientState', 'O', '2'),
  key('PregnancyStatus', 'O', '2'),
  key('MedicalAlerts', 'O', '2'),
  key('Allergies', 'O', '2'),
  key('SpecialNeeds', 'O', '2'),
  key('AdditionalPatientHistory', 'O', '3'),
  key('LastMenstrualDate', 'O', '3'),
  key('SmokingStatus', 'O', '3'),
  key('EthnicGroup', 'O', '3'),
  key('PatientComments', 'O', '3'),
];

export const TOP_KEY_BY_TAG: ReadonlyMap<number, MwlKeyDef> = new Map(TOP_KEYS.map((d) => [d.tag, d]));
export const SPS_SEQUENCE: MwlKeyDef = TOP_KEY_BY_TAG.get(Tags.ScheduledProcedureStepSequence) as MwlKeyDef;
export const SPS_KEY_BY_TAG: ReadonlyMap<number, MwlKeyDef> = SPS_SEQUENCE.items as ReadonlyMap<number, MwlKeyDef>;
