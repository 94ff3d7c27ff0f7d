import { subjectOf } from '../common';
import { Lifecycle, StudyEvent } from '../lifecycle';
import { ChangeSource, TransactionContext } from '../workflow';
import { RecordReportCommand, ReportInput, ReportOutcome, ReportStatus, STUDY_KEY_ORDER, StudyKeys } from './report';
import { StudyMatch } from './report.store';

const EVENT_OF: Readonly<Record<ReportStatus, typeof StudyEvent.ReportPreliminary | typeof StudyEvent.ReportFinal | typeof StudyEvent.ReportCorrected>> = {
  [ReportStatus.Preliminary]: StudyEvent.ReportPreliminary,
  [ReportStatus.Final]: StudyEvent.ReportFinal,
  [ReportStatus.Corrected]: StudyEvent.ReportCorrected,
};

type ReportStores = Pick<TransactionContext, 'workflow' | 'reports'>;

/**
 * Record report (mpps-and-status.md §5): each report finds its study, moves it through the study
 * lifecycle table and, unless the table ignores it, is stored as the study's next report version
 * with a `report.received` outbox event, in the caller's transaction. A report for a study we do
 * not know changes nothing (the sender is told, not refused: it cannot fix that); a refusal of the
 * table (a final report for a cancelled study) throws and so undoes the whole message.
 * Shaped as every use case is: (transaction, command, source) → outcome.
 */
export async function recordReport(tx: ReportStores, cmd: RecordReportCommand, source: ChangeSource): Promise<ReportOutcome[]> {
  const outcomes: ReportOutcome[] = [];
  for (const report of cmd.reports) {
    const studies = await findStudies(tx, report.study, report.procedureCode);
    if (studies.length === 0) outcomes.push({ kind: 'unknown-study', origin: report.origin });
    for (const study of studies) outcomes.push(await recordFor(tx, study.procedureRef, report, source));
  }
  return outcomes;
}

async function recordFor(tx: ReportStores, procedureRef: string, report: ReportInput, source: ChangeSource): Promise<ReportOutcome> {
  const moved = await Lifecycle.study(tx.workflow, procedureRef, EVENT_OF[report.status], source, subjectOf('report', 'reportStatus', report.origin));
  if (moved.ignored) return { kind: 'ignored', procedureRef, reason: moved.ignored, origin: report.origin };
  const stored = await tx.reports.addReport({ procedureRef, status: report.status, text: report.text, observedAt: report.observedAt, interpreter: report.interpreter, source });
  await tx.workflow.addOutbox({
    topic: 'report.received',
    aggregateId: procedureRef,
    payload: { reportRef: stored.ref, version: stored.version, status: report.status, studyState: moved.to, source: source.kind },
  });
  return { kind: 'recorded', procedureRef, version: stored.version, note: moved.note, origin: report.origin };
}

/**
 * The first key that names a study wins (filler number, accession, Study Instance UID). An order
 * key names every study of the order; a Study Instance UID among them narrows it to that one, else
 * the procedure code the report names. A report that narrows to nothing stays with every study of
 * the order (what the order key said).
 */
async function findStudies(tx: Pick<ReportStores, 'reports'>, keys: StudyKeys, procedureCode?: string): Promise<StudyMatch[]> {
  for (const key of STUDY_KEY_ORDER) {
    const value = keys[key];
    if (!value) continue;
    const found = await tx.reports.findStudies(key, value);
    if (found.length === 0) continue;
    const byUid = keys.studyInstanceUid ? found.filter((s) => s.studyInstanceUid === keys.studyInstanceUid) : [];
    if (byUid.length > 0) return byUid;
    const code = procedureCode?.trim().toUpperCase();
    const byCode = code && found.length > 1 ? found.filter((s) => s.procedureCode?.trim().toUpperCase() === code) : [];
    return byCode.length > 0 ? byCode : found;
  }
  return [];
}
