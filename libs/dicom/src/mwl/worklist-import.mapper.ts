import { createHash } from 'node:crypto';
import { CodedEntry, DicomPriority, ImportedStepInput, ImportWorklistItemCommand, IssuerRef, OrderEvent, PatientIdentifier } from '@radflow/domain';
import { DicomDataset, getNumbers, getSequence, getString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { generatedRequestedProcedureId, generatedStepId } from './worklist-import.ids';

/** The file cannot become a worklist entry; the import reports it and goes on with the next file. */
export class WorklistFileError extends Error {
  override readonly name = 'WorklistFileError';
}

const DICOM_PRIORITIES: ReadonlySet<string> = new Set<DicomPriority>(['STAT', 'HIGH', 'ROUTINE', 'MEDIUM', 'LOW']);

/**
 * One `.wl` dataset → the import command. Patient ID and one Scheduled Procedure Step item are
 * required; the Accession Number may be empty (Type 2 in MWL). A missing Requested Procedure ID or
 * SPS ID is generated (worklist-import.ids.ts) from `source`, the file's `<folder name>/<file name>`,
 * and a missing Study Instance UID derived from the keys, so importing the same file twice yields
 * the same keys and two files never share generated ones.
 */
export function mapWorklistDataset(ds: DicomDataset, source: string): ImportWorklistItemCommand {
  const accession = text(ds, Tags.AccessionNumber);
  const patientId = text(ds, Tags.PatientID);
  if (!patientId) throw new WorklistFileError('no Patient ID (0010,0020)');
  const spsItems = getSequence(ds, Tags.ScheduledProcedureStepSequence) ?? [];
  if (spsItems.length === 0) throw new WorklistFileError('no Scheduled Procedure Step Sequence (0040,0100) item');
  const studyUid = text(ds, Tags.StudyInstanceUID)?.replace(/\0/g, '');
  const rpId = text(ds, Tags.RequestedProcedureID) ?? generatedRequestedProcedureId(source, studyUid);
  const [name, ideographic, phonetic] = (text(ds, Tags.PatientName) ?? '').split('=');
  const qualifiers = getSequence(ds, Tags.IssuerOfPatientIDQualifiersSequence)?.[0];
  const offset = checked(text(ds, Tags.TimezoneOffsetFromUTC), UTC_OFFSET, 'Timezone Offset From UTC (0008,0201)');
  const priority = text(ds, Tags.RequestedProcedurePriority)?.toUpperCase();
  const dicomPriority = priority && DICOM_PRIORITIES.has(priority) ? (priority as DicomPriority) : undefined;
  return {
    file: source,
    patient: {
      identifier: {
        id: patientId,
        issuer: text(ds, Tags.IssuerOfPatientID) ?? '',
        universalId: qualifiers && text(qualifiers, Tags.UniversalEntityID),
        universalIdType: qualifiers && text(qualifiers, Tags.UniversalEntityIDType),
        typeCode: qualifiers && text(qualifiers, Tags.IdentifierTypeCode),
      },
      otherIdentifiers: otherIds(ds),
      name: name || undefined,
      nameIdeographic: ideographic || undefined,
      namePhonetic: phonetic || undefined,
      birthDate: text(ds, Tags.PatientBirthDate),
      birthTime: text(ds, Tags.PatientBirthTime),
      sex: text(ds, Tags.PatientSex),
    },
    visit: {
      admissionId: text(ds, Tags.AdmissionID),
      currentPatientLocation: text(ds, Tags.CurrentPatientLocation),
      referringPhysician: text(ds, Tags.ReferringPhysicianName),
      pregnancyStatus: getNumbers(ds, Tags.PregnancyStatus)?.[0],
      allergies: text(ds, Tags.Allergies),
    },
    order: {
      event: OrderEvent.Place,
      accessionNumber: accession,
      accessionIssuer: issuer(getSequence(ds, Tags.IssuerOfAccessionNumberSequence)?.[0]),
      placerOrderNumber: text(ds, Tags.PlacerOrderNumberImagingServiceRequest),
      placerIssuer: issuer(getSequence(ds, Tags.OrderPlacerIdentifierSequence)?.[0]),
      fillerOrderNumber: text(ds, Tags.FillerOrderNumberImagingServiceRequest),
      fillerIssuer: issuer(getSequence(ds, Tags.OrderFillerIdentifierSequence)?.[0]),
      priority: dicomPriority,
      requestingPhysician: text(ds, Tags.RequestingPhysician),
      requestingService: text(ds, Tags.RequestingService),
      reasonForProcedure: text(ds, Tags.ReasonForTheRequestedProcedure),
      reasonCode: code(getSequence(ds, Tags.ReasonForRequestedProcedureCodeSequence)?.[0]),
      orderEnteredBy: text(ds, Tags.OrderEnteredBy),
      callbackPhone: text(ds, Tags.OrderCallbackPhoneNumber),
      institutionName: text(ds, Tags.InstitutionName),
      medicalAlerts: text(ds, Tags.MedicalAlerts),
      patientState: text(ds, Tags.PatientState),
      confidentialityCode: text(ds, Tags.ConfidentialityCode),
      comments: text(ds, Tags.ImagingServiceRequestComments),
      procedures: [
        {
          requestedProcedureId: rpId,
          // Without an accession the file alone names the procedure, so its UID comes from the file too.
          studyInstanceUid: studyUid || (accession ? derivedUid(accession, rpId) : derivedUid('', rpId, source)),
          description: text(ds, Tags.RequestedProcedureDescription),
          code: code(getSequence(ds, Tags.RequestedProcedureCodeSequence)?.[0]),
          priority: dicomPriority,
          transportArrangements: text(ds, Tags.PatientTransportArrangements),
          location: text(ds, Tags.RequestedProcedureLocation),
          comments: text(ds, Tags.RequestedProcedureComments),
          steps: spsItems.map((sps, i) => toStep(sps, source, i, offset)),
        },
      ],
    },
    studyUidGiven: Boolean(studyUid),
  };
}

/** DICOM DA, TM (without the old colons) and a UTC offset, as the scheduled start is read from them. */
const DA = /^\d{8}$/;
const TM = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;
const UTC_OFFSET = /^[+-]\d{4}$/;

function toStep(sps: DicomDataset, source: string, index: number, offset: string | undefined): ImportedStepInput {
  return {
    spsId: text(sps, Tags.ScheduledProcedureStepID) ?? generatedStepId(source, index + 1),
    modality: text(sps, Tags.Modality),
    stationAeTitles: (text(sps, Tags.ScheduledStationAETitle) ?? '').split('\\').map((v) => v.trim()).filter(Boolean),
    stationName: text(sps, Tags.ScheduledStationName),
    location: text(sps, Tags.ScheduledProcedureStepLocation),
    startDate: checked(text(sps, Tags.ScheduledProcedureStepStartDate), DA, 'Scheduled Procedure Step Start Date (0040,0002)'),
    startTime: checked(text(sps, Tags.ScheduledProcedureStepStartTime), TM, 'Scheduled Procedure Step Start Time (0040,0003)'),
    timezoneOffset: offset,
    endDate: text(sps, Tags.ScheduledProcedureStepEndDate),
    endTime: text(sps, Tags.ScheduledProcedureStepEndTime),
    description: text(sps, Tags.ScheduledProcedureStepDescription),
    protocolCodes: codes(getSequence(sps, Tags.ScheduledProtocolCodeSequence)),
    performingPhysician: text(sps, Tags.ScheduledPerformingPhysicianName),
    contrastAgent: text(sps, Tags.RequestedContrastAgent),
    preMedication: text(sps, Tags.PreMedication),
    comments: text(sps, Tags.CommentsOnTheScheduledProcedureStep),
  };
}

/** The scheduled start is computed from these: a value it cannot be read from refuses the file (the reason names the attribute, not the value). */
function checked(value: string | undefined, shape: RegExp, attribute: string): string | undefined {
  if (value !== undefined && !shape.test(value)) throw new WorklistFileError(`${attribute} is not in DICOM form`);
  return value;
}

function text(ds: DicomDataset, t: number): string | undefined {
  const v = getString(ds, t)?.trim();
  return v ? v : undefined;
}

function code(item: DicomDataset | undefined): CodedEntry | undefined {
  if (!item) return undefined;
  const value = text(item, Tags.CodeValue) ?? text(item, Tags.LongCodeValue) ?? text(item, Tags.URNCodeValue);
  if (!value) return undefined;
  return { value, scheme: text(item, Tags.CodingSchemeDesignator), version: text(item, Tags.CodingSchemeVersion), meaning: text(item, Tags.CodeMeaning) };
}

/** None (not an empty list) when the file has none, so that a re-run keeps what is stored. */
function codes(items: DicomDataset[] | undefined): CodedEntry[] | undefined {
  const found = (items ?? []).map(code).filter((c): c is CodedEntry => !!c);
  return found.length ? found : undefined;
}

function issuer(item: DicomDataset | undefined): IssuerRef | undefined {
  if (!item) return undefined;
  const namespaceId = text(item, Tags.LocalNamespaceEntityID);
  const universalId = text(item, Tags.UniversalEntityID);
  if (!namespaceId && !universalId) return undefined;
  return { namespaceId, universalId, universalIdType: text(item, Tags.UniversalEntityIDType) };
}

function otherIds(ds: DicomDataset): PatientIdentifier[] | undefined {
  const ids: PatientIdentifier[] = [];
  for (const item of getSequence(ds, Tags.OtherPatientIDsSequence) ?? []) {
    const id = text(item, Tags.PatientID);
    if (!id) continue;
    const q = getSequence(item, Tags.IssuerOfPatientIDQualifiersSequence)?.[0];
    ids.push({
      id,
      issuer: text(item, Tags.IssuerOfPatientID) ?? '',
      universalId: q && text(q, Tags.UniversalEntityID),
      universalIdType: q && text(q, Tags.UniversalEntityIDType),
      typeCode: q && text(q, Tags.IdentifierTypeCode),
    });
  }
  return ids.length ? ids : undefined;
}

/** A stable `2.25.` UID (PS3.5 B.2) from the keys, so a re-import finds the same study. */
function derivedUid(...keys: string[]): string {
  const hash = createHash('sha256').update(['radflow-import', ...keys].join('\0')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // shape of a name-based (v5) UUID, as 2.25 expects a UUID
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${hash.subarray(0, 16).toString('hex')}`).toString()}`;
}
