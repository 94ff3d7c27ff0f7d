import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@radflow/persistence';
import { freePort } from './servers';

export interface BenchPostgres {
  /** 'embedded' or the DATABASE_URL host. */
  kind: string;
  /** The server's pid when it is ours (embedded), to count its CPU; else null. */
  postmasterPid: number | null;
  version: string;
  /**
   * Restarts our own cluster with pg_stat_statements loaded (planning time tracked too); false for
   * a DATABASE_URL server, whose settings are not ours to change.
   */
  enableStatementStats(): Promise<boolean>;
  /** A fresh, empty database; dropped again by close(). */
  createDatabase(label: string): Promise<string>;
  close(): Promise<void>;
}

/** DATABASE_URL's server when set, else a private embedded cluster in a temporary folder. */
export async function openBenchPostgres(): Promise<BenchPostgres> {
  const external = process.env.DATABASE_URL;
  let adminUrl: string;
  let stop = async (): Promise<void> => undefined;
  let pidFile: string | null = null;
  let restart: (() => Promise<void>) | null = null;
  if (external) adminUrl = external;
  else {
    const dataDir = mkdtempSync(join(tmpdir(), 'radflow-bench-pg-'));
    const port = await freePort();
    let pg = await startEmbeddedPostgres({ dataDir, port });
    adminUrl = pg.url;
    pidFile = join(dataDir, 'pg', 'postmaster.pid');
    stop = async () => (await pg.stop(), rmSync(dataDir, { recursive: true, force: true }));
    restart = async () => (await pg.stop(), (pg = await startEmbeddedPostgres({ dataDir, port })), undefined);
  }
  const created: string[] = [];
  const admin = async (sql: string): Promise<string> => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try {
      const res = await c.query(sql);
      return String(res.rows[0] ? Object.values(res.rows[0])[0] : '');
    } finally {
      await c.end();
    }
  };
  const version = await admin('SHOW server_version');
  const settings = await admin(`SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method')`);
  const postmasterPid = () => (pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : null);
  const bench: BenchPostgres = {
    kind: external ? `DATABASE_URL (${new URL(external).hostname})` : 'embedded',
    postmasterPid: postmasterPid(),
    version: `${version} (${settings})`,
    async enableStatementStats(): Promise<boolean> {
      if (!restart) return false;
      await admin(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
      await admin(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
      await restart();
      bench.postmasterPid = postmasterPid();
      return true;
    },
    async createDatabase(label: string): Promise<string> {
      const name = `radflow_bench_${process.pid}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin(`CREATE DATABASE "${name}"`);
      created.push(name);
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async close(): Promise<void> {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await stop();
    },
  };
  return bench;
}
