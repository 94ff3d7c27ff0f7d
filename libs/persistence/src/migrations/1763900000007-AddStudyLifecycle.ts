import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The study lifecycle: study states in the domain's words, history rows for steps, studies and
 * flags (a row that changes no state), and the guard of every conditional transition. A transition
 * that finds its row no longer in the expected state raises serialization_failure (40001), so the
 * whole transaction is retried and meets the lifecycle table again with the state that won.
 */
export class AddStudyLifecycle1763900000007 implements MigrationInterface {
  name = 'AddStudyLifecycle1763900000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE study_transitions
        ADD COLUMN scope text NOT NULL DEFAULT 'step' CHECK (scope IN ('step', 'study', 'flag')),
        ADD COLUMN note text;

      ALTER TABLE requested_procedures ALTER COLUMN study_status SET DEFAULT 'scheduled';
      UPDATE requested_procedures r SET study_status = CASE
          WHEN NOT EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id) THEN 'scheduled'
          WHEN NOT EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id AND s.status <> 'CANCELED') THEN 'cancelled'
          WHEN NOT EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id AND s.status NOT IN ('CANCELED', 'DISCONTINUED')) THEN 'discontinued'
          WHEN NOT EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id AND s.status NOT IN ('CANCELED', 'DISCONTINUED', 'COMPLETED', 'DEPARTED')) THEN 'completed'
          WHEN EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id AND s.status IN ('STARTED', 'COMPLETED', 'DEPARTED')) THEN 'in_progress'
          WHEN EXISTS (SELECT 1 FROM scheduled_procedure_steps s WHERE s.procedure_ref = r.id AND s.status IN ('ARRIVED', 'READY')) THEN 'arrived'
          ELSE 'scheduled' END;

      CREATE FUNCTION radflow_expect_moved(moved bigint, what text) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
          IF moved = 0 THEN
            RAISE EXCEPTION '% changed concurrently', what USING ERRCODE = 'serialization_failure';
          END IF;
        END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION radflow_expect_moved(bigint, text);
      UPDATE requested_procedures SET study_status = 'SCHEDULED';
      ALTER TABLE requested_procedures ALTER COLUMN study_status SET DEFAULT 'SCHEDULED';
      ALTER TABLE study_transitions DROP COLUMN note, DROP COLUMN scope;
    `);
  }
}
