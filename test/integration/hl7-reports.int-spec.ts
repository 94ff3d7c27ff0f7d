import { Pool } from 'pg';
import { ALL_LENIENT, DEFAULT_MODALITY_ALIASES, Hl7InboundOptions, Hl7InboundService, LeniencyMode, LeniencyRule, SenderProfile, singleProfile } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { nextControlId, ormO01, oruR01, OruR01Fixture } from '@radflow/testing';
import { parseAck } from '../support/hl7-peers';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { capturingLogger } from '../support/capturing-logger';
import { INGEST_OPTIONS } from '../support/ingest-harness';

/**
 * ORU^R01 reports through the inbound service and the real unit of work on real Postgres: each
 * report moves its study through the lifecycle table (history rows, scope 'study') and is stored
 * as the study's next version; what cannot apply is told (AA with ERR severity W) or refused (AE),
 * and then nothing changes. Orders are placed and completed over HL7 first. Synthetic patients only.
 */

const OPTIONS: Hl7InboundOptions = INGEST_OPTIONS;
const STRICT: SenderProfile = {
  name: 'strict-reports', charset: 'UNICODE UTF-8', ackMode: 'original',
  leniency: Object.fromEntries(Object.keys(ALL_LENIENT).map((r) => [r, 'strict'])) as Record<LeniencyRule, LeniencyMode>,
  accessionSources: ['OBR-18'], stationAeByModality: {}, stationAeByLocation: {}, modalityAliases: DEFAULT_MODALITY_ALIASES, processingIds: ['P'], newOrderWhenExists: 'reject',
};
const CTX = { peer: '127.0.0.1', connectionId: 'int-reports' };

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
let service: Hl7InboundService;
let seq = 0;
const unique = (prefix: string) => `${prefix}${(++seq).toString(36)}${process.pid.toString(36)}`.toUpperCase().slice(0, 16);
const uid = () => `2.25.${process.pid}${Date.now()}${++seq}`;

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
  service = new Hl7InboundService(uow, OPTIONS, capturingLogger([]));
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

async function send(text: string, svc = service): Promise<{ code: string; errs: string[]; bytes: Buffer }> {
  const bytes = await svc.handle(Buffer.from(text, 'utf8'), CTX);
  const segments = bytes.toString('latin1').split('\r').filter(Boolean);
  return { code: parseAck(bytes).code, errs: segments.filter((s) => s.startsWith('ERR')), bytes };
}

interface Study {
  accession: string;
  filler: string;
  uid: string;
}

/** An order placed over HL7 (ORM^O01 NW); `completed` also reports it done (SC/CM), as after acquisition. */
async function study({ completed = true } = {}): Promise<Study> {
  const s = { accession: unique('RA'), filler: unique('RF'), uid: uid() };
  const order = { accession: s.accession, fillerOrderNumber: `${s.filler}^RADFLOW`, placerOrderNumber: `${unique('RP')}^RIS`, studyInstanceUid: s.uid, patientId: unique('RPAT') };
  expect((await send(ormO01(order))).code).toBe('AA');
  if (completed) expect((await send(ormO01({ ...order, orderControl: 'SC', orderStatus: 'CM' }))).code).toBe('AA');
  return s;
}

const report = (s: Study, o: OruR01Fixture = {}) => oruR01({ accession: s.accession, fillerOrderNumber: `${s.filler}^RADFLOW`, patientId: 'RPAT-X', ...o });
const stateOf = async (s: Study) => (await q('SELECT study_status FROM requested_procedures WHERE study_instance_uid = $1', [s.uid]))[0].study_status;
const reportsOf = (s: Study) =>
  q('SELECT p.version, p.status, p.text, p.interpreter, p.observed_at, p.source_kind FROM reports p JOIN requested_procedures r ON r.id = p.procedure_ref WHERE r.study_instance_uid = $1 ORDER BY p.version', [s.uid]);
const studyHistory = (s: Study) =>
  q(`SELECT t.from_status, t.to_status, t.event FROM study_transitions t JOIN requested_procedures r ON r.id = t.procedure_ref
      WHERE r.study_instance_uid = $1 AND t.scope = 'study' AND t.event LIKE 'report.%' ORDER BY t.id`, [s.uid]);
const messageOf = async (controlId: string) => (await q('SELECT id, ack_code, warnings FROM hl7_messages WHERE control_id = $1', [controlId]))[0];
const count = async (table: string) => Number((await q(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

describe('ORU^R01 reports (P, F, C)', () => {
  it('reports on the one procedure of a two-procedure order that its OBR-4 names', async () => {
    const [accession, filler, head, chest] = [unique('RM'), unique('RMF'), uid(), uid()];
    const common = { accession, fillerOrderNumber: `${filler}^RADFLOW`, placerOrderNumber: `${unique('RMP')}^RIS`, patientId: unique('RMPAT') };
    const orders = [
      { requestedProcedureId: 'RPHEAD', spsId: 'SPSHEAD', studyInstanceUid: head, procedure: 'CTHEAD^CT head^LOCAL^P-CTH^CT head routine^LOCAL' },
      { requestedProcedureId: 'RPCHEST', spsId: 'SPSCHEST', studyInstanceUid: chest, procedure: 'CTCHEST^CT chest^LOCAL^P-CTC^CT chest routine^LOCAL' },
    ];
    expect((await send(ormO01({ ...common, orders }))).code).toBe('AA');
    expect((await send(ormO01({ ...common, orderControl: 'SC', orderStatus: 'CM', orders }))).code).toBe('AA');
    const a = await send(oruR01({ accession, fillerOrderNumber: `${filler}^RADFLOW`, patientId: common.patientId, obrFields: { 4: 'CTCHEST^CT chest^LOCAL' } }));
    expect([a.code, a.errs]).toEqual(['AA', []]);
    const states = await q('SELECT study_instance_uid, study_status FROM requested_procedures WHERE study_instance_uid = ANY($1)', [[head, chest]]);
    expect(Object.fromEntries(states.map((r) => [r.study_instance_uid, r.study_status]))).toEqual({ [head]: 'completed', [chest]: 'final' });
  });

  it('moves a completed study to preliminary, final, corrected, with history rows and numbered report versions', async () => {
    const s = await study();
    for (const status of ['P', 'F', 'C']) {
      const a = await send(report(s, { status, lines: [`${status} line one`, 'line two'] }));
      expect([a.code, a.errs]).toEqual(['AA', []]);
    }
    expect(await stateOf(s)).toBe('corrected');
    expect(await studyHistory(s)).toEqual([
      { from_status: 'completed', to_status: 'preliminary', event: 'report.preliminary' },
      { from_status: 'preliminary', to_status: 'final', event: 'report.final' },
      { from_status: 'final', to_status: 'corrected', event: 'report.corrected' },
    ]);
    const stored = await reportsOf(s);
    expect(stored.map((r) => [r.version, r.status, r.text])).toEqual([
      [1, 'preliminary', 'P line one\nline two'],
      [2, 'final', 'F line one\nline two'],
      [3, 'corrected', 'C line one\nline two'],
    ]);
    expect(stored[0]).toMatchObject({ interpreter: 'READER^RILEY^^^DR', source_kind: 'hl7' });
    expect(stored[0].observed_at).toBeInstanceOf(Date);
    const events = await q(`SELECT o.payload FROM outbox o JOIN requested_procedures r ON r.id = o.aggregate_id WHERE o.topic = 'report.received' AND r.study_instance_uid = $1 ORDER BY o.id`, [s.uid]);
    expect(events.map((e) => [e.payload.version, e.payload.status])).toEqual([[1, 'preliminary'], [2, 'final'], [3, 'corrected']]);
  });

  it('finds the study by accession only, by filler number only, or by Study Instance UID only (FT text with \\.br\\)', async () => {
    const [byAccession, byFiller, byUid] = [await study(), await study(), await study()];
    const only = (o: OruR01Fixture) => ({ accession: '', fillerOrderNumber: '', placerOrderNumber: '', orc: false, ...o });
    expect((await send(oruR01(only({ accession: byAccession.accession })))).code).toBe('AA');
    expect((await send(oruR01(only({ fillerOrderNumber: byFiller.filler })))).code).toBe('AA');
    expect((await send(oruR01(only({ studyUidObx: byUid.uid, formattedText: 'FINDINGS:\\.br\\Normal.' })))).code).toBe('AA');
    expect([await stateOf(byAccession), await stateOf(byFiller), await stateOf(byUid)]).toEqual(['final', 'final', 'final']);
    expect((await reportsOf(byUid))[0].text).toBe('FINDINGS:\nNormal.');
  });

  it('records a report that comes before the images, with a warning', async () => {
    const s = await study({ completed: false });
    const a = await send(report(s, { status: 'F' }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||OBR^1^25^1|0^Message accepted^HL70357|W||||report before acquisition completed; report recorded']);
    expect(await stateOf(s)).toBe('final');
    expect(await reportsOf(s)).toHaveLength(1);
  });
});

describe('ORU^R01 reports that change nothing', () => {
  it('answers a report for an unknown study AA with ERR 204 severity W, and stores nothing but the message', async () => {
    const [reports, transitions] = [await count('reports'), await count('study_transitions')];
    const controlId = nextControlId();
    const a = await send(oruR01({ controlId, accession: unique('NOACC'), fillerOrderNumber: unique('NOFL'), studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||OBR^1^3^1|204^Unknown key identifier^HL70357|W||||no study for the report (filler number, accession, study instance UID); nothing changed']);
    expect([await count('reports'), await count('study_transitions')]).toEqual([reports, transitions]);
    expect(await messageOf(controlId)).toMatchObject({ ack_code: 'AA', warnings: [expect.objectContaining({ code: 204 })] });
  });

  it('refuses a final report for a cancelled study with AE, and nothing changes', async () => {
    const s = { accession: unique('CA'), filler: unique('CF'), uid: uid() };
    const order = { accession: s.accession, fillerOrderNumber: `${s.filler}^RADFLOW`, placerOrderNumber: `${unique('CP')}^RIS`, studyInstanceUid: s.uid, patientId: unique('CPAT') };
    expect((await send(ormO01(order))).code).toBe('AA');
    expect((await send(ormO01({ ...order, orderControl: 'CA', orderStatus: 'CA' }))).code).toBe('AA');
    expect(await stateOf(s)).toBe('cancelled');
    const controlId = nextControlId();
    const a = await send(report(s, { controlId, status: 'F' }));
    expect(a.code).toBe('AE');
    expect(a.errs[0]).toMatch(/^ERR\|\|OBR\^1\^25\^1\|207\^Application internal error\^HL70357\|E\|/);
    expect(await stateOf(s)).toBe('cancelled');
    expect(await reportsOf(s)).toEqual([]);
    expect(await studyHistory(s)).toEqual([]);
    expect((await messageOf(controlId)).ack_code).toBe('AE');
  });

  it('ignores a preliminary report after the final one: AA with a warning, the study stays final', async () => {
    const s = await study();
    expect((await send(report(s, { status: 'F' }))).code).toBe('AA');
    const a = await send(report(s, { status: 'P' }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||OBR^1^25^1|0^Message accepted^HL70357|W||||preliminary report after the final one; report not recorded']);
    expect(await stateOf(s)).toBe('final');
    expect((await reportsOf(s)).map((r) => r.status)).toEqual(['final']);
    const flags = await q(`SELECT t.from_status, t.to_status, t.event, t.note FROM study_transitions t JOIN requested_procedures r ON r.id = t.procedure_ref WHERE r.study_instance_uid = $1 AND t.scope = 'flag'`, [s.uid]);
    expect(flags).toEqual([{ from_status: 'final', to_status: 'final', event: 'report.preliminary', note: 'preliminary report after the final one' }]);
  });

  it('applies a resent ORU (same sender and control id) once, answering the stored ACK', async () => {
    const s = await study();
    const text = report(s, { controlId: nextControlId(), status: 'F' });
    const first = await send(text);
    const again = await send(text);
    expect(first.code).toBe('AA');
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(await reportsOf(s)).toHaveLength(1);
    expect(await studyHistory(s)).toHaveLength(1);
  });

  it('a report without OBR-25: AA with a warning by default, AE 101 at OBR-25 for a strict sender; nothing changes', async () => {
    const s = await study();
    const lenient = await send(report(s, { status: '' }));
    expect([lenient.code, lenient.errs]).toEqual(['AA', ['ERR||OBR^1^25^1|101^Required field missing^HL70357|W||||report status (OBR-25) missing; report not recorded']]);
    const strict = new Hl7InboundService(uow, { ...OPTIONS, profiles: singleProfile(STRICT) }, capturingLogger([]));
    const refused = await send(report(s, { status: '' }), strict);
    expect(refused.code).toBe('AE');
    expect(refused.errs[0]).toMatch(/^ERR\|\|OBR\^1\^25\^1\|101\^/);
    expect(await stateOf(s)).toBe('completed');
    expect(await reportsOf(s)).toEqual([]);
  });
});
