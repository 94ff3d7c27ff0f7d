import { Hl7ErrorCode } from '../ack/hl7-error';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { checkUid } from './dicom-values.validator';
import { MappingWarnings } from './leniency';
import { locate } from './mapping.errors';
import { ObservationGroup } from './report-segments';

/** OBX-2 value types that carry report text. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['TX', 'FT', 'ST']);

/** OBX-3 codes naming a Study Instance UID: DCM 110180 "Study Instance UID", DCM 113014 "Study" (DICOM SR → HL7 mapping). */
const STUDY_UID_CODES: ReadonlySet<string> = new Set(['110180', '113014']);

function namesStudyUid(obx: Hl7Segment): boolean {
  const code = obx.text(3, 1)?.trim();
  if (code && STUDY_UID_CODES.has(code)) return true;
  return [obx.text(3, 1), obx.text(3, 2)].some((t) => t !== undefined && /study\s*instance\s*uid/i.test(t));
}

/**
 * The report text: each text OBX-5 repetition is a line, in message order; an empty OBX is an
 * empty line (senders space paragraphs that way). FT formatting was decoded by the parser (`\.br\`
 * is a line break). A separator a sender left unescaped in text is kept as the text it was.
 */
export function reportText(obxs: readonly Hl7Segment[]): string {
  const lines: string[] = [];
  for (const obx of obxs) {
    if (!TEXT_TYPES.has(obx.text(2)?.trim().toUpperCase() ?? '') || namesStudyUid(obx)) continue;
    const reps = obx.repetitions(5);
    if (reps.length === 0) lines.push('');
    for (let rep = 0; rep < reps.length; rep++) lines.push(obx.wholeText(5, rep) ?? '');
  }
  return lines.join('\n');
}

/**
 * The Study Instance UID of a group: the OBX that names one (its value, or the universal ID of an
 * HD), else ZDS-1.1. A value that is no UID is told and not used to find the study.
 */
export function studyUidOf(msg: Hl7Message, group: ObservationGroup, warnings: MappingWarnings): string | undefined {
  const obx = group.obxs.find(namesStudyUid);
  const candidates = obx ? [{ value: obx.text(5, 1) ?? obx.text(5, 2), at: locate(msg, obx, 5) }] : [];
  if (group.zds) candidates.push({ value: group.zds.text(1, 1), at: locate(msg, group.zds, 1) });
  for (const { value, at } of candidates) {
    if (value === undefined) continue;
    try {
      return checkUid(value.trim(), 'study instance UID', at);
    } catch {
      warnings.add({ code: Hl7ErrorCode.DataTypeError, location: at, text: 'study instance UID not a UID; not used to find the study' });
    }
  }
  return undefined;
}
