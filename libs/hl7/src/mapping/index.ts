// The public surface of HL7 → domain mapping; grouping internals (order-segments, rows) stay private.
export { toPlaceOrdersCommand } from './order-message.mapper';
export type { OrderMappingOptions } from './order-message.mapper';
export type { ProcedureMappingOptions } from './order-procedure.mapper';
export { toAdtCommand, ADT_EVENT_TABLE } from './adt-message.mapper';
export { toRecordReportCommand } from './report-message.mapper';
export type { ReportMappingOptions } from './report-message.mapper';
export type { AdtCommand, AdtMappingOptions } from './adt-message.mapper';
export { toPatientDemographics, toPriorIdentifier, toVisitInput, requirePid } from './patient.mapper';
export type { PatientMappingOptions } from './patient.mapper';
export { xpnToPersonName, xpnToPersonNameGroups, xcnToPersonName, cnnToPersonName, toPersonName } from './xpn.mapper';
export type { PersonNameGroups, Hl7NameParts } from './xpn.mapper';
export {
  toPatientIdentifier,
  toPatientIdentifiers,
  toEntityIdentifier,
  toCodedEntry,
  toCodedEntries,
  toDicomSex,
  toLocation,
  toPhoneNumber,
} from './hl7-types.mapper';
export { parseHl7Timestamp, toTimestamp } from './hl7-timestamp.mapper';
export type { Hl7Timestamp } from './hl7-timestamp.mapper';
export { MODALITY_DEFINED_TERMS, KEY_BOUNDS, checkShortString, checkUid, checkAeTitle, checkModality, checkMaxChars } from './dicom-values.validator';
export { DESCRIPTIVE_TEXT_BOUNDS, TEXT_CEILING, truncateChars } from './dicom-text-bounds';
export { SHORT_KEY_CEILING } from './dicom-values.validator';
export { MappingWarnings } from './leniency';
export type { TruncatedText, OnTruncated, TextBound } from './dicom-text-bounds';
