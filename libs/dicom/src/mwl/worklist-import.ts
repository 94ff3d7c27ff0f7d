import type { Pool, PoolClient } from 'pg';
import type { DicomDataset } from '../dimse/dicom-dataset';
import { mapWorklistDataset, WorklistFileError, WorklistRows } from './worklist-import.mapper';

export interface WorklistFile {
  /** File name, kept in the history row as the source of the step. */
  readonly name: string;
  readonly dataset: DicomDataset;
}

export interface ImportedFile {
  readonly name: string;
  /** inserted: at least one new step; existing: every step was already there; rejected: nothing written. */
  readonly outcome: 'inserted' | 'existing' | 'rejected';
  readonly stepsInserted: number;
  /** PHI-free reason for a rejection (which attribute is missing, which key collides). */
  readonly reason?: string;
}

export interface WorklistImportOptions {
  /** imaging_orders.sending_application of imported orders. */
  readonly sendingApplication?: string;
}

/**
 * Core of `import-worklist <folder>`: one transaction per batch of decoded `.wl` files, a
 * savepoint per file so that one bad file is reported and skipped without losing the rest.
 * Idempotent on (Accession Number, Requested Procedure ID, SPS ID): rows that exist are kept as
 * they are, never overwritten, so a re-run after a partial failure is safe. New steps start as
 * SCHEDULED with a history row (event `import`, source the file name).
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
    rows = mapWorklistDataset(file.dataset);
  } catch (err) {
    if (err instanceof WorklistFileError) return { name: file.name, outcome: 'rejected', stepsInserted: 0, reason: err.message };
    throw err;
  }
  await client.query('SAVEPOINT worklist_file');
  try {
    const result = await writeRows(client, file.name, rows, sendingApplication);
    await client.query('RELEASE SAVEPOINT worklist_file');
    return result;
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT worklist_file');
    const reason = rejectionReason(err);
    if (!reason) throw err;
    return { name: file.name, outcome: 'rejected', stepsInserted: 0, reason };
  }
}

async function writeRows(client: PoolClient, name: string, rows: WorklistRows, sendingApplication: string): Promise<ImportedFile> {
  const patientRef = await insertOrFind(
    client,
    'patients',
    rows.patient,
    '(patient_id, issuer)',
    'SELECT COALESCE(merged_into, id) AS id FROM patients WHERE patient_id = $1 AND issuer = $2',
    [rows.patient.patient_id, rows.patient.issuer],
  );
  const existingOrder = await client.query<{ id: string; patient_ref: string }>('SELECT id, patient_ref FROM imaging_orders WHERE accession_number = $1', [rows.order.accession_number]);
  let orderRef: string;
  if (existingOrder.rows[0]) {
    if (existingOrder.rows[0].patient_ref !== patientRef) throw new WorklistFileError('Accession Number already belongs to another patient');
    orderRef = existingOrder.rows[0].id;
  } else {
    orderRef = await insertOrFind(client, 'imaging_orders', { ...rows.order, patient_ref: patientRef, sending_application: sendingApplication }, '(accession_number)', 'SELECT id FROM imaging_orders WHERE accession_number = $1', [rows.order.accession_number]);
  }
  const procedureRef = await insertOrFind(
    client,
    'requested_procedures',
    { ...rows.procedure, order_ref: orderRef },
    '(order_ref, requested_procedure_id)',
    'SELECT id FROM requested_procedures WHERE order_ref = $1 AND requested_procedure_id = $2',
    [orderRef, rows.procedure.requested_procedure_id],
  );
  let stepsInserted = 0;
  for (const step of rows.steps) {
    const { text, values } = insertSql('scheduled_procedure_steps', { ...step, procedure_ref: procedureRef, patient_ref: patientRef, status: 'SCHEDULED' }, '(procedure_ref, sps_id)');
    const inserted = await client.query<{ id: string }>(text, values);
    if (!inserted.rows[0]) continue;
    stepsInserted++;
    await client.query(
      `INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref)
       VALUES ($1, $2, NULL, 'SCHEDULED', 'import', 'import', $3)`,
      [procedureRef, inserted.rows[0].id, name],
    );
  }
  return { name, outcome: stepsInserted > 0 ? 'inserted' : 'existing', stepsInserted };
}

/** INSERT … ON CONFLICT DO NOTHING, then the existing row's id when nothing was inserted. */
async function insertOrFind(client: PoolClient, table: string, columns: Record<string, unknown>, conflict: string, find: string, findValues: unknown[]): Promise<string> {
  const { text, values } = insertSql(table, columns, conflict);
  const inserted = await client.query<{ id: string }>(text, values);
  if (inserted.rows[0]) return inserted.rows[0].id;
  const found = await client.query<{ id: string }>(find, findValues);
  if (!found.rows[0]) throw new WorklistFileError(`conflicting ${table} row`);
  return found.rows[0].id;
}

/** Column names come from our own mapper, never from the file; values are parameters. */
function insertSql(table: string, columns: Record<string, unknown>, conflict: string): { text: string; values: unknown[] } {
  const defined = Object.entries(columns).filter(([, v]) => v !== undefined);
  const names = defined.map(([c]) => c).join(', ');
  const marks = defined.map((_, i) => `$${i + 1}`).join(', ');
  return { text: `INSERT INTO ${table} (${names}) VALUES (${marks}) ON CONFLICT ${conflict} DO NOTHING RETURNING id`, values: defined.map(([, v]) => v) };
}

function rejectionReason(err: unknown): string | undefined {
  if (err instanceof WorklistFileError) return err.message;
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505') return `duplicate key (${e.constraint ?? 'unique constraint'})`;
  // 22xxx data exceptions, 23xxx integrity violations: a problem of this file, not of the batch
  if (typeof e.code === 'string' && (e.code.startsWith('22') || e.code.startsWith('23'))) return `value rejected by the database (${e.code})`;
  return undefined;
}
