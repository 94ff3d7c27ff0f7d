import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accession Number is Type 2 in MWL: a worklist file (and, per hl7-orders-to-mwl.md, an order) may
 * come without one. Such an order stores NULL, which the unique index leaves out, so any number of
 * orders can lack one while a present accession stays unique; the item answers it zero-length.
 */
export class AllowOrdersWithoutAccession1763900000005 implements MigrationInterface {
  name = 'AllowOrdersWithoutAccession1763900000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE imaging_orders ALTER COLUMN accession_number DROP NOT NULL`);
  }

  /** Fails while an order without accession exists: those have to be dealt with first. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE imaging_orders ALTER COLUMN accession_number SET NOT NULL`);
  }
}
