import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource, migrate } from '@radflow/persistence';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for a spec that must see only its own rows. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const admin = process.env.RADFLOW_ADMIN_DATABASE_URL!;
  const name = `radflow_scratch_${randomBytes(5).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const ds = createDataSource({ url, poolSize: 2 });
  await ds.initialize();
  await migrate(ds);
  await ds.destroy();
  return { url, drop: () => dropDatabase(admin, name) };
}

/**
 * Drops the database once the spec's pools have let go of it. pg's `pool.end()` resolves before
 * the server has seen every connection close; a forced drop at that moment terminates those
 * backends, and the pool still listening on a closing client throws that as an unhandled error.
 * So: wait (up to 5 s) while it is in use (55006), then force.
 */
async function dropDatabase(admin: string, name: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}"`);
    } catch (e) {
      if ((e as { code?: string }).code !== '55006') throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
