import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Performed procedure steps (MPPS) as the modalities reported them, and their links to scheduled
 * steps: one performed step may fulfil several scheduled steps (the group case) and one scheduled
 * step may gain several performed steps (the append case). Unlinked ones carry the modality's
 * patient identity and wait for reconciliation. The whole received attribute set is kept, since
 * the SCP must answer for it later.
 */
export class AddPerformedSteps1763900000008 implements MigrationInterface {
  name = 'AddPerformedSteps1763900000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE performed_procedure_steps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sop_instance_uid text NOT NULL,
        status text NOT NULL CHECK (status IN ('IN PROGRESS', 'COMPLETED', 'DISCONTINUED')),
        modality text NOT NULL,
        performed_station_ae_title text NOT NULL,
        performed_station_name text,
        performed_location text,
        performed_step_id text NOT NULL,
        start_date text NOT NULL,
        start_time text NOT NULL,
        end_date text,
        end_time text,
        description text,
        procedure_type_description text,
        comments text,
        study_instance_uid text,
        study_id text,
        scheduled_references jsonb NOT NULL DEFAULT '[]',
        patient_id text,
        patient_issuer text,
        patient_name text,
        patient_birth_date text,
        patient_sex text,
        needs_reconciliation boolean NOT NULL DEFAULT false,
        reconciliation_reason text,
        performed_series jsonb NOT NULL DEFAULT '[]',
        dose jsonb,
        discontinuation_reason jsonb,
        attributes jsonb NOT NULL DEFAULT '{}',
        association_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX performed_procedure_steps_sop_instance_uid ON performed_procedure_steps (sop_instance_uid);
      CREATE INDEX performed_procedure_steps_reconciliation ON performed_procedure_steps (created_at) WHERE needs_reconciliation;
      CREATE INDEX performed_procedure_steps_study_uid ON performed_procedure_steps (study_instance_uid);

      CREATE TABLE performed_step_links (
        performed_ref uuid NOT NULL REFERENCES performed_procedure_steps(id),
        step_ref uuid NOT NULL REFERENCES scheduled_procedure_steps(id),
        PRIMARY KEY (performed_ref, step_ref)
      );
      CREATE INDEX performed_step_links_step ON performed_step_links (step_ref);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE performed_step_links, performed_procedure_steps`);
  }
}
