import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, migrate } from '../libs/persistence/src/data-source';
import { ensureDatabase } from '../libs/persistence/src/database-url';
import { startEmbeddedPostgres } from '../libs/persistence/src/embedded/embedded-postgres';
import { freePort } from './support/free-port';

/**
 * One Postgres for the whole run: a private embedded cluster, or the server in DATABASE_URL when
 * it is set. Either way the suite gets a fresh database, migrated once with the real migrations.
 */
export default async function globalSetup(): Promise<void> {
  const name = `radflow_test_${process.pid}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'radflow-test-'));
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    (globalThis as any).__RADFLOW_EMBEDDED_PG__ = pg;
    adminUrl = pg.url;
  }
  await ensureDatabase(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  process.env.RADFLOW_ADMIN_DATABASE_URL = adminUrl;
  process.env.DATABASE_URL = url;
  process.env.RADFLOW_TEST_DATABASE = name;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
