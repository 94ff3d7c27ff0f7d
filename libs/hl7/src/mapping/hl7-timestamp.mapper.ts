import { FieldUpdate } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7Value } from '../parser/hl7-segment';
import { invalidValue } from './mapping.errors';

/**
 * An HL7 TS/DTM split into DICOM DA/TM plus the UTC offset.
 * `date` is set only when year, month and day were all sent: DICOM DA has no partial form, and
 * padding `1970` to `19700101` would invent a birthday (hl7-orders-to-mwl.md §2.1).
 * `time` is kept at the precision sent (HH, HHMM, HHMMSS[.ffff]); all are valid DICOM TM.
 */
export interface Hl7Timestamp {
  date?: string;
  time?: string;
  /** `+HHMM` / `-HHMM` as sent */
  offset?: string;
}

// YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ] (HL7 v2.5.1 §2.A.22 DTM; v2.3.1 TS component 1)
const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$/;

/** Parses one DTM value; throws INVALID_VALUE at `location` when it is not a real date/time. */
export function parseHl7Timestamp(value: string, location: Hl7ErrorLocation): Hl7Timestamp {
  const m = DTM.exec(value.trim());
  if (!m) throw invalidValue('date/time', location);
  const [, year, month, day, hour, minute, second, fraction, offset] = m;
  if (fraction !== undefined && second === undefined) throw invalidValue('date/time', location);
  if (month !== undefined && !inRange(month, 1, 12)) throw invalidValue('date/time', location);
  if (day !== undefined && !inRange(day, 1, daysInMonth(Number(year), Number(month)))) throw invalidValue('date/time', location);
  if (hour !== undefined && !inRange(hour, 0, 23)) throw invalidValue('date/time', location);
  if (minute !== undefined && !inRange(minute, 0, 59)) throw invalidValue('date/time', location);
  // 60 admits a leap second, which DICOM TM allows too
  if (second !== undefined && !inRange(second, 0, 60)) throw invalidValue('date/time', location);
  if (offset !== undefined && !(inRange(offset.slice(1, 3), 0, 14) && inRange(offset.slice(3), 0, 59))) {
    throw invalidValue('date/time', location);
  }
  const ts: Hl7Timestamp = {};
  if (day !== undefined) ts.date = `${year}${month}${day}`;
  if (hour !== undefined) ts.time = `${hour}${minute ?? ''}${second ?? ''}${fraction ?? ''}`;
  if (offset !== undefined) ts.offset = offset;
  return ts;
}

/** parseHl7Timestamp with the `""` / empty semantics of a field read (null = clear, undefined = keep). */
export function toTimestamp(value: Hl7Value, location: Hl7ErrorLocation): FieldUpdate<Hl7Timestamp> {
  if (value === null || value === undefined) return value;
  return parseHl7Timestamp(value, location);
}

function inRange(digits: string, min: number, max: number): boolean {
  const n = Number(digits);
  return n >= min && n <= max;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
}
