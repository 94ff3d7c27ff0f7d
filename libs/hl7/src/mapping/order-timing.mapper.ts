import { DicomPriority, ErrorLocation, FieldUpdate, toDicomPriority } from '@radflow/domain';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment, Hl7Value } from '../parser/hl7-segment';
import { Hl7Timestamp, parseHl7Timestamp, toTimestamp } from './hl7-timestamp.mapper';
import { firstOf } from './hl7-types.mapper';
import { locate } from './mapping.errors';

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
export function toStepTiming(msg: Hl7Message, src: TimingSources): StepTiming {
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
  const priority = firstOf(tq1?.get(9, 1), orc.get(7, 6), obr?.get(27, 6));
  return {
    start: start ? parseHl7Timestamp(start.value as string, start.at) : undefined,
    end: end ? toTimestamp(end.value, end.at) : undefined,
    // A code DICOM has no term for (PRN …) leaves the attribute empty, as dcm4chee does (§4).
    priority: typeof priority === 'string' ? (toDicomPriority(priority) ?? null) : priority,
  };
}

/** MSH-7: the schedule time of last resort; an unparsable one is an error like any other date. */
export function toMessageTime(msg: Hl7Message): { date: string; time?: string } | undefined {
  const raw = msg.msh.text(7, 1);
  if (raw === undefined) return undefined;
  const ts = parseHl7Timestamp(raw, { segment: 'MSH', sequence: 1, field: 7 });
  if (!ts.date) return undefined;
  return ts.time !== undefined ? { date: ts.date, time: ts.time } : { date: ts.date };
}

interface Candidate {
  value: Hl7Value;
  at: ErrorLocation;
}
