import { RecordReportCommand, ReportInput, ReportStatus, StudyKeys } from '@radflow/domain';
import { Hl7ErrorCode } from '../ack/hl7-error';
import { AccessionSource, LeniencyRule } from '../inbound/sender-profile';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { parseHl7Timestamp } from './hl7-timestamp.mapper';
import { toEntityIdentifier } from './hl7-types.mapper';
import { MappingWarnings } from './leniency';
import { invalidValue, locate, requiredFieldMissing, unsupportedMessage } from './mapping.errors';
import { readAccession } from './order-accession.mapper';
import { ObservationGroup, splitObservationGroups } from './report-segments';
import { reportText, studyUidOf } from './report-observations';
import { cnnToPersonName } from './xpn.mapper';

export interface ReportMappingOptions {
  /** Where the accession is read, in order (the sender profile's accessionSources). */
  accessionSources?: readonly AccessionSource[];
  warnings?: MappingWarnings;
}

/** OBR-25 result status (HL7 table 0123) → report status; the other codes record no report. */
const REPORT_STATUS: Readonly<Record<string, ReportStatus>> = { P: ReportStatus.Preliminary, F: ReportStatus.Final, C: ReportStatus.Corrected };

/** Table 0123's other codes: no report to record (order received, in progress, scheduled, some results, not verified, cancelled, no order, no patient). */
const OTHER_RESULT_STATUSES: ReadonlySet<string> = new Set(['O', 'I', 'S', 'A', 'R', 'X', 'Y', 'Z']);

/**
 * ORU^R01 → RecordReportCommand (mpps-and-status.md §4, §5): one report per OBR group. Its status
 * is OBR-25, its study is named by the filler number (OBR-3, else ORC-3), the accession (the
 * profile's sources, OBR-18 by default) and the Study Instance UID (an OBX that names one, else
 * ZDS-1), its text is the TX/FT/ST observations line by line. A group whose status records no
 * report is left out with a warning; so is one without a status, unless the sender is strict.
 */
export function toRecordReportCommand(msg: Hl7Message, options: ReportMappingOptions = {}): RecordReportCommand {
  const warnings = options.warnings ?? MappingWarnings.strict();
  if (msg.msh.text(9, 1)?.toUpperCase() !== 'ORU') throw unsupportedMessage('message type for reports', { segment: 'MSH', sequence: 1, field: 9 });
  const groups = splitObservationGroups(msg);
  if (groups.length === 0) throw requiredFieldMissing('OBR segment', { segment: 'OBR' });
  const reports: ReportInput[] = [];
  for (const group of groups) {
    const status = readStatus(msg, group.obr, warnings);
    if (status) reports.push(toReport(msg, group, status, options.accessionSources ?? ['OBR-18'], warnings));
  }
  return { reports };
}

function readStatus(msg: Hl7Message, obr: Hl7Segment, warnings: MappingWarnings): ReportStatus | undefined {
  const at = locate(msg, obr, 25);
  const code = obr.text(25)?.trim().toUpperCase();
  if (!code) {
    warnings.tolerate(LeniencyRule.MissingReportStatus, requiredFieldMissing('report status (OBR-25)', at), 'report status (OBR-25) missing; report not recorded');
    return undefined;
  }
  const status = REPORT_STATUS[code];
  if (status) return status;
  if (OTHER_RESULT_STATUSES.has(code)) {
    warnings.add({ code: Hl7ErrorCode.MessageAccepted, location: at, text: `result status ${code} (OBR-25) records no report; nothing changed` });
  } else {
    warnings.tolerate(LeniencyRule.TableValue, invalidValue('report status (OBR-25, table 0123)', at), 'report status not in HL7 table 0123; report not recorded', Hl7ErrorCode.TableValueNotFound);
  }
  return undefined;
}

function toReport(msg: Hl7Message, group: ObservationGroup, status: ReportStatus, accessionSources: readonly AccessionSource[], warnings: MappingWarnings): ReportInput {
  const { obr } = group;
  const report: ReportInput = { status, study: studyKeys(msg, group, accessionSources, warnings), text: reportText(group.obxs), origin: locate(msg, obr) };
  const observedAt = observationTime(msg, group, warnings);
  if (observedAt) report.observedAt = observedAt;
  // OBR-32 NDL: the interpreter's CNN is its first component (ID & family & given …)
  const interpreter = cnnToPersonName(obr, 32) || obr.text(32, 1, 1);
  if (interpreter) report.interpreter = interpreter;
  // the procedure as orders carry it: OBR-44, else OBR-4 (components 1-3)
  const procedureCode = obr.text(44, 1)?.trim() || obr.text(4, 1)?.trim();
  if (procedureCode) report.procedureCode = procedureCode;
  return report;
}

function studyKeys(msg: Hl7Message, group: ObservationGroup, accessionSources: readonly AccessionSource[], warnings: MappingWarnings): StudyKeys {
  const keys: StudyKeys = {};
  const filler = toEntityIdentifier(group.obr, 3) ?? (group.orc ? toEntityIdentifier(group.orc, 3) : undefined);
  if (filler) keys.fillerOrderNumber = filler.id;
  const accession = readAccession(msg, { orc: group.orc }, { obr: group.obr }, accessionSources, warnings).accessionNumber;
  if (accession) keys.accessionNumber = accession;
  const uid = studyUidOf(msg, group, warnings);
  if (uid) keys.studyInstanceUid = uid;
  return keys;
}

/** OBR-7 (observation date/time), else the first OBX-14; an unreadable one is told and left out. */
function observationTime(msg: Hl7Message, group: ObservationGroup, warnings: MappingWarnings): Date | undefined {
  const candidates = [{ seg: group.obr, field: 7 }, ...group.obxs.map((obx) => ({ seg: obx, field: 14 }))];
  const found = candidates.find((c) => c.seg.text(c.field, 1) !== undefined);
  if (!found) return undefined;
  const at = locate(msg, found.seg, found.field);
  try {
    const ts = parseHl7Timestamp(found.seg.text(found.field, 1)!, at);
    return ts.date ? toInstant(ts.date, ts.time, ts.offset) : undefined;
  } catch {
    warnings.add({ code: Hl7ErrorCode.DataTypeError, location: at, text: 'observation date/time unreadable; report stored without it' });
    return undefined;
  }
}

/**
 * A DTM as an instant: without an offset it is the site's local time, this process's zone (as step
 * start times are). setFullYear, not the Date constructor: that reads years 0–99 as 1900–1999.
 */
function toInstant(date: string, time = '', offset?: string): Date {
  const t = time.padEnd(6, '0');
  const [y, mo, d] = [date.slice(0, 4), date.slice(4, 6), date.slice(6, 8)].map(Number);
  const [h, mi, s] = [t.slice(0, 2), t.slice(2, 4), t.slice(4, 6)].map(Number);
  const at = new Date(0);
  if (!offset) {
    at.setFullYear(y, mo - 1, d);
    at.setHours(h, mi, s, 0);
    return at;
  }
  const sign = offset.startsWith('-') ? -1 : 1;
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi - sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5))), s, 0);
  return at;
}
