import type { Pool, PoolClient } from 'pg';
import type { DicomDataset } from '../dimse/dicom-dataset';
import { mapWorklistDataset, WorklistFileError, WorklistRows } from './worklist-import.mapper';

export interface WorklistFile {
  /**
   * Where the file comes from, `<folder name>/<file name>`: kept in the history row of the steps it
   * creates, it is the file's identity on a re-run and the seed of the ids it lacks.
   */
  readonly name: string;
  readonly dataset: DicomDataset;
}

/**
 * imported: at least one new step; updated: its steps were there (from this same file) and some
 * value changed; unchanged: they were there as they are; refused: nothing written.
 */
export type ImportOutcome = 'imported' | 'updated' | 'unchanged' | 'refused';

export interface ImportedFile {
  readonly name: string;
  readonly outcome: ImportOutcome;
  /** PHI-free reason for a refusal (which attribute is missing, which key collides with what). */
  readonly reason?: string;
}

export interface WorklistImportOptions {
  /** imaging_orders.sending_application of imported orders. */
  readonly sendingApplication?: string;
}

type StepOutcome = Exclude<ImportOutcome, 'refused'>;
/** A file's outcome is the strongest of its steps'. */
const STRENGTH: Record<StepOutcome, number> = { unchanged: 0, updated: 1, imported: 2 };

/**
 * Core of `import-worklist <folder>`: one transaction per batch of decoded `.wl` files, a
 * savepoint per file so that one bad file is refused with its reason without losing the rest.
 * A step is (Accession Number, Requested Procedure ID, SPS ID), the ids a file lacks generated
 * from the file (worklist-import.ids.ts). A step that exists and was created from this same file
 * is brought up to date, so re-running a folder is safe; one created by another file or by HL7 is
 * never taken over: the file is refused, naming where the step came from. New steps start as
 * SCHEDULED with a history row (event `import`, source the file). The patient row is never
 * overwritten (HL7 keeps it current); an order or requested procedure only by the file whose
 * steps are its only ones.
 */
export async function importWorklistFiles(pool: Pool, files: readonly WorklistFile[], options: WorklistImportOptions = {}): Promise<ImportedFile[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const results: ImportedFile[] = [];
    for (const file of files) results.push(await importOne(client, file, options.sendingApplication ?? 'WORKLIST-IMPORT'));
    await client.query('COMMIT');
    return results;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.release(broken);
  }
}

async function importOne(client: PoolClient, file: WorklistFile, sendingApplication: string): Promise<ImportedFile> {
  let rows: WorklistRows;
  try {
    rows = mapWorklistDataset(file.dataset, file.name);
  } catch (err) {
    if (err instanceof WorklistFileError) return { name: file.name, outcome: 'refused', reason: err.message };
    throw err;
  }
  await client.query('SAVEPOINT worklist_file');
  try {
    const outcome = await writeRows(client, file.name, rows, sendingApplication);
    await client.query('RELEASE SAVEPOINT worklist_file');
    return { name: file.name, outcome };
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT worklist_file');
    const reason = refusalReason(err);
    if (!reason) throw err;
    return { name: file.name, outcome: 'refused', reason };
  }
}

async function writeRows(client: PoolClient, source: string, rows: WorklistRows, sendingApplication: string): Promise<StepOutcome> {
  const patientRef = await insertOrFind(
    client,
    'patients',
    rows.patient,
    '(patient_id, issuer)',
    'SELECT COALESCE(merged_into, id) AS id FROM patients WHERE patient_id = $1 AND issuer = $2',
    [rows.patient.patient_id, rows.patient.issuer],
  );
  const order = { ...rows.order, patient_ref: patientRef, sending_application: sendingApplication };
  const orderRef = await findOrder(client, rows, patientRef) ?? (await insertRow(client, 'imaging_orders', order));
  const procedureRef = await insertOrFind(
    client,
    'requested_procedures',
    { ...rows.procedure, order_ref: orderRef },
    '(order_ref, requested_procedure_id)',
    'SELECT id FROM requested_procedures WHERE order_ref = $1 AND requested_procedure_id = $2',
    [orderRef, rows.procedure.requested_procedure_id],
  );
  await refuseForeignStudy(client, source, procedureRef, rows);
  const outcomes: StepOutcome[] = [];
  for (const step of rows.steps) outcomes.push(await writeStep(client, source, procedureRef, { ...step, procedure_ref: procedureRef, patient_ref: patientRef }));
  // After the steps, so that a step another source owns refuses the file before anything shared changes.
  const procedureChanged = (await ownedBy(client, source, 'requested_procedures', procedureRef)) && (await updateChanged(client, 'requested_procedures', procedureRef, rows.procedure));
  const orderChanged = (await ownedBy(client, source, 'imaging_orders', orderRef)) && (await updateChanged(client, 'imaging_orders', orderRef, rows.order));
  if (procedureChanged || orderChanged) outcomes.push('updated');
  return outcomes.reduce((a, b) => (STRENGTH[b] > STRENGTH[a] ? b : a), 'unchanged');
}

/** The order by its accession; without one, the patient's accession-less order holding this Requested Procedure ID. */
async function findOrder(client: PoolClient, rows: WorklistRows, patientRef: string): Promise<string | undefined> {
  const accession = rows.order.accession_number;
  if (!accession) {
    const found = await client.query<{ id: string }>(
      `SELECT o.id FROM imaging_orders o JOIN requested_procedures r ON r.order_ref = o.id
        WHERE o.accession_number IS NULL AND o.patient_ref = $1 AND r.requested_procedure_id = $2 LIMIT 1`,
      [patientRef, rows.procedure.requested_procedure_id],
    );
    return found.rows[0]?.id;
  }
  const found = await client.query<{ id: string; patient_ref: string }>('SELECT id, patient_ref FROM imaging_orders WHERE accession_number = $1', [accession]);
  if (found.rows[0] && found.rows[0].patient_ref !== patientRef) throw new WorklistFileError('Accession Number already belongs to another patient');
  return found.rows[0]?.id;
}

async function writeStep(client: PoolClient, source: string, procedureRef: string, step: Record<string, unknown> & { sps_id: string }): Promise<StepOutcome> {
  const { text, values } = insertSql('scheduled_procedure_steps', { ...step, status: 'SCHEDULED' }, 'ON CONFLICT (procedure_ref, sps_id) DO NOTHING');
  const inserted = await client.query<{ id: string }>(text, values);
  if (inserted.rows[0]) {
    await client.query(
      `INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref)
       VALUES ($1, $2, NULL, 'SCHEDULED', 'import', 'import', $3)`,
      [procedureRef, inserted.rows[0].id, source],
    );
    return 'imported';
  }
  const existing = await client.query<{ id: string; source_kind: string | null; source_ref: string | null }>(
    `SELECT s.id, t.source_kind, t.source_ref FROM scheduled_procedure_steps s
       LEFT JOIN LATERAL (SELECT source_kind, source_ref FROM study_transitions WHERE step_ref = s.id ORDER BY id LIMIT 1) t ON true
      WHERE s.procedure_ref = $1 AND s.sps_id = $2`,
    [procedureRef, step.sps_id],
  );
  const found = existing.rows[0];
  if (!found) throw new WorklistFileError('conflicting scheduled_procedure_steps row');
  if (found.source_kind !== 'import' || found.source_ref !== source) {
    const origin = found.source_kind === 'import' ? `file ${found.source_ref}` : `an item from ${found.source_kind ?? 'another source'}`;
    throw new WorklistFileError(`same Accession Number, Requested Procedure ID and SPS ID as ${origin}`);
  }
  const { procedure_ref: _procedure, sps_id: _key, ...columns } = step;
  return (await updateChanged(client, 'scheduled_procedure_steps', found.id, columns)) ? 'updated' : 'unchanged';
}

/** A file naming its own Study Instance UID never joins a requested procedure another source made for another study. */
async function refuseForeignStudy(client: PoolClient, source: string, procedureRef: string, rows: WorklistRows): Promise<void> {
  if (!rows.studyUidGiven) return;
  const r = await client.query<{ study_instance_uid: string }>('SELECT study_instance_uid FROM requested_procedures WHERE id = $1', [procedureRef]);
  if (r.rows[0].study_instance_uid === rows.procedure.study_instance_uid || (await ownedBy(client, source, 'requested_procedures', procedureRef))) return;
  throw new WorklistFileError('same Accession Number and Requested Procedure ID as another item, with another Study Instance UID');
}

const STEPS_UNDER: Record<'requested_procedures' | 'imaging_orders', string> = {
  requested_procedures: 'SELECT id FROM scheduled_procedure_steps WHERE procedure_ref = $1',
  imaging_orders: 'SELECT s.id FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref WHERE r.order_ref = $1',
};

/** Whether every step under the row was created from this file: only then may the file change the row. */
async function ownedBy(client: PoolClient, source: string, table: keyof typeof STEPS_UNDER, ref: string): Promise<boolean> {
  const r = await client.query<{ owned: boolean }>(
    `SELECT NOT EXISTS (
       SELECT 1 FROM (${STEPS_UNDER[table]}) s
        WHERE NOT EXISTS (SELECT 1 FROM study_transitions t WHERE t.step_ref = s.id AND t.event = 'import' AND t.source_ref = $2)
     ) AS owned`,
    [ref, source],
  );
  return r.rows[0].owned;
}

/**
 * UPDATE of the values the file gives, only where one differs; true when the row changed. A value
 * the file no longer has is kept (the file says nothing about it).
 */
async function updateChanged(client: PoolClient, table: string, id: string, columns: Record<string, unknown>): Promise<boolean> {
  const defined = Object.entries(columns).filter(([, v]) => v !== undefined);
  if (defined.length === 0) return false;
  const set = defined.map(([c], i) => `${c} = $${i + 2}`).join(', ');
  const differs = defined.map(([c], i) => `${c} IS DISTINCT FROM $${i + 2}`).join(' OR ');
  const r = await client.query(`UPDATE ${table} SET ${set}, updated_at = now() WHERE id = $1 AND (${differs}) RETURNING id`, [id, ...defined.map(([, v]) => v)]);
  return (r.rowCount ?? 0) > 0;
}

/** INSERT … ON CONFLICT DO NOTHING, then the existing row's id when nothing was inserted. */
async function insertOrFind(client: PoolClient, table: string, columns: Record<string, unknown>, conflict: string, find: string, findValues: unknown[]): Promise<string> {
  const { text, values } = insertSql(table, columns, `ON CONFLICT ${conflict} DO NOTHING`);
  const inserted = await client.query<{ id: string }>(text, values);
  if (inserted.rows[0]) return inserted.rows[0].id;
  const found = await client.query<{ id: string }>(find, findValues);
  if (!found.rows[0]) throw new WorklistFileError(`conflicting ${table} row`);
  return found.rows[0].id;
}

async function insertRow(client: PoolClient, table: string, columns: Record<string, unknown>): Promise<string> {
  const { text, values } = insertSql(table, columns, '');
  return (await client.query<{ id: string }>(text, values)).rows[0].id;
}

/** Column names come from our own mapper, never from the file; values are parameters. */
function insertSql(table: string, columns: Record<string, unknown>, onConflict: string): { text: string; values: unknown[] } {
  const defined = Object.entries(columns).filter(([, v]) => v !== undefined);
  const names = defined.map(([c]) => c).join(', ');
  const marks = defined.map((_, i) => `$${i + 1}`).join(', ');
  return { text: `INSERT INTO ${table} (${names}) VALUES (${marks}) ${onConflict} RETURNING id`, values: defined.map(([, v]) => v) };
}

function refusalReason(err: unknown): string | undefined {
  if (err instanceof WorklistFileError) return err.message;
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505') return `duplicate key (${e.constraint ?? 'unique constraint'})`;
  // 22xxx data exceptions, 23xxx integrity violations: a problem of this file, not of the batch
  if (typeof e.code === 'string' && (e.code.startsWith('22') || e.code.startsWith('23'))) return `value rejected by the database (${e.code})`;
  return undefined;
}
