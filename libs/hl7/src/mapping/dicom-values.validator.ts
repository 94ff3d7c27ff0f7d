import { ErrorLocation } from '@radflow/domain';
import { invalidValue } from './mapping.errors';

/**
 * Modality (0008,0060) defined terms, PS3.3 C.7.3.1.1.1. A modality filters on this value, so an
 * unknown code would make the item invisible: reject it instead of storing it.
 */
export const MODALITY_DEFINED_TERMS: ReadonlySet<string> = new Set([
  'ANN', 'AR', 'ASMT', 'AU', 'BDUS', 'BI', 'BMD', 'CFM', 'CR', 'CT', 'CTPROTOCOL', 'DG', 'DMS', 'DOC', 'DX',
  'ECG', 'EEG', 'EMG', 'EOG', 'EPS', 'ES', 'FID', 'GM', 'HC', 'HD', 'IO', 'IOL', 'IVOCT', 'IVUS', 'KER', 'KO',
  'LEN', 'LS', 'M3D', 'MG', 'MR', 'NM', 'OAM', 'OCT', 'OP', 'OPM', 'OPT', 'OPTBSV', 'OPTENF', 'OPV', 'OSS', 'OT',
  'PA', 'PLAN', 'POS', 'PR', 'PT', 'PX', 'REG', 'RESP', 'RF', 'RG', 'RTDOSE', 'RTIMAGE', 'RTINTENT', 'RTPLAN',
  'RTRAD', 'RTRECORD', 'RTSEGANN', 'RTSTRUCT', 'RWV', 'SEG', 'SM', 'SMR', 'SR', 'SRF', 'STAIN', 'TEXTUREMAP',
  'TG', 'US', 'VA', 'XA', 'XAPROTOCOL', 'XC',
  // Retired terms, still configured on older modalities and RIS installations.
  'AS', 'CD', 'CF', 'CP', 'CS', 'DD', 'DF', 'DM', 'DS', 'EC', 'FA', 'FS', 'LP', 'MA', 'MS', 'OPR', 'ST', 'VF',
]);

/** PS3.5 §9.1: digits and dots, no empty component, no leading zero except the single digit 0. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** The character set of the structural DICOM strings; backslash would split the value in two. */
const NO_DELIMITER_OR_CONTROL = /^[^\\\u0000-\u001f\u007f]*$/;

/** SH (Accession Number, Requested Procedure ID, SPS ID): at most 16 characters (hl7-orders-to-mwl.md §7). */
export function checkShortString(value: string, what: string, location: ErrorLocation): string {
  if ([...value].length > 16 || !NO_DELIMITER_OR_CONTROL.test(value)) throw invalidValue(what, location);
  return value;
}

/** UI (Study Instance UID): at most 64 characters and the PS3.5 §9.1 grammar. */
export function checkUid(value: string, what: string, location: ErrorLocation): string {
  if (value.length > 64 || !UID.test(value)) throw invalidValue(what, location);
  return value;
}

/** AE (Scheduled Station AE Title): 1 to 16 characters, no backslash or control characters; edge spaces are padding. */
export function checkAeTitle(value: string, what: string, location: ErrorLocation): string {
  const ae = value.trim();
  if (ae.length === 0 || ae.length > 16 || !NO_DELIMITER_OR_CONTROL.test(ae)) throw invalidValue(what, location);
  return ae;
}

/** CS values are upper case; a sender writing `ct` means CT. */
export function checkModality(value: string, location: ErrorLocation): string {
  const code = value.trim().toUpperCase();
  if (!MODALITY_DEFINED_TERMS.has(code)) throw invalidValue('modality', location);
  return code;
}
