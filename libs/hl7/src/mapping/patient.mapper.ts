import { DomainError, FieldUpdate, PatientDemographics, PatientIdentifier, VisitInput } from '@radflow/domain';
import { Hl7ErrorCode } from '../ack/hl7-error';
import { LeniencyRule } from '../inbound/sender-profile';
import { MappingWarnings } from './leniency';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { Hl7Timestamp, toTimestamp } from './hl7-timestamp.mapper';
import { OnTruncated } from './dicom-text-bounds';
import { checkMaxChars, KEY_BOUNDS } from './dicom-values.validator';
import { at, firstOf, toDicomSex, toLocation, toPatientIdentifier, toPatientIdentifiers } from './hl7-types.mapper';
import { invalidValue, locate, requiredFieldMissing } from './mapping.errors';
import { xcnToPersonName, xpnToPersonName, xpnToPersonNameGroups } from './xpn.mapper';

export interface PatientMappingOptions {
  /** CX.4.1 namespace of our own patient ID domain; picks the PID-3 / MRG-1 repetition to key on. */
  localIssuer?: string;
  /** Told of each descriptive text cut to its DICOM maximum (dicom-text-bounds.ts), for a warning. */
  onTruncated?: OnTruncated;
  /** The message's leniency rules and the warnings they record; every rule strict when unset. */
  warnings?: MappingWarnings;
}

/** PID → patient, per hl7-orders-to-mwl.md §2.1 and hl7-inbound.md §8.1. */
export function toPatientDemographics(msg: Hl7Message, pid: Hl7Segment, options: PatientMappingOptions = {}): PatientDemographics {
  const ids = toPatientIdentifiers(pid, 3);
  const identifier = chooseIdentifier(ids, options.localIssuer);
  if (!identifier) throw requiredFieldMissing('patient identifier (PID-3)', locate(msg, pid, 3));
  // PID-2 (external) and PID-4 (alternate) are deprecated homes of other IDs; never keys.
  const others = [...ids.filter((i) => i !== identifier), ...toPatientIdentifiers(pid, 2), ...toPatientIdentifiers(pid, 4)];
  const names = xpnToPersonNameGroups(pid, 5);
  const warnings = options.warnings ?? MappingWarnings.strict();
  const birth = readBirth(msg, pid, warnings);
  return {
    identifier,
    otherIdentifiers: dedupe(others, identifier),
    name: names.alphabetic,
    nameIdeographic: names.ideographic,
    namePhonetic: names.phonetic,
    birthDate: birth ? birth.date : birth,
    // A PID-7 with a full date and no time states that no time is known: clear a stored one.
    birthTime: birth ? (birth.time ?? (birth.date ? null : undefined)) : birth,
    sex: readSex(msg, pid, warnings),
    motherBirthName: xpnToPersonName(pid, 6),
  };
}

/** PID-7; one that is not a date is refused (strict) or leaves the stored birth date as it was, with a warning. */
function readBirth(msg: Hl7Message, pid: Hl7Segment, warnings: MappingWarnings): FieldUpdate<Hl7Timestamp> {
  try {
    return toTimestamp(pid.get(7, 1), locate(msg, pid, 7));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    warnings.tolerate(LeniencyRule.BirthDate, e, 'birth date (PID-7) not a date; none stored');
    return undefined;
  }
}

/** HL7 table 0001 (administrative sex), as of v2.8. */
const TABLE_0001: ReadonlySet<string> = new Set(['F', 'M', 'O', 'U', 'A', 'N']);

/** PID-8; a code outside table 0001 leaves the sex empty, as before, with a warning (or AE when strict). */
function readSex(msg: Hl7Message, pid: Hl7Segment, warnings: MappingWarnings): FieldUpdate<string> {
  const value = pid.get(8);
  if (typeof value === 'string' && !TABLE_0001.has(value.trim().toUpperCase())) {
    warnings.tolerate(LeniencyRule.TableValue, invalidValue('administrative sex (table 0001)', locate(msg, pid, 8)), 'administrative sex not in HL7 table 0001; left empty', Hl7ErrorCode.TableValueNotFound);
  }
  return toDicomSex(value);
}

/** The first PID, or REQUIRED_FIELD_MISSING at PID (ERR 100/101: a segment the message must carry). */
export function requirePid(msg: Hl7Message): Hl7Segment {
  const pid = msg.segment('PID');
  if (!pid) throw requiredFieldMissing('PID segment', { segment: 'PID' });
  return pid;
}

/**
 * The identifier being merged away or renamed: MRG-1 (prior patient identifier list, chosen like
 * PID-3), else MRG-4 where old A34 senders put the single prior ID.
 */
export function toPriorIdentifier(msg: Hl7Message, mrg: Hl7Segment, options: PatientMappingOptions = {}): PatientIdentifier {
  const prior = chooseIdentifier(toPatientIdentifiers(mrg, 1), options.localIssuer) ?? toPatientIdentifier(mrg, 4);
  if (!prior) throw requiredFieldMissing('prior patient identifier (MRG-1)', locate(msg, mrg, 1));
  return prior;
}

/**
 * Visit data from PV1, PID-18 and AL1 (any may be absent):
 * PV1-19.1 visit number, else PID-18.1 account number → Admission ID (0038,0010);
 * PV1-3 → Current Patient Location; PV1-8 → Referring Physician's Name;
 * PV1-15 ambulatory status B6 (pregnant) → Pregnancy Status 3 (dcm4chee convention);
 * AL1-3 → Allergies (0010,2110).
 */
export function toVisitInput(pv1: Hl7Segment | undefined, pid: Hl7Segment | undefined, al1s: Hl7Segment[]): VisitInput {
  return {
    admissionId: toAdmissionId(pv1, pid),
    currentPatientLocation: pv1 ? toLocation(pv1, 3) : undefined,
    referringPhysician: pv1 ? xcnToPersonName(pv1, 8) : undefined,
    pregnancyStatus: pv1 ? toPregnancyStatus(pv1) : undefined,
    allergies: toAllergies(al1s),
  };
}

/** PV1-19.1, else PID-18.1: a key (LO), refused rather than cut when too long. */
function toAdmissionId(pv1: Hl7Segment | undefined, pid: Hl7Segment | undefined): FieldUpdate<string> {
  const fromVisit = pv1?.get(19, 1);
  const id = firstOf(fromVisit, pid?.get(18, 1));
  if (typeof id !== 'string') return id;
  const source = typeof fromVisit === 'string' ? at(pv1!, 19) : at(pid!, 18);
  return checkMaxChars(id, KEY_BOUNDS.longKey, 'admission ID', source);
}

function toPregnancyStatus(pv1: Hl7Segment): FieldUpdate<number> {
  if (pv1.isNull(15)) return null;
  const reps = pv1.repetitions(15);
  if (reps.length === 0) return undefined;
  // Any other ambulatory status says nothing about pregnancy, so the attribute is left empty.
  return reps.some((_, rep) => pv1.text(15, 1, 1, rep)?.toUpperCase() === 'B6') ? 3 : null;
}

/**
 * Allergies is LO with VM 1-n, so each AL1-3 (its text, else its code) becomes one value and the
 * values are joined with the DICOM value delimiter `\`; a `\` inside a value would split it, so it
 * becomes `/`.
 */
function toAllergies(al1s: Hl7Segment[]): FieldUpdate<string> {
  const values: FieldUpdate<string>[] = [];
  for (const al1 of al1s) {
    const reps = al1.repetitions(3);
    reps.forEach((_, rep) => values.push(firstOf(al1.get(3, 2, 1, rep), al1.get(3, 1, 1, rep))));
  }
  const texts = values.filter((v): v is string => typeof v === 'string').map((v) => v.replace(/\\/g, '/'));
  if (texts.length > 0) return texts.join('\\');
  return values.some((v) => v === null) ? null : undefined;
}

/** The repetition from our own domain when configured and present, else the first (hl7-orders-to-mwl.md §2.1). */
function chooseIdentifier(ids: PatientIdentifier[], localIssuer: string | undefined): PatientIdentifier | undefined {
  return (localIssuer !== undefined ? ids.find((i) => i.issuer === localIssuer) : undefined) ?? ids[0];
}

function dedupe(ids: PatientIdentifier[], primary: PatientIdentifier): PatientIdentifier[] {
  const seen = new Set([`${primary.id}\u0000${primary.issuer}`]);
  return ids.filter((i) => {
    const key = `${i.id}\u0000${i.issuer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
