import type { ChangeSource } from '../workflow/workflow-store';
import { ReportStatus, StudyKey } from './report';

/** A study (requested procedure) one key named. */
export interface StudyMatch {
  procedureRef: string;
  studyInstanceUid: string;
  /** The requested procedure's code value, when it has one. */
  procedureCode?: string;
}

/** A report to store as the next version of its study's report. */
export interface ReportRecord {
  procedureRef: string;
  status: ReportStatus;
  text: string;
  observedAt?: Date;
  interpreter?: string;
  source: ChangeSource;
}

export interface StoredReport {
  ref: string;
  /** 1 for the study's first report, then one more for each. */
  version: number;
}

/** Port: the reports received for studies, bound to one transaction. Implemented in libs/persistence. */
export interface ReportStore {
  /**
   * The studies a key names: every study of the order an order number or accession names, the one
   * study a Study Instance UID names; none when nothing answers.
   */
  findStudies(key: StudyKey, value: string): Promise<StudyMatch[]>;
  /** Stores the report as its study's next version; the caller holds the study's lock (WorkflowStore.findStudy). */
  addReport(report: ReportRecord): Promise<StoredReport>;
}
