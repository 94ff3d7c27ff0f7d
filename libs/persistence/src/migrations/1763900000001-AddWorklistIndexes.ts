import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case folding for person-name matching that does not depend on the database locale: with
 * `--locale=C` (the embedded cluster) upper() folds ASCII only, so `Müller*` would miss
 * `MÜLLER^HANS`. translate() adds the Latin-1, Latin Extended-A, Greek and Cyrillic letters.
 */
const LOWER = 'àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿāăąćĉċčďđēĕėęěĝğġģĥħĩīĭįĳĵķĺļľŀłńņňŋōŏőœŕŗřśŝşšţťŧũūŭůűųŵŷźżžάέήίαβγδεζηθικλμνξοπρςστυφχψωϊϋόύώабвгдежзийклмнопрстуфхцчшщъыьэюяѐёђѓєѕіїјљњћќѝўџ';
const UPPER = 'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞŸĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŹŻŽΆΈΉΊΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΣΤΥΦΧΨΩΪΫΌΎΏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏ';

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
      -- ASCII-only names (most) skip translate(), which costs ~3x upper() per row.
      CREATE FUNCTION mwl_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT CASE WHEN octet_length($1) = char_length($1) THEN upper($1)
                          ELSE translate(upper($1), '${LOWER}', '${UPPER}') END $$;
      -- text_pattern_ops: LIKE 'SMI%' uses the index whatever the database collation is.
      CREATE INDEX patients_mwl_name_folded ON patients (mwl_fold(name) text_pattern_ops);
      CREATE INDEX patients_mwl_name ON patients (name text_pattern_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX patients_mwl_name, patients_mwl_name_folded, scheduled_procedure_steps_mwl_start,
        scheduled_procedure_steps_mwl_modality_start, scheduled_procedure_steps_mwl_station_multi,
        scheduled_procedure_steps_mwl_station_start;
      DROP FUNCTION mwl_fold(text);
    `);
  }
}
