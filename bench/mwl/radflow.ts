import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@radflow/persistence';
import { freePort, RadflowChild, spawnRadflow } from '../common/radflow-child';

export { freePort };
export type { RadflowChild };

/** Postgres for the bench: a private embedded cluster, or the server in DATABASE_URL. */
export interface BenchPostgres {
  kind: string;
  version: string;
  /** The postmaster and its children when the cluster is ours (embedded); [] for DATABASE_URL. */
  serverPids(): number[];
  /** A new database, optionally a copy of `template` (which must have no connections). */
  createDatabase(name: string, template?: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPostgres(): Promise<BenchPostgres> {
  let adminUrl = process.env.DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  let pidFile: string | null = null;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'radflow-mwl-bench-pg-'));
    pidFile = join(dataDir, 'pg', 'postmaster.pid');
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = pg.url;
    stop = async () => (await pg.stop(), rmSync(dataDir, { recursive: true, force: true }));
  }
  const created: string[] = [];
  const admin = (sql: string) => query(adminUrl!, sql);
  const version = String((await admin('SHOW server_version'))[0].server_version);
  return {
    kind: process.env.DATABASE_URL ? `DATABASE_URL (${new URL(adminUrl).hostname})` : 'embedded',
    version,
    serverPids: () => (pidFile && existsSync(pidFile) ? withChildren(Number(readFileSync(pidFile, 'utf8').split('\n')[0])) : []),
    async createDatabase(name, template) {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
      created.push(name);
      const u = new URL(adminUrl!);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async close() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await stop();
    },
  };
}

/** A process and its direct children (Postgres backends are children of the postmaster). */
function withChildren(pid: number): number[] {
  const out = [pid];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) out.push(Number(p));
    } catch {
      // gone
    }
  }
  return out;
}

export async function query(url: string, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, values)).rows;
  } finally {
    await c.end();
  }
}


/** `node dist/apps/cli/src/main.js import-worklist <folder>`: the path a site moving off wlmscpfs takes. */
export function importWorklist(repo: string, databaseUrl: string, folder: string): { seconds: number; summary: string } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [resolve(repo, 'dist/apps/cli/src/main.js'), 'import-worklist', folder], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`import-worklist failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return { seconds: (Date.now() - t0) / 1000, summary: r.stdout.trim() };
}

/**
 * The built all-in-one process as in production, called AE PEERWL like the peers.
 * MWL_MAX_ANSWERS is raised so that the 1M run's big answers (Q2, Q4) are measured instead of being
 * cut at the default cap of 10,000 with A700.
 */
export function startRadflow(repo: string, databaseUrl: string, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<RadflowChild> {
  return spawnRadflow(repo, databaseUrl, { DICOM_AE_TITLE: 'PEERWL', MWL_MAX_ANSWERS: '1000000', TCP_NODELAY: '1', ...env }, nodeArgs);
}

/** Tables copied by `multiply`, parents first; `map` names the old → new id table of each copy. */
const COPIES: ReadonlyArray<{ table: string; map?: string; parents: ReadonlyArray<[column: string, map: string, nullable?: boolean]>; shifted: readonly string[] }> = [
  { table: 'patients', map: 'pm', parents: [], shifted: ['patient_id'] },
  { table: 'imaging_orders', map: 'om', parents: [['patient_ref', 'pm']], shifted: ['accession_number'] },
  { table: 'requested_procedures', map: 'rm', parents: [['order_ref', 'om']], shifted: ['requested_procedure_id'] },
  { table: 'scheduled_procedure_steps', map: 'sm', parents: [['procedure_ref', 'rm'], ['patient_ref', 'pm']], shifted: ['sps_id'] },
  { table: 'study_transitions', parents: [['procedure_ref', 'rm'], ['step_ref', 'sm', true]], shifted: [] },
];

/**
 * Turns a database loaded by import-worklist with `n` generated items into one with `factor × n`
 * by INSERT … SELECT: copy k of item i gets the identifiers of item i + k·n (P0000001 → P0100001,
 * A00000001 → A00100001, …) and a Study Instance UID with `.k` appended; every other column is
 * the imported value. So the big database has exactly the shape and distributions of the imported
 * ones, at a fraction of the time 1M .wl files take to write and import.
 */
export async function multiply(url: string, n: number, factor: number, log: (s: string) => void): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const shift = (col: string): string =>
      `COALESCE(regexp_replace(t.${col}, '[0-9]+$', '') || lpad((substring(t.${col} from '[0-9]+$')::bigint + k.k * ${n})::text, length(substring(t.${col} from '[0-9]+$')), '0'), t.${col} || '.' || k.k)`;
    for (const copy of COPIES) {
      const t0 = Date.now();
      const columns = (await c.query<{ column_name: string; column_default: string | null }>(
        `SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [copy.table],
      )).rows;
      if (copy.map) {
        await c.query(`CREATE TEMP TABLE ${copy.map} AS SELECT t.id AS old, k.k, gen_random_uuid() AS new FROM ${copy.table} t CROSS JOIN generate_series(1, ${factor - 1}) AS k(k)`);
        await c.query(`CREATE INDEX ON ${copy.map} (old, k)`);
      }
      const exprs: string[] = [];
      const names: string[] = [];
      for (const { column_name: col, column_default: def } of columns) {
        if (col === 'id' && !copy.map) continue; // bigserial: a new one
        names.push(col);
        const parent = copy.parents.find(([p]) => p === col);
        if (col === 'id') exprs.push('k.new');
        else if (parent) exprs.push(`${parent[1]}.new`);
        else if (copy.shifted.includes(col)) exprs.push(shift(col));
        else if (col === 'study_instance_uid') exprs.push(`t.${col} || '.' || k.k`);
        else if (col === 'merged_into') exprs.push('NULL');
        else exprs.push(def?.startsWith('now()') ? 'now()' : `t.${col}`);
      }
      const from = copy.map ? `${copy.table} t JOIN ${copy.map} k ON k.old = t.id` : `${copy.table} t CROSS JOIN generate_series(1, ${factor - 1}) AS k(k)`;
      const joins = copy.parents.map(([col, map, nullable]) => `${nullable ? 'LEFT ' : ''}JOIN ${map} ON ${map}.old = t.${col} AND ${map}.k = k.k`);
      const inserted = await c.query(`INSERT INTO ${copy.table} (${names.join(', ')}) SELECT ${exprs.join(', ')} FROM ${from} ${joins.join(' ')}`);
      log(`  ${copy.table}: +${inserted.rowCount} rows in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    const t0 = Date.now();
    await c.query('VACUUM ANALYZE');
    log(`  VACUUM ANALYZE in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await c.end();
  }
}
