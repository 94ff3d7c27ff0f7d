import { Pool } from 'pg';
import { MllpServer, NOOP_MLLP_LOGGER } from '@radflow/hl7';
import { runClosedLoop, RunResult } from './load';
import { freePort, RadflowChild, spawnRadflow } from '../common/radflow-child';

export { freePort };

const CANNED_ACK = Buffer.from('MSH|^~\\&|RADFLOW|RADIOLOGY|RIS|HOSP_A|20261122120000||ACK^O23^ACK|ECHO|P|2.5.1\rMSA|AA|ECHO\r', 'latin1');

/** The upper bound: our own MLLP listener with a handler that stores nothing and ACKs at once. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new MllpServer({
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 4 * 1024 * 1024,
    idleTimeoutMs: 600_000,
    maxConnections: 64,
    logger: NOOP_MLLP_LOGGER,
    onMessage: async () => CANNED_ACK,
  });
  await server.listen();
  return { port: server.address()!.port, close: () => server.close() };
}

/**
 * The built all-in-one process as it runs in production, on its own database. `nodeArgs` lets a
 * profiling run add --cpu-prof. REDIS_URL and DB_POOL_SIZE pass through (BullMQ on Redis is the
 * production set-up).
 */
export function startRadflow(repoRoot: string, databaseUrl: string, nodeArgs: string[] = []): Promise<RadflowChild> {
  const env: Record<string, string> = {};
  for (const key of ['DB_POOL_SIZE', 'REDIS_URL'] as const) if (process.env[key]) env[key] = process.env[key]!;
  return spawnRadflow(repoRoot, databaseUrl, env, nodeArgs);
}

/**
 * The Postgres floor: what a durable ACK-after-commit costs at the least, one single-row INSERT of
 * the raw message committed on its own (autocommit: one round trip, one WAL flush), no MLLP.
 * The pool stays open across runs so its backends' CPU is still countable when a run ends.
 */
export async function openPgFloor(databaseUrl: string, connections: number): Promise<{ run(messages: Buffer[]): Promise<RunResult>; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: connections });
  await pool.query('DROP TABLE IF EXISTS bench_raw_messages');
  await pool.query('CREATE TABLE bench_raw_messages (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), raw bytea NOT NULL)');
  return {
    async run(messages: Buffer[]): Promise<RunResult> {
      await pool.query('TRUNCATE bench_raw_messages');
      return runClosedLoop(messages.length, connections, async () => {
        const client = await pool.connect();
        return {
          op: async (i) => (await client.query('INSERT INTO bench_raw_messages (raw) VALUES ($1)', [messages[i]]), 'ok'),
          close: () => client.release(),
        };
      });
    },
    close: () => pool.end(),
  };
}
