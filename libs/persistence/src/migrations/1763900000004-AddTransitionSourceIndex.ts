import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message log shows the history rows a message wrote (`source_ref` is the message id): without
 * this index that is a scan of the whole history. Only HL7 sources are looked up this way.
 */
export class AddTransitionSourceIndex1763900000004 implements MigrationInterface {
  name = 'AddTransitionSourceIndex1763900000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX study_transitions_hl7_source ON study_transitions (source_ref) WHERE source_kind = 'hl7'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX study_transitions_hl7_source`);
  }
}
