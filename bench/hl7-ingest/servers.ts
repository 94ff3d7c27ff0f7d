import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { MllpServer, NOOP_MLLP_LOGGER } from '@radflow/hl7';
import { runClosedLoop, RunResult } from './load';

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

// a bench that dies half-way must not leave Radflow processes behind
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

export interface RadflowChild {
  hl7Port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The built all-in-one process as it runs in production (LOG_LEVEL=warn, no demo data), on its own
 * database. `nodeArgs` lets a profiling run add --cpu-prof; the profile is written on SIGTERM exit.
 */
export async function startRadflow(repoRoot: string, databaseUrl: string, nodeArgs: string[] = []): Promise<RadflowChild> {
  const [hl7Port, httpPort, dicomPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [...nodeArgs, resolve(repoRoot, 'dist/apps/radflow/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, HL7_PORT: String(hl7Port), HTTP_PORT: String(httpPort),
      DICOM_PORT: String(dicomPort), LOG_LEVEL: 'warn', RADFLOW_DEMO_DATA: '0',
      ...(process.env.DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.DB_POOL_SIZE } : {}),
      // the production set-up: BullMQ on Redis instead of its PostgreSQL backend
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`radflow exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`radflow not healthy after 60 s:\n${out}`);
    const ok = await fetch(`http://127.0.0.1:${httpPort}/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { hl7Port, child, stop: async () => (child.kill('SIGTERM'), exited) };
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

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}
