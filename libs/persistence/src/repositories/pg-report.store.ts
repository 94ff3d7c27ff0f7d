import { ReportRecord, ReportStore, StoredReport, StudyKey, StudyMatch } from '@radflow/domain';
import { Sql, SqlSession } from './sql';

/** Which study rows each key names: an order's numbers name all of its studies. */
const STUDIES_BY: Readonly<Record<StudyKey, string>> = {
  fillerOrderNumber: `SELECT r.id, r.study_instance_uid, r.code->>'value' AS procedure_code FROM imaging_orders o JOIN requested_procedures r ON r.order_ref = o.id
                       WHERE o.filler_order_number = $1 ORDER BY r.id`,
  accessionNumber: `SELECT r.id, r.study_instance_uid, r.code->>'value' AS procedure_code FROM imaging_orders o JOIN requested_procedures r ON r.order_ref = o.id
                     WHERE o.accession_number = $1 ORDER BY r.id`,
  studyInstanceUid: `SELECT id, study_instance_uid, code->>'value' AS procedure_code FROM requested_procedures WHERE study_instance_uid = $1`,
};

/** ReportStore over one Postgres transaction. */
export class PgReportStore implements ReportStore {
  private readonly sql: Sql;

  constructor(db: SqlSession) {
    this.sql = db.query;
  }

  async findStudies(key: StudyKey, value: string): Promise<StudyMatch[]> {
    const rows = await this.sql<{ id: string; study_instance_uid: string; procedure_code: string | null }>(STUDIES_BY[key], [value]);
    return rows.map((r) => ({ procedureRef: r.id, studyInstanceUid: r.study_instance_uid, ...(r.procedure_code ? { procedureCode: r.procedure_code } : {}) }));
  }

  /**
   * The next version is read in the insert itself; the caller holds the study row's lock, and a
   * race that got past it anyway fails on (procedure_ref, version) and is retried with the message.
   */
  async addReport(r: ReportRecord): Promise<StoredReport> {
    const rows = await this.sql<{ id: string; version: number }>(
      `INSERT INTO reports (procedure_ref, version, status, text, observed_at, interpreter, source_kind, source_ref)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5, $6, $7 FROM reports WHERE procedure_ref = $1
       RETURNING id, version`,
      [r.procedureRef, r.status, r.text, r.observedAt ?? null, r.interpreter ?? null, r.source.kind, r.source.ref],
    );
    return { ref: rows[0].id, version: rows[0].version };
  }
}
