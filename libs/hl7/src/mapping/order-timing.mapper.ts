import { DicomPriority, DomainError, FieldUpdate } from '@radflow/domain';
import { toDicomPriority } from './priority.table';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7ErrorCode } from '../ack/hl7-error';
import { LeniencyRule } from '../inbound/sender-profile';
import { MappingWarnings } from './leniency';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment, Hl7Value } from '../parser/hl7-segment';
import { Hl7Timestamp, parseHl7Timestamp, toTimestamp } from './hl7-timestamp.mapper';
import { firstOf } from './hl7-types.mapper';
import { invalidValue, locate } from './mapping.errors';

/** Where timing can come from, newest HL7 first: TQ1 (v2.5+), then ORC-7 (TQ, deprecated in v2.5), then OBR-27. */
export interface TimingSources {
  tq1?: Hl7Segment;
  orc: Hl7Segment;
  obr?: Hl7Segment;
}

export interface StepTiming {
  start?: Hl7Timestamp;
  end: FieldUpdate<Hl7Timestamp>;
  priority: FieldUpdate<DicomPriority>;
}

/**
 * SPS start: TQ1-7 → ORC-7.4 → OBR-27.4 → OBR-36 (hl7-orders-to-mwl.md §2.4, §7). The start is a
 * key of the worklist, not an update, so an HL7 null there means "not given" and the domain falls
 * back to MSH-7. End: TQ1-8 → ORC-7.5 → OBR-27.5. Priority: TQ1-9.1 → ORC-7.6 → OBR-27.6.
 */
export function toStepTiming(msg: Hl7Message, src: TimingSources, warnings = MappingWarnings.strict()): StepTiming {
  const { tq1, orc, obr } = src;
  const starts: Candidate[] = [];
  const ends: Candidate[] = [];
  if (tq1) {
    starts.push({ value: tq1.get(7, 1), at: locate(msg, tq1, 7) });
    ends.push({ value: tq1.get(8, 1), at: locate(msg, tq1, 8) });
  }
  starts.push({ value: orc.get(7, 4), at: locate(msg, orc, 7, 4) });
  ends.push({ value: orc.get(7, 5), at: locate(msg, orc, 7, 5) });
  if (obr) {
    starts.push({ value: obr.get(27, 4), at: locate(msg, obr, 27, 4) }, { value: obr.get(36, 1), at: locate(msg, obr, 36) });
    ends.push({ value: obr.get(27, 5), at: locate(msg, obr, 27, 5) });
  }
  const start = starts.find((c) => typeof c.value === 'string');
  const end = ends.find((c) => typeof c.value === 'string') ?? ends.find((c) => c.value === null);
  const priorities: Candidate[] = [{ value: tq1?.get(9, 1), at: tq1 ? locate(msg, tq1, 9) : locate(msg, orc, 7, 6) }, { value: orc.get(7, 6), at: locate(msg, orc, 7, 6) }];
  if (obr) priorities.push({ value: obr.get(27, 6), at: locate(msg, obr, 27, 6) });
  const priority = priorities.find((c) => c.value !== undefined);
  return {
    start: start ? parseHl7Timestamp(start.value as string, start.at) : undefined,
    end: end ? toTimestamp(end.value, end.at) : undefined,
    priority: priority ? toPriority(priority, warnings) : undefined,
  };
}

/** HL7 table 0027 (priority). PRN is in it but has no DICOM term. */
const TABLE_0027: ReadonlySet<string> = new Set(['S', 'A', 'R', 'P', 'C', 'T', 'PRN']);

/**
 * A code DICOM has no term for (PRN …) leaves the attribute empty, as dcm4chee does (§4). A code
 * outside table 0027 does the same with a warning (lenient priority rule) or is refused (strict).
 */
function toPriority(c: Candidate, warnings: MappingWarnings): FieldUpdate<DicomPriority> {
  if (typeof c.value !== 'string') return c.value;
  if (!TABLE_0027.has(c.value.trim().toUpperCase())) {
    warnings.tolerate(LeniencyRule.Priority, invalidValue('priority (table 0027)', c.at), 'priority not in HL7 table 0027; left empty', Hl7ErrorCode.TableValueNotFound);
  }
  return toDicomPriority(c.value.trim()) ?? null;
}

/**
 * MSH-7: the schedule time of last resort. An ISO-style value (`2017-04-25 07:31:13.123456`, sent by
 * some interface engines) is read as the timestamp it is. An unreadable one is refused under a strict
 * message-timestamp rule; under a lenient one the receipt time stands in, with a warning.
 */
export function toMessageTime(msg: Hl7Message, warnings = MappingWarnings.strict(), receivedAt?: Date): { date: string; time?: string } | undefined {
  const raw = msg.msh.text(7, 1);
  if (raw === undefined) return undefined;
  const at: Hl7ErrorLocation = { segment: 'MSH', sequence: 1, field: 7 };
  let ts: Hl7Timestamp;
  try {
    ts = parseHl7Timestamp(isoToDtm(raw) ?? raw, at);
  } catch (e) {
    warnings.tolerate(LeniencyRule.MessageTimestamp, e as DomainError, 'message date/time (MSH-7) unreadable; receipt time used');
    return receivedAt ? localDateTime(receivedAt) : undefined;
  }
  if (!ts.date) return undefined;
  return ts.time !== undefined ? { date: ts.date, time: ts.time } : { date: ts.date };
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][±HH:MM]` → DTM, the fraction cut to DTM's four digits; null when not ISO. */
export function isoToDtm(value: string): string | null {
  const m = ISO_DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const offset = zone === undefined ? '' : zone === 'Z' ? '+0000' : zone.replace(':', '');
  return `${y}${mo}${d}${h ?? ''}${mi ?? ''}${s ?? ''}${s !== undefined && fraction ? fraction.slice(0, 5) : ''}${offset}`;
}

/** The receipt time as DICOM DA/TM in the host's zone, as the rest of our times are. */
function localDateTime(at: Date): { date: string; time: string } {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date: `${p(at.getFullYear(), 4)}${p(at.getMonth() + 1)}${p(at.getDate())}`, time: `${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}` };
}

interface Candidate {
  value: Hl7Value;
  at: Hl7ErrorLocation;
}
