import { Pool } from 'pg';
import { loadEnv } from '@radflow/config';
import { Hl7InboundOptions, Hl7InboundService } from '@radflow/hl7';
import type { Logger } from '@radflow/observability';
import { PgUnitOfWork } from '@radflow/persistence';
import { omiO23 } from '@radflow/testing';
import { messageCommand } from '../../apps/cli/src/commands/message.command';
import { messagesCommand } from '../../apps/cli/src/commands/messages.command';
import { parseAck } from '../support/hl7-peers';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The message log over rows the real inbound service stored, one of each outcome, read through
 * the CLI commands as an operator runs them. Patient names and ids are synthetic sentinels: the
 * default output must not hold them, --show-phi must, and every PHI view leaves an audit row.
 */

const OPTIONS: Hl7InboundOptions = {
  defaultCharset: 'UNICODE UTF-8', processingIds: ['P'], unhandledAdt: 'accept', duplicateIdNewContent: 'process',
  receivingApplication: 'RADFLOW', receivingFacility: 'RAD', stationAeByModality: {}, orderPolicy: { newOrderWhenExists: 'reject' },
};
const SILENT: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => SILENT };

const PHI = [
  { patientId: 'SYNPHI0001', name: 'PHISENTINEL^ALICE' },
  { patientId: 'SYNPHI0002', name: 'PHISENTINEL^BORIS' },
  { patientId: 'SYNPHI0003', name: 'PHISENTINEL^CLARA' },
  { patientId: 'SYNPHI0004', name: 'PHISENTINEL^DENIS' },
];

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
let env: ReturnType<typeof loadEnv>;
const ids: Record<'applied' | 'warning' | 'refusedAe' | 'refusedAr', string> = {} as never;
const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

async function ingest(text: string, peer: string): Promise<{ code: string; id: string }> {
  const svc = new Hl7InboundService(uow, OPTIONS, SILENT);
  const ack = parseAck(await svc.handle(Buffer.from(text, 'utf8'), { peer, connectionId: 'int-log' }));
  const [row] = await q('SELECT id FROM hl7_messages WHERE control_id = $1', [ack.controlId]);
  return { code: ack.code, id: row.id };
}

/** Runs a CLI command in-process and returns what it printed and its exit code. */
async function cli(command: typeof messagesCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await command(env, args);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const listedIds = async (args: string[]) => JSON.parse((await cli(messagesCommand, [...args, '--json'])).out).messages.map((m: { id: string }) => m.id);
const auditRows = () => q(`SELECT actor, entity_id, peer, detail FROM audit_events WHERE action = 'message-log.phi-access' ORDER BY id`);

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
  env = loadEnv({ DATABASE_URL: db.url });
  const uid = (n: number) => `2.25.${process.pid}${Date.now()}${n}`;

  const applied = await ingest(omiO23({ ...PHI[0], controlId: 'LOGAPPLIED1', accession: 'LOGACC1', studyInstanceUid: uid(1) }), '10.0.0.1');
  // NMR is not a DICOM modality: it is read as MR, with a warning (leniency rule modality-code)
  const warned = await ingest(omiO23({ ...PHI[1], controlId: 'LOGWARNED1', accession: 'LOGACC2', modality: 'NMR', studyInstanceUid: uid(2) }), '10.0.0.1');
  const ae = await ingest(omiO23({ ...PHI[2], controlId: 'LOGREFUSED1', accession: 'LOGACC3', orderControl: 'XY', studyInstanceUid: uid(3) }), '10.0.0.1');
  const ar = await ingest(omiO23({ ...PHI[3], controlId: 'LOGREFUSED2', accession: 'LOGACC4', processingId: 'T', sendingApplication: 'PACSX', sendingFacility: 'HOSP_B', studyInstanceUid: uid(4) }), '10.0.0.2');
  expect([applied.code, warned.code, ae.code, ar.code]).toEqual(['AA', 'AA', 'AE', 'AR']);
  Object.assign(ids, { applied: applied.id, warning: warned.id, refusedAe: ae.id, refusedAr: ar.id });
  // received in a known order, the first one three hours ago
  await q(`UPDATE hl7_messages SET received_at = now() - interval '3 hours' WHERE id = $1`, [ids.applied]);
  await q(`UPDATE hl7_messages SET received_at = now() - interval '3 minutes' WHERE id = $1`, [ids.warning]);
  await q(`UPDATE hl7_messages SET received_at = now() - interval '2 minutes' WHERE id = $1`, [ids.refusedAe]);
  await q(`UPDATE hl7_messages SET received_at = now() - interval '1 minutes' WHERE id = $1`, [ids.refusedAr]);
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

describe('messages: filters', () => {
  it.each([
    ['no filter: all, newest first', [], ['refusedAr', 'refusedAe', 'warning', 'applied']],
    ['--outcome applied', ['--outcome', 'applied'], ['applied']],
    ['--outcome warning', ['--outcome', 'warning'], ['warning']],
    ['--outcome refused (AE and AR)', ['--outcome', 'refused'], ['refusedAr', 'refusedAe']],
    ['--sender APP^FAC', ['--sender', 'PACSX^HOSP_B'], ['refusedAr']],
    ['--sender APP alone', ['--sender', 'RIS'], ['refusedAe', 'warning', 'applied']],
    ['--sender of nobody', ['--sender', 'RIS^HOSP_B'], []],
    ['--control-id', ['--control-id', 'LOGWARNED1'], ['warning']],
    ['--since 1h', ['--since', '1h'], ['refusedAr', 'refusedAe', 'warning']],
    ['--since 4h', ['--since', '4h'], ['refusedAr', 'refusedAe', 'warning', 'applied']],
    ['--limit 2', ['--limit', '2'], ['refusedAr', 'refusedAe']],
    ['filters together', ['--since', '1h', '--outcome', 'refused', '--sender', 'RIS'], ['refusedAe']],
  ] as const)('%s', async (_, args, expected) => {
    expect(await listedIds([...args])).toEqual(expected.map((k) => ids[k]));
  });

  it('gives each row its columns, outcome, warnings and error', async () => {
    const { messages } = JSON.parse((await cli(messagesCommand, ['--json'])).out);
    const byId = Object.fromEntries(messages.map((m: { id: string }) => [m.id, m]));
    expect(byId[ids.applied]).toMatchObject({ peer: '10.0.0.1', sendingApplication: 'RIS', sendingFacility: 'HOSP_A', controlId: 'LOGAPPLIED1', messageType: 'OMI^O23', version: '2.5.1', ackCode: 'AA', outcome: 'applied', warnings: [], error: null });
    expect(byId[ids.warning]).toMatchObject({ outcome: 'warning', warnings: [{ code: '103', location: 'IPC^1^5', text: expect.stringContaining('modality') }] });
    expect(byId[ids.refusedAe]).toMatchObject({ ackCode: 'AE', outcome: 'refused', error: { code: expect.any(String), text: expect.stringContaining('order control') } });
    expect(byId[ids.refusedAr]).toMatchObject({ ackCode: 'AR', outcome: 'refused', peer: '10.0.0.2', error: { text: expect.stringContaining('MSH-11') } });
  });

  it('refuses a bad option with one line and exit code 2, before touching the database', async () => {
    const r = await cli(messagesCommand, ['--since', 'yesterday']);
    expect(r).toEqual({ code: 2, out: '', err: 'messages: --since: expected 30m, 1h, 2d or an ISO timestamp, got "yesterday" (see --help)\n' });
  });
});

describe('messages: PHI', () => {
  it('prints no patient name or id by default, in either form, and writes no audit row', async () => {
    const before = (await auditRows()).length;
    for (const args of [[], ['--json']]) {
      const r = await cli(messagesCommand, args);
      expect(r.code).toBe(0);
      for (const p of PHI) {
        expect(r.out).not.toContain(p.patientId);
        expect(r.out).not.toContain(p.name.split('^')[0]);
      }
      expect(r.out).toContain('LOGAPPLIED1');
    }
    expect(await auditRows()).toHaveLength(before);
  });

  it('with --show-phi prints each message\'s patient and records who saw which messages', async () => {
    const r = await cli(messagesCommand, ['--show-phi', '--since', '1h', '--user', 'int-tester']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('patient SYNPHI0002 (HOSP_A) PHISENTINEL^BORIS');
    expect(r.out).toContain('patient SYNPHI0004 (HOSP_A) PHISENTINEL^DENIS');
    expect(r.out).not.toContain('SYNPHI0001'); // outside --since
    expect(r.err).toContain('audit trail');
    const rows = await auditRows();
    expect(rows[rows.length - 1]).toEqual({
      actor: 'int-tester', entity_id: null, peer: expect.stringMatching(/^cli@/),
      detail: { view: 'list', count: 3, messageIds: [ids.refusedAr, ids.refusedAe, ids.warning] },
    });
  });
});

describe('message <id>', () => {
  it('prints the raw bytes, decoded text, the ACK sent and the rows it changed, and audits the view', async () => {
    const r = await cli(messageCommand, [ids.applied, '--user', 'int-tester']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`message     ${ids.applied}`);
    expect(r.out).toContain('ACK         AA (applied)');
    expect(r.out).toContain('patient     SYNPHI0001 (HOSP_A) PHISENTINEL^ALICE');
    expect(r.out).toMatch(/raw bytes {3}\d+ bytes as received/);
    expect(r.out).toMatch(/\n {2}MSH\|\^~\\&\|RIS\|HOSP_A\|.*\\r\n/); // escaped bytes, one segment a line
    expect(r.out).toContain('decoded     as UNICODE UTF-8, one segment a line:');
    expect(r.out).toMatch(/\n {2}PID\|.*PHISENTINEL\^ALICE/);
    expect(r.out).toMatch(/ACK sent:\n {2}MSH\|.*\n {2}MSA\|AA\|LOGAPPLIED1/);
    expect(r.out).toMatch(/rows changed \(history rows naming this message\): 1\n .* order\.placed {2}- -> SCHEDULED .*accession LOGACC1/);
    expect(r.err).toContain('audit trail');
    const rows = await auditRows();
    expect(rows[rows.length - 1]).toMatchObject({ actor: 'int-tester', entity_id: ids.applied, detail: { view: 'message', count: 1, messageIds: [ids.applied] } });
  });

  it('gives the stored bytes exactly in --json, and a refused message with its error and no rows changed', async () => {
    const [stored] = await q('SELECT raw FROM hl7_messages WHERE id = $1', [ids.refusedAe]);
    const j = JSON.parse((await cli(messageCommand, [ids.refusedAe, '--json'])).out);
    expect(Buffer.from(j.raw.base64, 'base64').equals(stored.raw)).toBe(true);
    expect(j).toMatchObject({ ackCode: 'AE', outcome: 'refused', changes: [], error: { text: expect.stringContaining('order control') } });
    expect(j.ack.segments[1]).toMatch(/^MSA\|AE\|LOGREFUSED1/);
  });

  it('says when there is no such message (exit 1), and refuses a bad command line (exit 2)', async () => {
    const before = (await auditRows()).length;
    expect(await cli(messageCommand, ['00000000-0000-4000-8000-000000000000'])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('no stored message') });
    expect(await cli(messageCommand, ['not-a-uuid'])).toMatchObject({ code: 1, out: '' });
    expect(await cli(messageCommand, [])).toEqual({ code: 2, out: '', err: 'message: expected a message id (see --help)\n' });
    expect(await auditRows()).toHaveLength(before);
  });

  it('says in --help that it shows PHI and is audited', async () => {
    const r = await cli(messageCommand, ['--help']);
    expect(r.out).toContain('This shows PHI: every use is written to the audit trail');
  });
});
