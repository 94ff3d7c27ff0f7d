import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7ErrorCode } from '../ack/hl7-error';
import { LeniencyRule } from '../inbound/sender-profile';
import { truncateChars } from './dicom-text-bounds';
import { MappingWarnings } from './leniency';
import { invalidValue, valueTooLong } from './mapping.errors';

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

/**
 * Keys and codes: what things are found and matched by, so a cut value would name something
 * else. Each is refused past its DICOM maximum (PS3.5 §6.2), at the field it came from.
 * Descriptive texts are cut instead (dicom-text-bounds.ts).
 */
export const KEY_BOUNDS = {
  /** SH: Accession Number, Requested Procedure ID, SPS ID (hl7-orders-to-mwl.md §7). */
  shortKey: 16,
  /** UI: Study Instance UID. */
  uid: 64,
  /** AE: Scheduled Station AE Title. */
  aeTitle: 16,
  /** Scheduled Station AE Title is multi-valued; the values are one index key together. */
  aeTitlesPerStep: 16,
  /** LO: Patient ID, Issuer of Patient ID, Placer/Filler Order Number, Admission ID, Local Namespace Entity ID. */
  longKey: 64,
  /** Universal Entity ID (UT in DICOM): an OID or URI naming an issuer; 64 holds any OID that is also a UID. */
  universalId: 64,
  /** CS: Universal Entity ID Type, Identifier Type Code. */
  codeString: 16,
  /** Code Value: SH, but PS3.3 puts longer ones in Long Code Value (LO): the codes we take fit one of the two. */
  codeValue: 64,
  /** SH: Coding Scheme Designator. */
  codingScheme: 16,
} as const;

/**
 * How far past SH's 16 characters a key is kept as sent when the sender's value-too-long rule is
 * lenient (hl7-orders-to-mwl.md §2.2: a 19-character SPS ID from a real RIS). 64 keeps the key an
 * LO-sized value: encodable in any charset and far under PostgreSQL's btree key limit (~2.7 kB)
 * for the unique indexes on accession, RP ID and SPS ID. Past it the key is cut, with a warning.
 */
export const SHORT_KEY_CEILING = KEY_BOUNDS.longKey;

/**
 * SH (Accession Number, Requested Procedure ID, SPS ID): at most 16 characters (hl7-orders-to-mwl.md §7).
 * Strict: VALUE_TOO_LONG past 16. Lenient: kept as sent up to SHORT_KEY_CEILING, cut there, and a warning.
 * A backslash or control character is refused either way: it would split or break the DICOM value.
 */
export function checkShortString(value: string, what: string, location: Hl7ErrorLocation, warnings = MappingWarnings.strict()): string {
  if (!NO_DELIMITER_OR_CONTROL.test(value)) throw invalidValue(what, location);
  if (countChars(value, KEY_BOUNDS.shortKey + 1) <= KEY_BOUNDS.shortKey) return value;
  if (countChars(value, SHORT_KEY_CEILING + 1) <= SHORT_KEY_CEILING) {
    warnings.tolerate(LeniencyRule.ValueTooLong, valueTooLong(what, location), `${what} longer than SH (16) allows; kept as sent`);
    return value;
  }
  warnings.tolerate(LeniencyRule.ValueTooLong, valueTooLong(what, location), `${what} longer than ${SHORT_KEY_CEILING} characters; cut to ${SHORT_KEY_CEILING}`);
  return truncateChars(value, SHORT_KEY_CEILING);
}

/** UI (Study Instance UID): at most 64 characters and the PS3.5 §9.1 grammar. */
export function checkUid(value: string, what: string, location: Hl7ErrorLocation): string {
  if (value.length > KEY_BOUNDS.uid) throw valueTooLong(what, location);
  if (!UID.test(value)) throw invalidValue(what, location);
  return value;
}

/** AE (Scheduled Station AE Title): 1 to 16 characters, no backslash or control characters; edge spaces are padding. */
export function checkAeTitle(value: string, what: string, location: Hl7ErrorLocation): string {
  const ae = value.trim();
  if (ae.length === 0 || !NO_DELIMITER_OR_CONTROL.test(ae)) throw invalidValue(what, location);
  return checkMaxChars(ae, KEY_BOUNDS.aeTitle, what, location);
}

/** The station AE titles of one step are one index key: a bounded number of them. */
export function checkAeTitleCount(aes: readonly string[], location: Hl7ErrorLocation): void {
  if (new Set(aes).size > KEY_BOUNDS.aeTitlesPerStep) throw valueTooLong('station AE titles', location);
}

/** At most `max` characters (code points, as DICOM counts them), else VALUE_TOO_LONG at `location`. */
export function checkMaxChars(value: string, max: number, what: string, location: Hl7ErrorLocation): string {
  if (value.length > max && countChars(value, max + 1) > max) throw valueTooLong(what, location);
  return value;
}

/** Code points in value, counting no further than `stop`: cheap on a huge value. */
function countChars(value: string, stop: number): number {
  let chars = 0;
  for (let i = 0; i < value.length && chars < stop; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) i++;
    chars++;
  }
  return chars;
}

/**
 * CS values are upper case; a sender writing `ct` means CT. A code that is no defined term is
 * mapped through the sender's aliases (NMR → MR) with a warning; an unknown one is kept as sent
 * (upper case) with a warning when the modality rule is lenient, refused when strict. A value that
 * cannot be a CS at all (past 16 characters, a backslash, a control character) is refused either way.
 */
export function checkModality(value: string, location: Hl7ErrorLocation, warnings = MappingWarnings.strict(), aliases: Readonly<Record<string, string>> = {}): string {
  const code = value.trim().toUpperCase();
  if (MODALITY_DEFINED_TERMS.has(code)) return code;
  const alias = aliases[code];
  if (alias !== undefined && MODALITY_DEFINED_TERMS.has(alias.toUpperCase())) {
    warnings.add({ code: Hl7ErrorCode.TableValueNotFound, location, text: 'modality not a DICOM defined term; mapped by the sender profile alias' });
    return alias.toUpperCase();
  }
  if (code.length === 0 || code.length > KEY_BOUNDS.codeString || !NO_DELIMITER_OR_CONTROL.test(code)) throw invalidValue('modality', location);
  warnings.tolerate(LeniencyRule.ModalityCode, invalidValue('modality', location), 'modality not a DICOM defined term; kept as sent', Hl7ErrorCode.TableValueNotFound);
  return code;
}
