import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as any).__RADFLOW_EMBEDDED_PG__;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const admin = process.env.RADFLOW_ADMIN_DATABASE_URL;
  const name = process.env.RADFLOW_TEST_DATABASE;
  if (!admin || !name) return;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  await client.end();
}
