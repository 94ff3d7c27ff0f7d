import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finished steps leave the hot indexes. The MWL step indexes of 1763900000001 become partial over
 * unfinished steps, so they stay the size of the worklist however much history piles up beside it;
 * the worklist SQL repeats the predicate word for word (UNFINISHED_STEP in libs/dicom mwl-sql.ts)
 * so the planner can prove it. A site that offers a finished status gets correct answers from a
 * scan instead (slower). Keep the status list in step with that constant.
 *
 * The patient's steps get a partial index too (Patient ID queries); the full one stays for merges.
 * Housekeeping (stale ARRIVED/READY/STARTED steps) reads the few steps in those states by the time
 * of their last change.
 */
const UNFINISHED = `status NOT IN ('COMPLETED', 'CANCELED', 'DISCONTINUED', 'DEPARTED')`;

export class PartialWorklistIndexes1763900000010 implements MigrationInterface {
  name = 'PartialWorklistIndexes1763900000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX scheduled_procedure_steps_mwl_station_start, scheduled_procedure_steps_mwl_station_multi,
        scheduled_procedure_steps_mwl_modality_start, scheduled_procedure_steps_mwl_start;
      CREATE INDEX scheduled_procedure_steps_mwl_station_start_unfinished
        ON scheduled_procedure_steps (station_ae_titles, start_date, start_time, id) WHERE ${UNFINISHED};
      CREATE INDEX scheduled_procedure_steps_mwl_station_multi_unfinished
        ON scheduled_procedure_steps USING gin (station_ae_titles) WHERE cardinality(station_ae_titles) > 1 AND ${UNFINISHED};
      CREATE INDEX scheduled_procedure_steps_mwl_modality_start_unfinished
        ON scheduled_procedure_steps (modality, start_date, start_time, id) WHERE ${UNFINISHED};
      CREATE INDEX scheduled_procedure_steps_mwl_start_unfinished
        ON scheduled_procedure_steps (start_date, start_time, id) WHERE ${UNFINISHED};
      -- Q3 (Patient ID) reaches the steps by patient: without this it reads every exam the patient ever had
      CREATE INDEX scheduled_procedure_steps_patient_unfinished
        ON scheduled_procedure_steps (patient_ref) WHERE ${UNFINISHED};
      CREATE INDEX scheduled_procedure_steps_stale_candidates
        ON scheduled_procedure_steps (status, updated_at) WHERE status IN ('ARRIVED', 'READY', 'STARTED');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX scheduled_procedure_steps_stale_candidates, scheduled_procedure_steps_patient_unfinished, scheduled_procedure_steps_mwl_start_unfinished,
        scheduled_procedure_steps_mwl_modality_start_unfinished, scheduled_procedure_steps_mwl_station_multi_unfinished,
        scheduled_procedure_steps_mwl_station_start_unfinished;
      CREATE INDEX scheduled_procedure_steps_mwl_station_start
        ON scheduled_procedure_steps (station_ae_titles, start_date, start_time, id);
      CREATE INDEX scheduled_procedure_steps_mwl_station_multi
        ON scheduled_procedure_steps USING gin (station_ae_titles) WHERE cardinality(station_ae_titles) > 1;
      CREATE INDEX scheduled_procedure_steps_mwl_modality_start
        ON scheduled_procedure_steps (modality, start_date, start_time, id);
      CREATE INDEX scheduled_procedure_steps_mwl_start
        ON scheduled_procedure_steps (start_date, start_time, id);
    `);
  }
}
