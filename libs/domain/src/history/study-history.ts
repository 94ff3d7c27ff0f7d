/**
 * Reading a study's lifecycle history (DESIGN.md §3, "every transition recorded"): each state
 * change of its steps and of the study itself, and the flags that changed nothing, oldest first.
 * The rows hold our ids, states, events and sources; with the accession number and Study
 * Instance UID beside them they are patient data, so every reader audits the access.
 */

export type HistoryScope = 'step' | 'study' | 'flag';

export interface StudyHistoryRow {
  at: Date;
  scope: HistoryScope;
  /** The step a step row (or a step's flag) is about; null for the study's own rows. */
  stepRef: string | null;
  /** That step's Scheduled Procedure Step ID. */
  spsId: string | null;
  /** null for the row that created the step. */
  from: string | null;
  to: string;
  event: string;
  /** What caused it: `hl7` and the message id, `dicom` and the association, a user … */
  source: { kind: string; ref: string | null };
  note: string | null;
}

/** One requested procedure (one study) and its history. */
export interface StudyHistory {
  procedureRef: string;
  studyInstanceUid: string;
  accessionNumber: string | null;
  /** Which of the two the key was. */
  matchedBy: 'accession' | 'study-uid';
  rows: StudyHistoryRow[];
}

export interface StudyHistoryReader {
  /**
   * Every requested procedure whose order has `key` as its accession number, or whose Study
   * Instance UID is `key`, each with its history in the order it was written; [] when none.
   */
  find(key: string): Promise<StudyHistory[]>;
}
