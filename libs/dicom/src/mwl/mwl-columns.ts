import { Tags } from '../dimse/dicom-dictionary';

/**
 * Where each MWL attribute lives in the schema (1763900000000-CreateCoreSchema). Aliases:
 * s = scheduled_procedure_steps, r = requested_procedures, o = imaging_orders, p = patients.
 * Shared by the SQL builder (matching, projection) and the item mapper (value building) so the
 * two cannot drift apart. Attributes not listed here are not stored: they are returned
 * zero-length and, when the query gives them a value, answered with 0xFF01.
 */
export type JoinedTable = 'r' | 'o' | 'p';

/** How a stored value matches a key. */
export type MatchKind =
  | 'text' // exact / wildcard / list on a plain text column
  | 'uid' // exact / list
  | 'date' // DA text YYYYMMDD
  | 'time' // TM text at any precision
  | 'number'
  | 'person-name' // PN string, component groups in one column
  | 'patient-name' // PN groups in p.name / p.name_ideographic / p.name_phonetic
  | 'station-ae'; // text[] of AE titles, any value matches

/** How the selected values become the attribute's value. */
export type ValueKind =
  | 'string'
  | 'number'
  | 'patient-name'
  | 'code-items' // jsonb array of {value, scheme, meaning, version?}
  | 'code-item' // jsonb {value, scheme, meaning, version?}
  | 'issuer-item' // jsonb {namespaceId, universalId, universalIdType}
  | 'issuer-qualifiers' // universal id, its type, identifier type code
  | 'other-ids'; // jsonb array of {id, issuer, universalId?, universalIdType?, typeCode?}

export interface ColumnSpec {
  /** SQL expressions selected to build the value; the first one is the one matched. */
  readonly select: readonly string[];
  readonly tables: readonly JoinedTable[];
  readonly value: ValueKind;
  readonly match?: MatchKind;
}

const col = (sql: string, match: MatchKind | undefined = 'text'): ColumnSpec => ({ select: [sql], tables: tablesOf(sql), value: match === 'number' ? 'number' : 'string', match });
const json = (value: ValueKind, ...select: string[]): ColumnSpec => ({ select, tables: tablesOf(select.join(' ')), value });

function tablesOf(sql: string): JoinedTable[] {
  return (['r', 'o', 'p'] as const).filter((t) => new RegExp(`\\b${t}\\.`).test(sql));
}

/** SQL that pads a stored TM (HH, HHMM, HHMMSS[.f] as sent) to HHMMSS, so string order is time order. */
export function normalisedTime(column: string): string {
  return `(CASE WHEN length(${column}) >= 6 THEN ${column} ELSE rpad(${column}, 6, '0') END)`;
}

export const SPS_COLUMNS: ReadonlyMap<number, ColumnSpec> = new Map([
  [Tags.ScheduledStationAETitle, { select: [`array_to_string(s.station_ae_titles, '\\')`], tables: [], value: 'string', match: 'station-ae' }],
  [Tags.ScheduledProcedureStepStartDate, col('s.start_date', 'date')],
  [Tags.ScheduledProcedureStepStartTime, col('s.start_time', 'time')],
  [Tags.Modality, col('s.modality')],
  [Tags.ScheduledPerformingPhysicianName, col('s.performing_physician', 'person-name')],
  [Tags.ScheduledProcedureStepEndDate, col('s.end_date', 'date')],
  [Tags.ScheduledProcedureStepEndTime, col('s.end_time', 'time')],
  [Tags.ScheduledProcedureStepDescription, col('s.description')],
  [Tags.ScheduledProtocolCodeSequence, json('code-items', 's.protocol_codes')],
  [Tags.ScheduledStationName, col('s.station_name')],
  [Tags.ScheduledProcedureStepLocation, col('s.location')],
  [Tags.PreMedication, col('s.pre_medication')],
  [Tags.ScheduledProcedureStepID, col('s.sps_id')],
  [Tags.RequestedContrastAgent, col('s.contrast_agent')],
  [Tags.ScheduledProcedureStepStatus, col('s.status')],
  [Tags.CommentsOnTheScheduledProcedureStep, col('s.comments')],
]);

export const TOP_COLUMNS: ReadonlyMap<number, ColumnSpec> = new Map([
  [Tags.TimezoneOffsetFromUTC, col('s.timezone_offset')],
  [Tags.RequestedProcedureID, col('r.requested_procedure_id')],
  [Tags.RequestedProcedureDescription, col('r.description')],
  [Tags.RequestedProcedureCodeSequence, json('code-item', 'r.code')],
  [Tags.StudyInstanceUID, col('r.study_instance_uid', 'uid')],
  [Tags.RequestedProcedurePriority, col('COALESCE(r.priority, o.priority)')],
  [Tags.PatientTransportArrangements, col('r.transport_arrangements')],
  [Tags.ReasonForTheRequestedProcedure, col('o.reason_for_procedure')],
  [Tags.ReasonForRequestedProcedureCodeSequence, json('code-item', 'o.reason_code')],
  [Tags.RequestedProcedureLocation, col('r.location')],
  [Tags.ConfidentialityCode, col('o.confidentiality_code')],
  [Tags.RequestedProcedureComments, col('r.comments')],
  [Tags.AccessionNumber, col('o.accession_number')],
  [Tags.IssuerOfAccessionNumberSequence, json('issuer-item', 'o.accession_issuer')],
  [Tags.RequestingPhysician, col('o.requesting_physician', 'person-name')],
  [Tags.ReferringPhysicianName, col('o.referring_physician', 'person-name')],
  [Tags.RequestingService, col('o.requesting_service')],
  [Tags.PlacerOrderNumberImagingServiceRequest, col('o.placer_order_number')],
  [Tags.FillerOrderNumberImagingServiceRequest, col('o.filler_order_number')],
  [Tags.OrderPlacerIdentifierSequence, json('issuer-item', 'o.placer_issuer')],
  [Tags.OrderFillerIdentifierSequence, json('issuer-item', 'o.filler_issuer')],
  [Tags.ImagingServiceRequestComments, col('o.comments')],
  [Tags.OrderEnteredBy, col('o.order_entered_by', 'person-name')],
  [Tags.OrderCallbackPhoneNumber, col('o.callback_phone')],
  [Tags.AdmissionID, col('o.admission_id')],
  [Tags.InstitutionName, col('o.institution_name')],
  [Tags.CurrentPatientLocation, col('o.current_patient_location')],
  [Tags.PatientName, { select: ['p.name', 'p.name_ideographic', 'p.name_phonetic'], tables: ['p'], value: 'patient-name', match: 'patient-name' }],
  [Tags.PatientID, col('p.patient_id')],
  // '' is how the schema says "no issuer" (unique key); DICOM says it with an empty value
  [Tags.IssuerOfPatientID, col(`NULLIF(p.issuer, '')`)],
  [Tags.IssuerOfPatientIDQualifiersSequence, json('issuer-qualifiers', 'p.issuer_universal_id', 'p.issuer_universal_id_type', 'p.identifier_type_code')],
  [Tags.OtherPatientIDsSequence, json('other-ids', 'p.other_ids')],
  [Tags.PatientBirthDate, col('p.birth_date', 'date')],
  [Tags.PatientBirthTime, col('p.birth_time', 'time')],
  [Tags.PatientSex, col('p.sex')],
  [Tags.PatientState, col('o.patient_state')],
  [Tags.PregnancyStatus, col('o.pregnancy_status', 'number')],
  [Tags.MedicalAlerts, col('o.medical_alerts')],
  [Tags.Allergies, col('o.allergies')],
]);
