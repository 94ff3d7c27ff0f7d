import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What was accepted with a warning (hl7-inbound.md, leniency rules): each entry holds a code, a
 * location and a PHI-free text. The outcome of a message is its ACK code plus whether this is empty;
 * the index serves the message log's "warnings only" filter.
 */
export class AddMessageWarnings1763900000003 implements MigrationInterface {
  name = 'AddMessageWarnings1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE hl7_messages ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
      CREATE INDEX hl7_messages_with_warnings ON hl7_messages (received_at) WHERE warnings <> '[]'::jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX hl7_messages_with_warnings; ALTER TABLE hl7_messages DROP COLUMN warnings;`);
  }
}
