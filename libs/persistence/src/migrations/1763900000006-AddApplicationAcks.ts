import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Application ACKs owed to senders in true enhanced mode (sender profile ackMode `enhanced`): stored
 * in the transaction of the message they answer, marked sent once the sender's return link took
 * them, so a restart resends what was still pending rather than losing it.
 */
export class AddApplicationAcks1763900000006 implements MigrationInterface {
  name = 'AddApplicationAcks1763900000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hl7_application_acks (
        message_id uuid PRIMARY KEY REFERENCES hl7_messages(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        url text NOT NULL,
        profile text NOT NULL,
        ack_code text NOT NULL,
        ack bytea NOT NULL,
        sent_at timestamptz
      );
      CREATE INDEX hl7_application_acks_pending ON hl7_application_acks (created_at) WHERE sent_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hl7_application_acks;`);
  }
}
