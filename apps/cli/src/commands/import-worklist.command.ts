import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Env } from '@radflow/config';
import { ImportOutcome, importWorklistFiles, readWorklistFile, WorklistFile } from '@radflow/dicom';
import { createDataSource, migrate, PgUnitOfWork, resolveDatabase } from '@radflow/persistence';

const BATCH = 500;
/** Some file was refused: the others are in, the listed ones need a look (README). */
export const EXIT_SOME_REFUSED = 3;

type Outcome = ImportOutcome | 'skipped';
const OUTCOMES: readonly Outcome[] = ['imported', 'updated', 'unchanged', 'skipped', 'refused'];

/** A folder entry before import: a `.wl` file to read, or why it is left alone. */
type Entry = { source: string; path: string } & ({ skip?: undefined } | { skip: string });

/**
 * `import-worklist <folder>`: loads the DICOM worklist files (.wl) that DCMTK wlmscpfs or Orthanc
 * serve as scheduled steps, so a site can move over. Every entry of the folder ends up counted:
 * imported, updated, unchanged, skipped (not a `.wl` file) or refused (listed with its reason,
 * PHI-free); the exit code is 0 when nothing was refused, 3 when something was. Re-running it is
 * safe: each file is known by `<folder name>/<file name>`.
 */
export async function importWorklistCommand(env: Readonly<Env>, args: string[]): Promise<number> {
  const folder = args[0];
  if (!folder) {
    process.stderr.write('usage: npm run cli -- import-worklist <folder>\n');
    return 2;
  }
  const entries = folderEntries(folder);
  const db = await resolveDatabase(env);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  // files are imported one after the other, one transaction each: one connection is all it uses
  const uow = new PgUnitOfWork(db.url, 1, { statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS, idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS });
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const report = (source: string, outcome: Outcome, reason?: string): void => {
    counts[outcome]++;
    if (reason) process.stdout.write(`${source}: ${outcome} (${reason})\n`);
  };
  try {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch: WorklistFile[] = [];
      for (const entry of entries.slice(i, i + BATCH)) {
        if (entry.skip !== undefined) {
          report(entry.source, 'skipped', entry.skip);
          continue;
        }
        try {
          batch.push({ name: entry.source, dataset: readWorklistFile(readFileSync(entry.path)) });
        } catch (e) {
          report(entry.source, 'refused', `unreadable: ${unreadableReason(e)}`);
        }
      }
      for (const r of await importWorklistFiles(uow, batch)) report(r.name, r.outcome, r.reason);
    }
  } finally {
    await uow.close();
    await db.embedded?.stop();
  }
  process.stdout.write(`${entries.length} entries: ${OUTCOMES.map((o) => `${counts[o]} ${o}`).join(', ')}\n`);
  return counts.refused > 0 ? EXIT_SOME_REFUSED : 0;
}

/** The folder's entries in name order, not descending into sub-folders (wlmscpfs does not either). */
function folderEntries(folder: string): Entry[] {
  const name = basename(resolve(folder));
  return readdirSync(folder)
    .sort()
    .map((file): Entry => {
      const path = join(folder, file);
      const source = `${name}/${file}`;
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) return { source, path, skip: 'gone or a broken link' };
      if (stat.isDirectory()) return { source, path, skip: 'a folder, not read' };
      if (!stat.isFile()) return { source, path, skip: 'not a regular file' };
      if (!/\.wl$/i.test(file)) return { source, path, skip: 'not a .wl file' };
      return { source, path };
    });
}

/** The decoder's and the file system's messages name offsets, tags and error codes, never values. */
function unreadableReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
