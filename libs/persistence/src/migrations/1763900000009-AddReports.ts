import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports received for studies: every version kept, numbered per study (1, 2, …), with its status
 * and who sent it. A report finds its study by the order's filler number first, so that number
 * gets an index; accession and Study Instance UID have theirs already.
 */
export class AddReports1763900000009 implements MigrationInterface {
  name = 'AddReports1763900000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        procedure_ref uuid NOT NULL REFERENCES requested_procedures(id),
        version integer NOT NULL CHECK (version > 0),
        status text NOT NULL CHECK (status IN ('preliminary', 'final', 'corrected')),
        text text NOT NULL,
        observed_at timestamptz,
        interpreter text,
        source_kind text NOT NULL,
        source_ref text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reports_procedure_version UNIQUE (procedure_ref, version)
      );
      CREATE INDEX imaging_orders_filler ON imaging_orders (filler_order_number) WHERE filler_order_number IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX imaging_orders_filler;
      DROP TABLE reports;
    `);
  }
}
