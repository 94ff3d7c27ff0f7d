import { ReportStore } from '@radflow/domain';
import { SqlSession } from './sql';

/** ReportStore over one Postgres transaction. */
export class PgReportStore implements ReportStore {
  constructor(private readonly db: SqlSession) {}
}
