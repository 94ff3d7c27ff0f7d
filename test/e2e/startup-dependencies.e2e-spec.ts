import { createServer, connect, Server, Socket } from 'node:net';
import { Client } from 'pg';
import { omiO23 } from '@radflow/testing';
import { freePort } from '../support/free-port';
import { parseAck, sendRaw } from '../support/hl7-peers';
import { spawnRadflow, startRadflow, waitForHealth } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

// Start-up against dependencies that are not there (yet), and a database that drops our
// connections while we run. The built process, real PostgreSQL, real sockets.

jest.setTimeout(60_000); // each case starts the built process

const STACK_FRAME = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

/** A TCP forwarder to `target`, started on `port` only when asked: the database "comes up". */
async function forwardTo(port: number, target: { host: string; port: number }): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(target);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (sockets.delete(s), inbound.destroy(), outbound.destroy()));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** Accepts and at once closes every connection, counting them: a dependency that never answers. */
async function countingRefuser(): Promise<{ port: number; attempts: () => number; close: () => void }> {
  let attempts = 0;
  const server = createServer((s) => (attempts++, s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, attempts: () => attempts, close: () => server.close() };
}

let seq = 0;
/** An order of its own each time: accession and Study Instance UID never seen before. */
const order = (): Buffer => {
  const n = `${Date.now().toString(36)}${++seq}`.toUpperCase();
  return Buffer.from(omiO23({ accession: `SD${n}`.slice(0, 16), studyInstanceUid: `2.25.${Date.now()}${seq}` }), 'utf8');
};

const linesOf = (output: string, variable: string): string[] => output.split('\n').filter((l) => l.startsWith(`${variable}:`));

describe('start-up dependencies and lost connections (e2e)', () => {
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await createScratchDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('DATABASE_URL at a closed port: one clear line with the host, no stack trace, no password, exit 1 at the deadline', async () => {
    const port = await freePort();
    const proc = await spawnRadflow({ DATABASE_URL: `postgres://radflow:s3cr3t-pw@127.0.0.1:${port}/radflow`, STARTUP_RETRY_DEADLINE_MS: '3000' });
    const code = await proc.exited;
    const out = proc.output();
    expect(code).toBe(1);
    const lines = linesOf(out, 'DATABASE_URL');
    // the time left of the start-up deadline, which every dependency shares
    expect(lines[0]).toMatch(new RegExp(`^DATABASE_URL: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); retrying for up to \\d+(\\.\\d)? s$`));
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^DATABASE_URL: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); gave up after [\\d.]+ s`));
    expect(lines).toHaveLength(2); // the same reason is not repeated at every attempt
    expect(out).not.toMatch(STACK_FRAME);
    expect(out).not.toContain('s3cr3t-pw');
    expect(out).not.toMatch(/ExceptionHandler|triggerUncaughtException/);
  });

  it('keeps retrying with backoff until the deadline, then exits 1', async () => {
    const refuser = await countingRefuser();
    try {
      const proc = await spawnRadflow({ DATABASE_URL: `postgres://radflow@127.0.0.1:${refuser.port}/radflow`, STARTUP_RETRY_DEADLINE_MS: '3000' });
      expect(await proc.exited).toBe(1);
      // 0.5 s doubling within 3 s: attempts at about 0, 0.5, 1.5 and 3 s.
      expect(refuser.attempts()).toBeGreaterThanOrEqual(3);
      // a close racing the startup packet may reach the client as a reset
      expect(linesOf(proc.output(), 'DATABASE_URL')[0]).toMatch(new RegExp(`^DATABASE_URL: cannot reach 127\\.0\\.0\\.1:${refuser.port} \\((connection closed|ECONNRESET)\\); retrying`));
      expect(proc.output()).not.toMatch(STACK_FRAME);
    } finally {
      refuser.close();
    }
  });

  it('becomes healthy when the database comes up during the retry window', async () => {
    const real = new URL(db.url);
    const port = await freePort();
    const viaProxy = new URL(db.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(port);
    const proc = await spawnRadflow({ DATABASE_URL: viaProxy.toString(), STARTUP_RETRY_DEADLINE_MS: '60000' });
    let proxy: Server | undefined;
    try {
      for (let i = 0; i < 300 && linesOf(proc.output(), 'DATABASE_URL').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(linesOf(proc.output(), 'DATABASE_URL')[0]).toMatch(/cannot reach .* \(ECONNREFUSED\); retrying for up to \d+(\.\d)? s$/);
      expect(proc.child.exitCode).toBeNull();
      proxy = await forwardTo(port, { host: real.hostname, port: Number(real.port || 5432) });
      await waitForHealth(proc.httpPort, proc.child, proc.output);
      expect(linesOf(proc.output(), 'DATABASE_URL')[1]).toMatch(new RegExp(`^DATABASE_URL: reached 127\\.0\\.0\\.1:${port} after [\\d.]+ s$`));
      const ack = parseAck(await sendRaw(proc.hl7Port, order()));
      expect(ack.code).toBe('AA');
    } finally {
      await proc.stop();
      proxy?.close();
    }
  });

  it('REDIS_URL at a closed port: one clear line naming REDIS_URL and the host, exit 1 at the deadline', async () => {
    const port = await freePort();
    const proc = await spawnRadflow({ DATABASE_URL: db.url, REDIS_URL: `redis://:r3dis-pw@127.0.0.1:${port}`, STARTUP_RETRY_DEADLINE_MS: '3000' });
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    const lines = linesOf(out, 'REDIS_URL');
    // the time left of the start-up deadline, which every dependency shares
    expect(lines[0]).toMatch(new RegExp(`^REDIS_URL: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); retrying for up to \\d+(\\.\\d)? s$`));
    expect(lines[lines.length - 1]).toMatch(/gave up after [\d.]+ s/);
    expect(linesOf(out, 'DATABASE_URL')).toEqual([]); // the database was there all along
    expect(out).not.toMatch(STACK_FRAME);
    expect(out).not.toContain('r3dis-pw');
  });

  it('survives pg_terminate_backend() on all its connections and ACKs the next message', async () => {
    const proc = await startRadflow({ DATABASE_URL: db.url });
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const database = new URL(db.url).pathname.slice(1);
    const send = async () => parseAck(await sendRaw(proc.hl7Port, order()));
    try {
      expect((await send()).code).toBe('AA');
      const ours = `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`;
      const before = (await sql.query(ours, [database])).rows.map((r) => r.pid as number);
      expect(before.length).toBeGreaterThan(0);
      const terminated = await sql.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE pid = ANY($1) AND datname = $2', [before, database]);
      expect(terminated.rows.every((r) => r.ok)).toBe(true);
      // wait until the server has ended them all (new ones the pools open have other pids)
      for (let i = 0; i < 100; i++) {
        const left = (await sql.query(ours, [database])).rows.filter((r) => before.includes(r.pid));
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 500)); // let each client see its FATAL and the pools react
      expect(proc.child.exitCode).toBeNull();
      expect((await send()).code).toBe('AA');
      await waitForHealth(proc.httpPort, proc.child, proc.output);
      expect(proc.output()).not.toMatch(/uncaught|triggerUncaughtException/i);
    } finally {
      await sql.end();
      await proc.stop();
    }
  });
});
