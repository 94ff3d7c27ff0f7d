import { CodedEntry, FieldUpdate, IssuerRef, PatientIdentifier } from '@radflow/domain';
import { Hl7ErrorLocation as ErrorLocation } from '../ack/hl7-error';
import { Hl7Segment, Hl7Value } from '../parser/hl7-segment';
import { checkMaxChars, KEY_BOUNDS } from './dicom-values.validator';

/**
 * HL7 data types → domain values. Every reader keeps the HL7 update semantics (hl7-inbound.md §4):
 * a value, `null` for the HL7 null `""` ("clear it"), `undefined` for an empty field ("keep it").
 */

/** The first real value; else null when one candidate was the HL7 null; else undefined. For "X, else Y" rules. */
export function firstOf(...values: Hl7Value[]): FieldUpdate<string> {
  for (const v of values) if (typeof v === 'string') return v;
  return values.some((v) => v === null) ? null : undefined;
}

/** CX (PID-3, MRG-1 …): ID ^ check digit ^ scheme ^ authority (HD: namespace & universal ID & type) ^ type code. */
export function toPatientIdentifier(seg: Hl7Segment, field: number, rep = 0): PatientIdentifier | undefined {
  const key = (component: number, subcomponent: number, max: number, what: string) =>
    bounded(seg.text(field, component, subcomponent, rep), max, what, at(seg, field, component));
  const id = key(1, 1, KEY_BOUNDS.longKey, 'patient identifier');
  if (id === undefined) return undefined;
  const pid: PatientIdentifier = { id, issuer: key(4, 1, KEY_BOUNDS.longKey, 'issuer of patient identifier') ?? '' };
  const universalId = key(4, 2, KEY_BOUNDS.universalId, 'issuer universal ID');
  const universalIdType = key(4, 3, KEY_BOUNDS.codeString, 'issuer universal ID type');
  const typeCode = key(5, 1, KEY_BOUNDS.codeString, 'identifier type code');
  if (universalId !== undefined) pid.universalId = universalId;
  if (universalIdType !== undefined) pid.universalIdType = universalIdType;
  if (typeCode !== undefined) pid.typeCode = typeCode;
  return pid;
}

/** Every repetition of a CX list that carries an ID. */
export function toPatientIdentifiers(seg: Hl7Segment, field: number): PatientIdentifier[] {
  const out: PatientIdentifier[] = [];
  seg.repetitions(field).forEach((_, rep) => {
    const id = toPatientIdentifier(seg, field, rep);
    if (id) out.push(id);
  });
  return out;
}

/** EI (ORC-2, ORC-3, IPC-1): entity ID ^ namespace ID ^ universal ID ^ universal ID type. */
export function toEntityIdentifier(seg: Hl7Segment, field: number, rep = 0): { id: string; issuer?: IssuerRef } | undefined {
  const key = (component: number, max: number, what: string) => bounded(seg.text(field, component, 1, rep), max, what, at(seg, field, component));
  // The ID's own bound is the caller's: an accession is SH (16), an order number LO (64).
  const id = key(1, KEY_BOUNDS.longKey, 'entity identifier');
  if (id === undefined) return undefined;
  const issuer: IssuerRef = {};
  const namespaceId = key(2, KEY_BOUNDS.longKey, 'issuer namespace ID');
  const universalId = key(3, KEY_BOUNDS.universalId, 'issuer universal ID');
  const universalIdType = key(4, KEY_BOUNDS.codeString, 'issuer universal ID type');
  if (namespaceId !== undefined) issuer.namespaceId = namespaceId;
  if (universalId !== undefined) issuer.universalId = universalId;
  if (universalIdType !== undefined) issuer.universalIdType = universalIdType;
  return Object.keys(issuer).length > 0 ? { id, issuer } : { id };
}

/**
 * CE/CWE: identifier ^ text ^ coding system → Code Value / Code Meaning / Coding Scheme Designator.
 * `first` shifts to the alternate triplet (OBR-4.4/.5/.6 is `first = 4`).
 */
export function toCodedEntry(seg: Hl7Segment, field: number, rep = 0, first = 1): CodedEntry | undefined {
  const value = bounded(seg.text(field, first, 1, rep), KEY_BOUNDS.codeValue, 'code value', at(seg, field, first));
  if (value === undefined) return undefined;
  const entry: CodedEntry = { value };
  const meaning = seg.text(field, first + 1, 1, rep); // descriptive: cut later, not refused
  const scheme = bounded(seg.text(field, first + 2, 1, rep), KEY_BOUNDS.codingScheme, 'coding scheme', at(seg, field, first + 2));
  if (meaning !== undefined) entry.meaning = meaning;
  if (scheme !== undefined) entry.scheme = scheme;
  return entry;
}

/** Every repetition of a repeating CE/CWE field (IPC-6) that has an identifier. */
export function toCodedEntries(seg: Hl7Segment, field: number): CodedEntry[] {
  const out: CodedEntry[] = [];
  seg.repetitions(field).forEach((_, rep) => {
    const code = toCodedEntry(seg, field, rep);
    if (code) out.push(code);
  });
  return out;
}

/**
 * PID-8 administrative sex (HL7 table 0001) → Patient's Sex (0010,0040), as dcm4chee's hl7-common.xsl:
 * M/F/O kept, A (ambiguous) and N (not applicable) → O, U and unknown codes → empty (null), not an error,
 * because a feed must not stall on a code the DICOM side cannot express anyway.
 */
export function toDicomSex(value: Hl7Value): FieldUpdate<string> {
  if (value === null || value === undefined) return value;
  const code = value.trim().toUpperCase();
  if (code === 'M' || code === 'F' || code === 'O') return code;
  if (code === 'A' || code === 'N') return 'O';
  return null;
}

/**
 * PL (PV1-3): point of care ^ room ^ bed → "WARD 12 B", the form Current Patient Location (0038,0300)
 * shows to a technologist. Facility and the rest of PL are for HL7 routing, not for the modality.
 */
export function toLocation(seg: Hl7Segment, field: number): FieldUpdate<string> {
  if (seg.isNull(field)) return null;
  const parts = [1, 2, 3].map((c) => seg.get(field, c));
  const text = parts.filter((p): p is string => typeof p === 'string').join(' ');
  if (text !== '') return text;
  return parts.some((p) => p === null) ? null : undefined;
}

/** XTN (ORC-14): XTN.1 (the formatted number up to v2.4), else area code XTN.6 + local number XTN.7 (v2.5+). */
export function toPhoneNumber(seg: Hl7Segment, field: number): FieldUpdate<string> {
  const formatted = seg.get(field, 1);
  if (formatted !== undefined) return formatted;
  const parts = [6, 7].map((c) => seg.text(field, c)).filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** The segment's own field location: segments know their sequence number. */
export function at(seg: Hl7Segment, field: number, component?: number): ErrorLocation {
  return component === undefined ? { segment: seg.name, sequence: seg.sequence, field } : { segment: seg.name, sequence: seg.sequence, field, component };
}

function bounded(value: string | undefined, max: number, what: string, location: ErrorLocation): string | undefined {
  return value === undefined ? undefined : checkMaxChars(value, max, what, location);
}
