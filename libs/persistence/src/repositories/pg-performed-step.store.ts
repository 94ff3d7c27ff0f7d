import { PerformedStepStore } from '@radflow/domain';
import { SqlSession } from './sql';

/** PerformedStepStore over one Postgres transaction. */
export class PgPerformedStepStore implements PerformedStepStore {
  constructor(private readonly db: SqlSession) {}
}
