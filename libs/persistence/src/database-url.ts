import { startEmbeddedPostgres, RunningEmbeddedPostgres } from './embedded/embedded-postgres';

export interface ResolvedDatabase {
  url: string;
  embedded?: RunningEmbeddedPostgres;
}

/** DATABASE_URL when set; otherwise the embedded cluster under the data directory, with a `radflow` database. */
export async function resolveDatabase(env: { DATABASE_URL?: string; RADFLOW_DATA_DIR: string; EMBEDDED_PG_PORT: number }, log?: (line: string) => void): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: env.RADFLOW_DATA_DIR, port: env.EMBEDDED_PG_PORT, onLog: log });
  await ensureDatabase(embedded.url, 'radflow');
  return { url: embedded.url.replace(/\/postgres$/, '/radflow'), embedded };
}

/** Creates a database when it does not exist (the embedded cluster starts with `postgres` only). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}
