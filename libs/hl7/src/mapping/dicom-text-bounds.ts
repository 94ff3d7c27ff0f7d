import { CodedEntry, FieldUpdate, OrderGroupCommand, PatientDemographics, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput, VisitInput } from '@radflow/domain';

/** A DICOM value representation and its maximum length in characters (PS3.5 §6.2; PN per component group). */
export type TextBound = readonly [vr: 'PN' | 'LO' | 'SH' | 'LT', max: number];

const PN: TextBound = ['PN', 64];
const LO: TextBound = ['LO', 64];
const SH: TextBound = ['SH', 16];
const LT: TextBound = ['LT', 10240];

/**
 * Descriptive texts: what a person reads on the modality, never a key anything is found by. One
 * over its VR is cut to the maximum and reported (hl7-orders-to-mwl.md §2 names the VRs); the
 * order still reaches the worklist. Keys and codes are checked where they are read and refused
 * when too long (dicom-values.validator.ts), because a cut key would name something else.
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

/** What was cut, for a PHI-free warning: the attribute's name, never its value. */
export interface TruncatedText {
  attribute: string;
  vr: string;
  max: number;
}

export type OnTruncated = (t: TruncatedText) => void;

export const ignoreTruncation: OnTruncated = () => undefined;

type Bounds = Readonly<Record<string, TextBound>>;

export function boundOrderTexts(cmd: PlaceOrdersCommand, report: OnTruncated): void {
  boundPatientTexts(cmd.patient, report);
  boundVisitTexts(cmd.visit, report);
  for (const group of cmd.groups) {
    boundRecord(group, DESCRIPTIVE_TEXT_BOUNDS.order, 'order', report);
    boundCode(group.reasonCode, 'order.reasonCode', report);
    for (const procedure of group.procedures) boundProcedure(procedure, report);
  }
}

export function boundPatientTexts(patient: PatientDemographics, report: OnTruncated): void {
  boundRecord(patient, DESCRIPTIVE_TEXT_BOUNDS.patient, 'patient', report);
}

export function boundVisitTexts(visit: VisitInput, report: OnTruncated): void {
  boundRecord(visit, DESCRIPTIVE_TEXT_BOUNDS.visit, 'visit', report);
  if (typeof visit.allergies === 'string') visit.allergies = boundAllergies(visit.allergies, report);
}

function boundProcedure(procedure: RequestedProcedureInput, report: OnTruncated): void {
  boundRecord(procedure, DESCRIPTIVE_TEXT_BOUNDS.procedure, 'procedure', report);
  boundCode(procedure.code, 'procedure.code', report);
  for (const step of procedure.steps) boundStep(step, report);
}

function boundStep(step: ProcedureStepInput, report: OnTruncated): void {
  boundRecord(step, DESCRIPTIVE_TEXT_BOUNDS.step, 'step', report);
  for (const code of step.protocolCodes ?? []) boundCode(code, 'step.protocolCode', report);
}

function boundCode(code: CodedEntry | undefined, attribute: string, report: OnTruncated): void {
  if (code) boundRecord(code, DESCRIPTIVE_TEXT_BOUNDS.code, attribute, report);
}

function boundRecord<T extends object>(record: T, bounds: Bounds, prefix: string, report: OnTruncated): void {
  const values = record as Record<string, FieldUpdate<unknown>>;
  for (const [key, [vr, max]] of Object.entries(bounds)) {
    const value = values[key];
    if (typeof value !== 'string') continue;
    const cut = truncateChars(value, max);
    if (cut === value) continue;
    values[key] = cut;
    report({ attribute: `${prefix}.${key}`, vr, max });
  }
}

/** Values joined by `\`: each cut to its LO, and whole values dropped beyond the total. */
function boundAllergies(joined: string, report: OnTruncated): string {
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
  if (cut) report({ attribute: 'visit.allergies', vr: 'LO', max: ALLERGY_VALUE[1] });
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
