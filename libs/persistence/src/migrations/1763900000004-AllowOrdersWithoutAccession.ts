import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accession Number is Type 2 in the worklist (hl7-inbound.md, leniency rules): an order may come
 * without one. Such orders store '' and are found by the sender's placer order number instead, so
 * the accession stays unique only where there is one.
 */
export class AllowOrdersWithoutAccession1763900000004 implements MigrationInterface {
  name = 'AllowOrdersWithoutAccession1763900000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE imaging_orders ALTER COLUMN accession_number SET DEFAULT '';
      DROP INDEX imaging_orders_accession;
      CREATE UNIQUE INDEX imaging_orders_accession ON imaging_orders (accession_number) WHERE accession_number <> '';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX imaging_orders_accession;
      CREATE UNIQUE INDEX imaging_orders_accession ON imaging_orders (accession_number);
      ALTER TABLE imaging_orders ALTER COLUMN accession_number DROP DEFAULT;
    `);
  }
}
