import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the MWL C-FIND queries modalities send (DESIGN.md §4; plans in the MWL report):
 * station AE + day, modality + date range, date alone, and patient name prefix (`SMI*`). The
 * step indexes end in (start_date, start_time, id), the ORDER BY of the worklist SQL, so a
 * capped query reads rows in answer order and stops. Patient ID and accession are served by the
 * unique indexes of the core schema.
 */
export class AddWorklistIndexes1763900000001 implements MigrationInterface {
  name = 'AddWorklistIndexes1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- A step almost always has one station: equality on the whole array is a btree lookup
      -- ('CT01' + day); the rare multi-station steps are found through the partial GIN below.
      CREATE INDEX scheduled_procedure_steps_mwl_station_start
        ON scheduled_procedure_steps (station_ae_titles, start_date, start_time, id);
      CREATE INDEX scheduled_procedure_steps_mwl_station_multi
        ON scheduled_procedure_steps USING gin (station_ae_titles) WHERE cardinality(station_ae_titles) > 1;
      CREATE INDEX scheduled_procedure_steps_mwl_modality_start
        ON scheduled_procedure_steps (modality, start_date, start_time, id);
      CREATE INDEX scheduled_procedure_steps_mwl_start
        ON scheduled_procedure_steps (start_date, start_time, id);
      -- text_pattern_ops: LIKE 'SMI%' uses the index whatever the database collation is.
      CREATE INDEX patients_mwl_name_upper ON patients (upper(name) text_pattern_ops);
      CREATE INDEX patients_mwl_name ON patients (name text_pattern_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX patients_mwl_name, patients_mwl_name_upper, scheduled_procedure_steps_mwl_start,
        scheduled_procedure_steps_mwl_modality_start, scheduled_procedure_steps_mwl_station_multi,
        scheduled_procedure_steps_mwl_station_start;
    `);
  }
}
