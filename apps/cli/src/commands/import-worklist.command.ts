import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Env } from '@radflow/config';
import { importWorklistFiles, readWorklistFile, WorklistFile } from '@radflow/dicom';
import { createDataSource, migrate, resolveDatabase } from '@radflow/persistence';

const BATCH = 500;

/**
 * `import-worklist <folder>`: loads the DICOM worklist files (.wl) that DCMTK wlmscpfs or Orthanc
 * serve as scheduled steps, so a site can move over. Re-running it is safe.
 */
export async function importWorklistCommand(env: Readonly<Env>, args: string[]): Promise<number> {
  const folder = args[0];
  if (!folder) {
    process.stderr.write('usage: npm run cli -- import-worklist <folder>\n');
    return 2;
  }
  const files = readdirSync(folder).filter((f) => /\.wl$/i.test(f) && statSync(join(folder, f)).isFile()).sort();
  const db = await resolveDatabase(env);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const counts = { inserted: 0, existing: 0, rejected: 0, unreadable: 0 };
  try {
    for (let i = 0; i < files.length; i += BATCH) {
      const batch: WorklistFile[] = [];
      for (const name of files.slice(i, i + BATCH)) {
        try {
          batch.push({ name, dataset: readWorklistFile(readFileSync(join(folder, name))) });
        } catch (e) {
          counts.unreadable++;
          process.stderr.write(`${name}: unreadable (${(e as Error).message})\n`);
        }
      }
      for (const r of await importWorklistFiles(pool, batch)) {
        counts[r.outcome]++;
        if (r.outcome === 'rejected') process.stderr.write(`${r.name}: rejected (${r.reason})\n`);
      }
    }
  } finally {
    await pool.end();
    await db.embedded?.stop();
  }
  process.stdout.write(`${files.length} files: ${counts.inserted} imported, ${counts.existing} already there, ${counts.rejected} rejected, ${counts.unreadable} unreadable\n`);
  return counts.rejected + counts.unreadable > 0 ? 1 : 0;
}
