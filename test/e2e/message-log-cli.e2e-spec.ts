import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { omiO23 } from '@radflow/testing';
import { mllpSend, parseAck } from '../support/hl7-peers';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

const CLI = resolve(__dirname, '../../dist/apps/cli/src/main.js');

/** The built CLI against the database of a running process that received the messages over MLLP. */
function runCli(args: string[], databaseUrl: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl }, timeout: 30000 }, (error, out, err) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
    ),
  );
}

describe('message log CLI against a running process (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('lists what was sent without PHI, and shows one message in full with an audit row', async () => {
    const uid = (n: number) => `2.25.${process.pid}${Date.now()}${n}`;
    const acks = await mllpSend(radflow.hl7Port, [
      omiO23({ controlId: 'E2ELOG1', accession: 'E2ELOGACC1', patientId: 'SYNE2E0001', name: 'E2ESENTINEL^ALMA', studyInstanceUid: uid(1) }),
      omiO23({ controlId: 'E2ELOG2', accession: 'E2ELOGACC2', patientId: 'SYNE2E0002', name: 'E2ESENTINEL^BRUNO', orderControl: 'XY', studyInstanceUid: uid(2) }),
    ]);
    expect(acks.map((a) => parseAck(a).code)).toEqual(['AA', 'AE']);

    const listed = await runCli(['messages', '--since', '10m'], db.url);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/E2ELOG2 .* AE +refused\n {4}error \d+: order control/);
    expect(listed.out).toMatch(/E2ELOG1 .* AA +applied\n/);
    expect(listed.out).not.toMatch(/SYNE2E|E2ESENTINEL/);

    const json = await runCli(['messages', '--outcome', 'applied', '--json'], db.url);
    const [applied] = JSON.parse(json.out).messages;
    expect(applied).toMatchObject({ controlId: 'E2ELOG1', ackCode: 'AA', peer: expect.any(String) });

    const shown = await runCli(['message', applied.id, '--user', 'e2e-operator'], db.url);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('patient     SYNE2E0001 (HOSP_A) E2ESENTINEL^ALMA');
    expect(shown.out).toMatch(/MSA\|AA\|E2ELOG1/);
    expect(shown.out).toMatch(/order\.placed {2}- -> SCHEDULED .*accession E2ELOGACC1/);
    const { rows } = await sql.query(`SELECT actor, entity_id, detail FROM audit_events WHERE action = 'message-log.phi-access'`);
    expect(rows).toEqual([{ actor: 'e2e-operator', entity_id: applied.id, detail: { view: 'message', count: 1, messageIds: [applied.id] } }]);
  });

  it('exits 2 with one line on a bad option', async () => {
    const r = await runCli(['messages', '--outcome', 'maybe'], db.url);
    expect(r).toEqual({ code: 2, out: '', err: 'messages: --outcome: expected applied, warning, refused, got "maybe" (see --help)\n' });
  });
});
