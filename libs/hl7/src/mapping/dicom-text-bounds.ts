import { CodedEntry, FieldUpdate, OrderGroupCommand, PatientDemographics, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput, VisitInput } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { originOf } from './mapping.errors';
import { Hl7ErrorCode } from '../ack/hl7-error';
import { LeniencyRule } from '../inbound/sender-profile';
import type { MappingWarnings } from './leniency';

/** A DICOM value representation and its maximum length in characters (PS3.5 §6.2; PN per component group). */
export type TextBound = readonly [vr: 'PN' | 'LO' | 'SH' | 'LT', max: number];

const PN: TextBound = ['PN', 64];
const LO: TextBound = ['LO', 64];
const SH: TextBound = ['SH', 16];
const LT: TextBound = ['LT', 10240];

/**
 * Descriptive texts: what a person reads on the modality, never a key anything is found by
 * (hl7-orders-to-mwl.md §2 names the VRs). One over its VR is kept as sent up to its ceiling
 * (TEXT_CEILING) when the sender's value-too-long rule is lenient, else cut to the VR maximum;
 * either way a warning names the attribute, and the order still reaches the worklist. Keys and
 * codes are checked where they are read (dicom-values.validator.ts).
 */
export const DESCRIPTIVE_TEXT_BOUNDS = {
  patient: { name: PN, nameIdeographic: PN, namePhonetic: PN, motherBirthName: PN },
  visit: { currentPatientLocation: LO, referringPhysician: PN },
  order: {
    requestingPhysician: PN, requestingService: LO, reasonForProcedure: LO, orderEnteredBy: PN, callbackPhone: SH,
    institutionName: LO, medicalAlerts: LO, patientState: LO, confidentialityCode: LO, comments: LT,
  },
  procedure: { description: LO, transportArrangements: LO, comments: LT },
  step: { stationName: SH, location: SH, description: LO, performingPhysician: PN, contrastAgent: LO, preMedication: LO, comments: LT },
  code: { meaning: LO },
} as const satisfies Record<string, Record<string, TextBound>>;

/**
 * Allergies (0010,2110) is LO with VM 1-n: each value is an LO, and the values together stay
 * within LT's length so the element fits DICOM's 16-bit length field whatever the charset.
 */
export const ALLERGY_VALUE: TextBound = LO;
export const ALLERGIES_TOTAL: TextBound = LT;

/**
 * How far past its VR maximum a descriptive text is kept as sent (lenient value-too-long rule);
 * past it the text is cut there. Four times the maximum for PN/LO/SH: the value still fits
 * DICOM's 16-bit length field in any charset (256 characters × 4 bytes) and stays far under
 * PostgreSQL's btree key limit (~2.7 kB) where a column is indexed (the patient name). LT has no
 * room: 10240 characters × 4 bytes is already near the 64 kB the length field can hold.
 *
 * | VR | DICOM maximum | kept as sent up to | past that |
 * |----|---------------|--------------------|-----------|
 * | PN | 64 per group  | 256                | cut, warning |
 * | LO | 64            | 256                | cut, warning |
 * | SH | 16            | 64                 | cut, warning |
 * | LT | 10240         | 10240              | cut, warning |
 */
export const TEXT_CEILING: Readonly<Record<TextBound[0], number>> = { PN: 256, LO: 256, SH: 64, LT: 10240 };

/** What was cut, for a PHI-free warning: the attribute's name, never its value. */
export interface TruncatedText {
  attribute: string;
  vr: string;
  max: number;
}

export type OnTruncated = (t: TruncatedText) => void;

export const ignoreTruncation: OnTruncated = () => undefined;

type Bounds = Readonly<Record<string, TextBound>>;

/** Where a record's texts came from, for the warning; the segment when no finer place is known. */
type Sink = { report: OnTruncated; warnings?: MappingWarnings; at?: Hl7ErrorLocation };

export function boundOrderTexts(cmd: PlaceOrdersCommand, report: OnTruncated, warnings?: MappingWarnings): void {
  boundPatientTexts(cmd.patient, report, warnings);
  boundVisitTexts(cmd.visit, report, warnings);
  for (const group of cmd.groups) {
    const sink = { report, warnings, at: originOf(group.origin) };
    boundRecord(group, DESCRIPTIVE_TEXT_BOUNDS.order, 'order', sink);
    boundCode(group.reasonCode, 'order.reasonCode', sink);
    for (const procedure of group.procedures) boundProcedure(procedure, { report, warnings, at: originOf(procedure.origin ?? group.origin) });
  }
}

export function boundPatientTexts(patient: PatientDemographics, report: OnTruncated, warnings?: MappingWarnings): void {
  boundRecord(patient, DESCRIPTIVE_TEXT_BOUNDS.patient, 'patient', { report, warnings, at: { segment: 'PID' } });
}

export function boundVisitTexts(visit: VisitInput, report: OnTruncated, warnings?: MappingWarnings): void {
  const sink = { report, warnings, at: { segment: 'PV1' } };
  boundRecord(visit, DESCRIPTIVE_TEXT_BOUNDS.visit, 'visit', sink);
  if (typeof visit.allergies === 'string') visit.allergies = boundAllergies(visit.allergies, { ...sink, at: { segment: 'AL1' } });
}

function boundProcedure(procedure: RequestedProcedureInput, sink: Sink): void {
  boundRecord(procedure, DESCRIPTIVE_TEXT_BOUNDS.procedure, 'procedure', sink);
  boundCode(procedure.code, 'procedure.code', sink);
  for (const step of procedure.steps) boundStep(step, { ...sink, at: originOf(step.origin) ?? sink.at });
}

function boundStep(step: ProcedureStepInput, sink: Sink): void {
  boundRecord(step, DESCRIPTIVE_TEXT_BOUNDS.step, 'step', sink);
  for (const code of step.protocolCodes ?? []) boundCode(code, 'step.protocolCode', sink);
}

function boundCode(code: CodedEntry | undefined, attribute: string, sink: Sink): void {
  if (code) boundRecord(code, DESCRIPTIVE_TEXT_BOUNDS.code, attribute, sink);
}

function boundRecord<T extends object>(record: T, bounds: Bounds, prefix: string, sink: Sink): void {
  const values = record as Record<string, FieldUpdate<unknown>>;
  const lenient = sink.warnings?.isLenient(LeniencyRule.ValueTooLong) ?? false;
  for (const [key, [vr, max]] of Object.entries(bounds)) {
    const value = values[key];
    if (typeof value !== 'string' || value.length <= max) continue;
    const limit = lenient ? TEXT_CEILING[vr] : max;
    const kept = truncateChars(value, limit);
    if (kept === value && truncateChars(value, max) === value) continue; // long in UTF-16 only (surrogate pairs)
    const attribute = `${prefix}.${key}`;
    if (kept !== value) {
      values[key] = kept;
      sink.report({ attribute, vr, max: limit });
    }
    const text = kept === value ? `${attribute} longer than ${vr} (${max}) allows; kept as sent` : `${attribute} longer than ${limit} characters; cut to ${limit}`;
    sink.warnings?.add({ code: Hl7ErrorCode.ValueTooLong, location: sink.at, text });
  }
}

/** Values joined by `\`: each cut to its LO, and whole values dropped beyond the total. */
function boundAllergies(joined: string, sink: Sink): string {
  const kept: string[] = [];
  let total = 0;
  let cut = false;
  for (const value of joined.split('\\')) {
    const bounded = truncateChars(value, ALLERGY_VALUE[1]);
    cut ||= bounded !== value;
    if (total + bounded.length + 1 > ALLERGIES_TOTAL[1]) {
      cut = true;
      break;
    }
    kept.push(bounded);
    total += bounded.length + 1;
  }
  if (cut) {
    sink.report({ attribute: 'visit.allergies', vr: 'LO', max: ALLERGY_VALUE[1] });
    sink.warnings?.add({ code: Hl7ErrorCode.ValueTooLong, location: sink.at, text: `visit.allergies longer than LO (${ALLERGY_VALUE[1]}) allows; cut to it` });
  }
  return kept.join('\\');
}

/** The first `max` characters (code points, as DICOM counts them); never splits a surrogate pair. */
export function truncateChars(value: string, max: number): string {
  if (value.length <= max) return value;
  let chars = 0;
  for (let i = 0; i < value.length; i++) {
    if (chars === max) return value.slice(0, i);
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) i++;
    chars++;
  }
  return value;
}
