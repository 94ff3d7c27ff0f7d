import { createHash } from 'node:crypto';
import { DicomDataset, getNumbers, getSequence, getString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { generatedRequestedProcedureId, generatedStepId } from './worklist-import.ids';

/** Column values of one worklist file, ready for the patients … scheduled_procedure_steps rows. */
export interface WorklistRows {
  patient: Record<string, unknown> & { patient_id: string; issuer: string };
  /** No accession_number: the file has none (Type 2 in MWL), the item answers it empty. */
  order: Record<string, unknown> & { accession_number?: string };
  procedure: Record<string, unknown> & { requested_procedure_id: string; study_instance_uid: string };
  steps: Array<Record<string, unknown> & { sps_id: string }>;
  /** False when study_instance_uid was derived because the file has none. */
  studyUidGiven: boolean;
}

/** The file cannot become a worklist entry; the import reports it and goes on with the next file. */
export class WorklistFileError extends Error {
  override readonly name = 'WorklistFileError';
}

/**
 * One `.wl` dataset → rows. Patient ID and one Scheduled Procedure Step item are required; the
 * Accession Number may be empty (Type 2 in MWL). A missing Requested Procedure ID or SPS ID is
 * generated (worklist-import.ids.ts) from `source`, the file's `<folder name>/<file name>`, and a
 * missing Study Instance UID derived from the keys, so importing the same file twice yields the
 * same keys and two files never share generated ones.
 */
export function mapWorklistDataset(ds: DicomDataset, source: string): WorklistRows {
  const accession = text(ds, Tags.AccessionNumber);
  const patientId = text(ds, Tags.PatientID);
  if (!patientId) throw new WorklistFileError('no Patient ID (0010,0020)');
  const spsItems = getSequence(ds, Tags.ScheduledProcedureStepSequence) ?? [];
  if (spsItems.length === 0) throw new WorklistFileError('no Scheduled Procedure Step Sequence (0040,0100) item');
  const studyUid = text(ds, Tags.StudyInstanceUID)?.replace(/\0/g, '');
  const rpId = text(ds, Tags.RequestedProcedureID) ?? generatedRequestedProcedureId(source, studyUid);
  const [name, ideographic, phonetic] = (text(ds, Tags.PatientName) ?? '').split('=');
  const qualifiers = getSequence(ds, Tags.IssuerOfPatientIDQualifiersSequence)?.[0];
  const offset = text(ds, Tags.TimezoneOffsetFromUTC);
  return {
    patient: {
      patient_id: patientId,
      issuer: text(ds, Tags.IssuerOfPatientID) ?? '',
      issuer_universal_id: qualifiers && text(qualifiers, Tags.UniversalEntityID),
      issuer_universal_id_type: qualifiers && text(qualifiers, Tags.UniversalEntityIDType),
      identifier_type_code: qualifiers && text(qualifiers, Tags.IdentifierTypeCode),
      name: name || undefined,
      name_ideographic: ideographic || undefined,
      name_phonetic: phonetic || undefined,
      birth_date: text(ds, Tags.PatientBirthDate),
      birth_time: text(ds, Tags.PatientBirthTime),
      sex: text(ds, Tags.PatientSex),
      other_ids: json(otherIds(ds)),
    },
    order: {
      accession_number: accession,
      accession_issuer: json(issuer(getSequence(ds, Tags.IssuerOfAccessionNumberSequence)?.[0])),
      placer_order_number: text(ds, Tags.PlacerOrderNumberImagingServiceRequest),
      placer_issuer: json(issuer(getSequence(ds, Tags.OrderPlacerIdentifierSequence)?.[0])),
      filler_order_number: text(ds, Tags.FillerOrderNumberImagingServiceRequest),
      filler_issuer: json(issuer(getSequence(ds, Tags.OrderFillerIdentifierSequence)?.[0])),
      priority: text(ds, Tags.RequestedProcedurePriority),
      requesting_physician: text(ds, Tags.RequestingPhysician),
      referring_physician: text(ds, Tags.ReferringPhysicianName),
      requesting_service: text(ds, Tags.RequestingService),
      reason_for_procedure: text(ds, Tags.ReasonForTheRequestedProcedure),
      reason_code: json(code(getSequence(ds, Tags.ReasonForRequestedProcedureCodeSequence)?.[0])),
      order_entered_by: text(ds, Tags.OrderEnteredBy),
      callback_phone: text(ds, Tags.OrderCallbackPhoneNumber),
      institution_name: text(ds, Tags.InstitutionName),
      admission_id: text(ds, Tags.AdmissionID),
      current_patient_location: text(ds, Tags.CurrentPatientLocation),
      medical_alerts: text(ds, Tags.MedicalAlerts),
      allergies: text(ds, Tags.Allergies),
      patient_state: text(ds, Tags.PatientState),
      pregnancy_status: getNumbers(ds, Tags.PregnancyStatus)?.[0],
      confidentiality_code: text(ds, Tags.ConfidentialityCode),
      comments: text(ds, Tags.ImagingServiceRequestComments),
    },
    procedure: {
      requested_procedure_id: rpId,
      // Without an accession the file alone names the procedure, so its UID comes from the file too.
      study_instance_uid: studyUid || (accession ? derivedUid(accession, rpId) : derivedUid('', rpId, source)),
      description: text(ds, Tags.RequestedProcedureDescription),
      code: json(code(getSequence(ds, Tags.RequestedProcedureCodeSequence)?.[0])),
      priority: text(ds, Tags.RequestedProcedurePriority),
      transport_arrangements: text(ds, Tags.PatientTransportArrangements),
      location: text(ds, Tags.RequestedProcedureLocation),
      comments: text(ds, Tags.RequestedProcedureComments),
    },
    studyUidGiven: Boolean(studyUid),
    steps: spsItems.map((sps, i) => {
      const date = text(sps, Tags.ScheduledProcedureStepStartDate);
      const time = text(sps, Tags.ScheduledProcedureStepStartTime);
      return {
        sps_id: text(sps, Tags.ScheduledProcedureStepID) ?? generatedStepId(source, i + 1),
        modality: text(sps, Tags.Modality),
        station_ae_titles: (text(sps, Tags.ScheduledStationAETitle) ?? '').split('\\').map((v) => v.trim()).filter(Boolean),
        station_name: text(sps, Tags.ScheduledStationName),
        location: text(sps, Tags.ScheduledProcedureStepLocation),
        start_date: date,
        start_time: time,
        start_at: date ? startInstant(date, time, offset) : undefined,
        end_date: text(sps, Tags.ScheduledProcedureStepEndDate),
        end_time: text(sps, Tags.ScheduledProcedureStepEndTime),
        timezone_offset: offset,
        description: text(sps, Tags.ScheduledProcedureStepDescription),
        protocol_codes: json((getSequence(sps, Tags.ScheduledProtocolCodeSequence) ?? []).map(code).filter(Boolean)),
        performing_physician: text(sps, Tags.ScheduledPerformingPhysicianName),
        contrast_agent: text(sps, Tags.RequestedContrastAgent),
        pre_medication: text(sps, Tags.PreMedication),
        comments: text(sps, Tags.CommentsOnTheScheduledProcedureStep),
      };
    }),
  };
}

/**
 * The scheduled start as an instant. Without a UTC offset a DICOM date/time is local time at the
 * site, which is this process's time zone (as for HL7 ingest).
 */
export function startInstant(date: string, time: string | undefined, offset: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) return undefined;
  const t = /^(\d{2})(\d{2})?(\d{2})?/.exec(time ?? '') ?? [];
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], t[1] ?? '0', t[2] ?? '0', t[3] ?? '0'].map(Number);
  const tz = /^([+-])(\d{2})(\d{2})$/.exec(offset ?? '');
  if (!tz) return new Date(y, mo - 1, d, h, mi, s);
  const minutes = (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000);
}

function text(ds: DicomDataset, t: number): string | undefined {
  const v = getString(ds, t)?.trim();
  return v ? v : undefined;
}

function code(item: DicomDataset | undefined): Record<string, string | undefined> | undefined {
  if (!item) return undefined;
  const value = text(item, Tags.CodeValue) ?? text(item, Tags.LongCodeValue) ?? text(item, Tags.URNCodeValue);
  if (!value) return undefined;
  return { value, scheme: text(item, Tags.CodingSchemeDesignator), version: text(item, Tags.CodingSchemeVersion), meaning: text(item, Tags.CodeMeaning) };
}

function issuer(item: DicomDataset | undefined): Record<string, string | undefined> | undefined {
  if (!item) return undefined;
  const namespaceId = text(item, Tags.LocalNamespaceEntityID);
  const universalId = text(item, Tags.UniversalEntityID);
  if (!namespaceId && !universalId) return undefined;
  return { namespaceId, universalId, universalIdType: text(item, Tags.UniversalEntityIDType) };
}

function otherIds(ds: DicomDataset): Array<Record<string, string | undefined>> | undefined {
  const items = getSequence(ds, Tags.OtherPatientIDsSequence);
  if (!items?.length) return undefined;
  return items
    .map((item) => {
      const q = getSequence(item, Tags.IssuerOfPatientIDQualifiersSequence)?.[0];
      return {
        id: text(item, Tags.PatientID),
        issuer: text(item, Tags.IssuerOfPatientID) ?? '',
        universalId: q && text(q, Tags.UniversalEntityID),
        universalIdType: q && text(q, Tags.UniversalEntityIDType),
        typeCode: q && text(q, Tags.IdentifierTypeCode),
      };
    })
    .filter((id) => id.id);
}

/** A stable `2.25.` UID (PS3.5 B.2) from the keys, so a re-import finds the same study. */
function derivedUid(...keys: string[]): string {
  const hash = createHash('sha256').update(['radflow-import', ...keys].join('\0')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // shape of a name-based (v5) UUID, as 2.25 expects a UUID
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${hash.subarray(0, 16).toString('hex')}`).toString()}`;
}

function json(value: unknown): string | undefined {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return JSON.stringify(value);
}
