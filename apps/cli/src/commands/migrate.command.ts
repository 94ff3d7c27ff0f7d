import { Env } from '@radflow/config';
import { createDataSource, migrate, resolveDatabase } from '@radflow/persistence';

/** `migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
export async function migrateCommand(env: Readonly<Env>): Promise<number> {
  const db = await resolveDatabase(env);
  const ds = createDataSource({ url: db.url, poolSize: 2 });
  try {
    await ds.initialize();
    const applied = await migrate(ds);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await ds.destroy().catch(() => undefined);
    await db.embedded?.stop();
  }
}
