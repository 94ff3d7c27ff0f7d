import { DomainError, DomainErrorCode, ImportItemOutcome, ImportWorklistItem, ImportWorklistItemCommand, UnitOfWork } from '@radflow/domain';
import type { DicomDataset } from '../dimse/dicom-dataset';
import { mapWorklistDataset, WorklistFileError } from './worklist-import.mapper';

export interface WorklistFile {
  /**
   * Where the file comes from, `<folder name>/<file name>`: the source of the history rows of the
   * steps it creates, it is the file's identity on a re-run and the seed of the ids it lacks.
   */
  readonly name: string;
  readonly dataset: DicomDataset;
}

/**
 * imported: at least one new step; updated: its steps were there (from this same file) and some
 * value changed; unchanged: they were there as they are; refused: nothing written.
 */
export type ImportOutcome = ImportItemOutcome | 'refused';

export interface ImportedFile {
  readonly name: string;
  readonly outcome: ImportOutcome;
  /** PHI-free reason for a refusal (which attribute is missing, which key collides with what). */
  readonly reason?: string;
}

export interface WorklistImportOptions {
  /** The placing system recorded on imported orders (imaging_orders.sending_application). */
  readonly sendingApplication?: string;
}

/** Files per transaction: a commit per file would cost a WAL flush per file. */
const BATCH = 100;
/** A transaction that lost a race for a step (40001) or a deadlock (40P01) is tried again. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 3;

type Mapped = { file: WorklistFile; cmd: ImportWorklistItemCommand } | { file: WorklistFile; refused: string };

/**
 * Core of `import-worklist <folder>`: each decoded `.wl` file is mapped to an import command and
 * run through the import use case (ImportWorklistItem: the order use case, with the rules a file
 * lives by). Files go in batches, one unit of work each; when something in a batch fails, the
 * batch is rolled back and run again one unit of work per file, so that a refused file is
 * reported with its reason and the others are kept. Files are taken in the order given: of two
 * files with the same keys the first one imported keeps them.
 */
export async function importWorklistFiles(uow: UnitOfWork, files: readonly WorklistFile[], options: WorklistImportOptions = {}): Promise<ImportedFile[]> {
  const useCase = new ImportWorklistItem(options.sendingApplication ?? 'WORKLIST-IMPORT');
  const results: ImportedFile[] = [];
  for (let i = 0; i < files.length; i += BATCH) results.push(...(await importBatch(uow, useCase, files.slice(i, i + BATCH).map(mapped))));
  return results;
}

async function importBatch(uow: UnitOfWork, useCase: ImportWorklistItem, batch: Mapped[]): Promise<ImportedFile[]> {
  const items = batch.flatMap((m) => ('cmd' in m ? [m] : []));
  let outcomes: Map<WorklistFile, ImportItemOutcome>;
  try {
    outcomes = await uow.run(async (tx) => {
      const done = new Map<WorklistFile, ImportItemOutcome>();
      for (const { file, cmd } of items) done.set(file, await useCase.execute(tx, cmd));
      return done;
    });
  } catch {
    // which file failed, and whether it is the file's fault, only a transaction of its own can tell
    const results: ImportedFile[] = [];
    for (const m of batch) results.push('cmd' in m ? await importOne(uow, useCase, m.file, m.cmd) : refused(m.file, m.refused));
    return results;
  }
  return batch.map((m) => ('cmd' in m ? { name: m.file.name, outcome: outcomes.get(m.file)! } : refused(m.file, m.refused)));
}

async function importOne(uow: UnitOfWork, useCase: ImportWorklistItem, file: WorklistFile, cmd: ImportWorklistItemCommand): Promise<ImportedFile> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { name: file.name, outcome: await uow.run((tx) => useCase.execute(tx, cmd)) };
    } catch (err) {
      if (attempt < ATTEMPTS && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
      const reason = refusalReason(err);
      if (!reason) throw err;
      return refused(file, reason);
    }
  }
}

function mapped(file: WorklistFile): Mapped {
  try {
    return { file, cmd: mapWorklistDataset(file.dataset, file.name) };
  } catch (err) {
    if (err instanceof WorklistFileError) return { file, refused: err.message };
    throw err;
  }
}

function refused(file: WorklistFile, reason: string): ImportedFile {
  return { name: file.name, outcome: 'refused', reason };
}

/** The import's domain refusals in the words of a worklist file: code, then what the error is about. */
const REFUSALS: Record<string, (e: DomainError) => string> = {
  [`${DomainErrorCode.DuplicateOrder} order.accessionNumber`]: () => 'Accession Number already belongs to another patient',
  [`${DomainErrorCode.DuplicateOrder} requested-procedure.requestedProcedureId`]: () =>
    'same Accession Number and Requested Procedure ID as another item, with another Study Instance UID',
  [`${DomainErrorCode.DuplicateOrder} requested-procedure.studyInstanceUid`]: () => 'Study Instance UID already used by another requested procedure',
  [`${DomainErrorCode.UnchangeableValue} requested-procedure.studyInstanceUid`]: () => 'Study Instance UID differs from the one this file was imported with',
  [`${DomainErrorCode.DuplicateOrder} procedure-step.spsId`]: (e) =>
    `same Accession Number, Requested Procedure ID and SPS ID as ${e.ref?.file ? `file ${e.ref.file}` : `an item from ${e.ref?.createdBy ?? 'another source'}`}`,
};

/** Why the file is refused, PHI-free; undefined when the failure is not the file's (the import stops). */
function refusalReason(err: unknown): string | undefined {
  if (err instanceof DomainError) {
    const wording = REFUSALS[`${err.code} ${err.subject?.entity}.${err.subject?.attribute}`];
    // domain messages name the rule and internal ids, never a value
    return wording ? wording(err) : err.message;
  }
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505') return `duplicate key (${e.constraint ?? 'unique constraint'})`;
  // 22xxx data exceptions, 23xxx integrity violations: a problem of this file, not of the batch
  if (typeof e.code === 'string' && (e.code.startsWith('22') || e.code.startsWith('23'))) return `value rejected by the database (${e.code})`;
  return undefined;
}
