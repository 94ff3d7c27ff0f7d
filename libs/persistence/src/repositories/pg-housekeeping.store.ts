import { HousekeepingStore, StaleStep, StaleStepQuery } from '@radflow/domain';
import { SqlSession } from './sql';

/**
 * Housekeeping's reads. Candidates come from the partial index on (status, updated_at) of the
 * ARRIVED/READY/STARTED steps (migration 1763900000010); their history is read through the
 * procedure's history index. A stay starts at the latest history row that moved the step into its
 * state (rows that only held or released it do not count); a step without one counts from its
 * creation.
 */
export class PgHousekeepingStore implements HousekeepingStore {
  constructor(private readonly session: SqlSession) {}

  async findStaleSteps(q: StaleStepQuery): Promise<StaleStep[]> {
    const rows = await this.session.query<{ id: string; procedure_ref: string; status: StaleStep['status']; since: Date }>(
      `SELECT s.id, s.procedure_ref, s.status, entered.at AS since
         FROM scheduled_procedure_steps s
         CROSS JOIN LATERAL (
           SELECT COALESCE(max(t.at), s.created_at) AS at FROM study_transitions t
            WHERE t.procedure_ref = s.procedure_ref AND t.step_ref = s.id AND t.scope = 'step'
              AND t.to_status = s.status AND t.from_status IS DISTINCT FROM t.to_status) entered
        WHERE s.status = ANY($1::text[]) AND s.status IN ('ARRIVED', 'READY', 'STARTED')
          AND s.updated_at <= $2 AND entered.at <= $2
          AND NOT EXISTS (
            SELECT 1 FROM study_transitions f
             WHERE f.procedure_ref = s.procedure_ref AND f.step_ref = s.id AND f.scope = 'flag'
               AND f.event = $3 AND f.at >= entered.at)
        ORDER BY s.updated_at, s.id
        LIMIT $4
        FOR UPDATE OF s SKIP LOCKED`,
      [[...q.statuses], q.unchangedSince, q.flaggedAs, q.limit],
    );
    return rows.map((r) => ({ ref: r.id, procedureRef: r.procedure_ref, status: r.status, since: r.since }));
  }
}
