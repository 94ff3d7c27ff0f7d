import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes the outbox relay when outbox rows commit: NOTIFY is delivered at commit (never for a
 * rolled-back transaction) and identical notifications of one transaction are folded into one,
 * so a per-statement trigger costs one message per HL7 message, however many rows it wrote.
 * The relay polls as well; a lost notification only delays a row.
 */
export class AddOutboxNotify1763900000002 implements MigrationInterface {
  name = 'AddOutboxNotify1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER outbox_notify ON outbox;
      DROP FUNCTION outbox_notify();
    `);
  }
}
