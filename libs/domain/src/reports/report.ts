import { InputOrigin } from '../common';

/** The status of a report as the reporting system gives it. */
export const ReportStatus = {
  Preliminary: 'preliminary',
  Final: 'final',
  /** A correction of (or addendum to) a final report. */
  Corrected: 'corrected',
} as const;
export type ReportStatus = (typeof ReportStatus)[keyof typeof ReportStatus];

/** How the study a report is about can be found, strongest first. */
export interface StudyKeys {
  /** The order's number at the department that performs it. */
  fillerOrderNumber?: string;
  accessionNumber?: string;
  studyInstanceUid?: string;
}

export type StudyKey = keyof StudyKeys;

/** The order the keys are tried in: an order number names the order, a Study Instance UID one study. */
export const STUDY_KEY_ORDER: readonly StudyKey[] = ['fillerOrderNumber', 'accessionNumber', 'studyInstanceUid'];

/** One report of a result message. */
export interface ReportInput {
  status: ReportStatus;
  study: StudyKeys;
  /** The report's text, lines joined with `\n`. */
  text: string;
  /** When the observation was made, as the reporting system says. */
  observedAt?: Date;
  /** Who interpreted the study, as the reporting system names them. */
  interpreter?: string;
  /** The code of the procedure reported on: tells the studies of one order apart when its keys name several. */
  procedureCode?: string;
  /** Where the edge read the report (handed back in errors and outcomes). */
  origin?: InputOrigin;
}

/** Record the reports of one result message. */
export interface RecordReportCommand {
  reports: ReportInput[];
}

/**
 * What became of one report for one study: recorded as the study's next version (with the
 * lifecycle table's note, e.g. a report before the images), ignored by the table (a preliminary
 * after the final), or no study answers to its keys.
 */
export type ReportOutcome =
  | { kind: 'recorded'; procedureRef: string; version: number; note?: string; origin?: InputOrigin }
  | { kind: 'ignored'; procedureRef: string; reason: string; origin?: InputOrigin }
  | { kind: 'unknown-study'; origin?: InputOrigin };
