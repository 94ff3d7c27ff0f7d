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

describe('history CLI against a running process (e2e)', () => {
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

  it('prints an order and its cancel as the study history, by accession and by Study Instance UID, with an audit row', async () => {
    const studyInstanceUid = `2.25.${process.pid}${Date.now()}7`;
    const order = { accession: 'E2EHISTACC1', patientId: 'SYNHIST001', name: 'HISTSENTINEL^ALMA', studyInstanceUid, spsId: 'SPSHIST1' };
    const acks = await mllpSend(radflow.hl7Port, [
      omiO23({ ...order, controlId: 'E2EHIST1' }),
      omiO23({ ...order, controlId: 'E2EHIST2', orderControl: 'CA', orderStatus: 'CA' }),
    ]);
    expect(acks.map((a) => parseAck(a).code)).toEqual(['AA', 'AA']);

    const messageId = async (controlId: string) => (await sql.query('SELECT id FROM hl7_messages WHERE control_id = $1', [controlId])).rows[0].id as string;
    const [placedBy, cancelledBy] = [await messageId('E2EHIST1'), await messageId('E2EHIST2')];
    const { rows: [procedure] } = await sql.query('SELECT id FROM requested_procedures WHERE study_instance_uid = $1', [studyInstanceUid]);

    const shown = await runCli(['history', 'E2EHISTACC1', '--user', 'e2e-historian'], db.url);
    expect(shown.code).toBe(0);
    const lines = shown.out.trimEnd().split('\n');
    expect(lines[0]).toBe(`study ${studyInstanceUid}  accession E2EHISTACC1  procedure ${procedure.id}  (matched by accession number)`);
    expect(lines[1]).toMatch(/^ {2}TIME +SCOPE +SPS ID +FROM -> TO +EVENT +SOURCE +NOTE$/);
    expect(lines.slice(2, 5)).toEqual([
      expect.stringMatching(new RegExp(`^  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  step +SPSHIST1 +- -> SCHEDULED +order\\.placed +hl7 ${placedBy}$`)),
      expect.stringMatching(new RegExp(`  step +SPSHIST1 +SCHEDULED -> CANCELED +order\\.cancelled +hl7 ${cancelledBy}$`)),
      expect.stringMatching(new RegExp(`  study +scheduled -> cancelled +order\\.cancelled +hl7 ${cancelledBy}$`)),
    ]);
    expect(lines[5]).toBe('3 rows, oldest first');
    expect(shown.out).not.toMatch(/SYNHIST|HISTSENTINEL/);
    expect(shown.err).toBe('patient data shown; recorded in the audit trail\n');

    const json = await runCli(['history', studyInstanceUid, '--json'], db.url);
    expect(json.code).toBe(0);
    const rows = json.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    const study = { procedureRef: procedure.id, studyInstanceUid, accessionNumber: 'E2EHISTACC1' };
    expect(rows).toEqual([
      { ...study, at: expect.any(String), scope: 'step', stepRef: expect.any(String), spsId: 'SPSHIST1', from: null, to: 'SCHEDULED', event: 'order.placed', source: { kind: 'hl7', ref: placedBy }, note: null },
      { ...study, at: expect.any(String), scope: 'step', stepRef: rows[0].stepRef, spsId: 'SPSHIST1', from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancelled', source: { kind: 'hl7', ref: cancelledBy }, note: null },
      { ...study, at: expect.any(String), scope: 'study', stepRef: null, spsId: null, from: 'scheduled', to: 'cancelled', event: 'order.cancelled', source: { kind: 'hl7', ref: cancelledBy }, note: null },
    ]);
    // times in ISO 8601 UTC, in the order written
    expect(rows.map((r) => new Date(r.at).toISOString())).toEqual(rows.map((r) => r.at));
    expect(new Date(rows[0].at).getTime()).toBeLessThanOrEqual(new Date(rows[1].at).getTime());

    const { rows: audit } = await sql.query(`SELECT actor, action, entity, entity_id, peer, detail FROM audit_events WHERE action = 'study-history.read' ORDER BY id`);
    const detail = (matchedBy: string) => ({ matchedBy: [matchedBy], count: 1, procedureRefs: [procedure.id], rows: 3 });
    expect(audit).toEqual([
      { actor: 'e2e-historian', action: 'study-history.read', entity: 'requested_procedure', entity_id: procedure.id, peer: expect.stringMatching(/^cli@/), detail: detail('accession') },
      { actor: expect.any(String), action: 'study-history.read', entity: 'requested_procedure', entity_id: procedure.id, peer: expect.stringMatching(/^cli@/), detail: detail('study-uid') },
    ]);
    // the audit trail holds our ids, never the accession number it was asked by
    expect(JSON.stringify(audit)).not.toContain('E2EHISTACC1');
  });

  it('exits 1 with one line, and audits nothing, when no study matches', async () => {
    const before = (await sql.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n;
    const r = await runCli(['history', 'NOSUCHACC'], db.url);
    expect(r).toEqual({ code: 1, out: '', err: 'history: no study with accession number or Study Instance UID "NOSUCHACC"\n' });
    expect((await sql.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(before);
  });

  it('exits 2 with one line on a bad command line', async () => {
    expect(await runCli(['history'], db.url)).toEqual({ code: 2, out: '', err: 'history: expected an accession number or a Study Instance UID (see --help)\n' });
    expect(await runCli(['history', 'A', '--show-phi'], db.url)).toEqual({ code: 2, out: '', err: 'history: unknown option --show-phi (see --help)\n' });
  });
});
