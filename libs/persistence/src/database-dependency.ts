import { Client } from 'pg';
import { StartupDependency, urlTarget } from '@radflow/config';

/** DATABASE_URL as a start-up dependency: a real connection and `SELECT 1`, so a wrong password or database name counts too. Null for the embedded cluster. */
export function databaseDependency(env: { DATABASE_URL?: string }): StartupDependency | null {
  const url = env.DATABASE_URL;
  if (!url) return null;
  return {
    variable: 'DATABASE_URL',
    target: urlTarget(url, 5432),
    probe: async (timeoutMs) => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'radflow-startup' });
      client.on('error', () => undefined); // the failure is what connect() rejects with
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}
