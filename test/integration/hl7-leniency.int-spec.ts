import { Pool } from 'pg';
import { ALL_LENIENT, DEFAULT_MODALITY_ALIASES, Hl7InboundOptions, Hl7InboundService, LeniencyMode, LeniencyRule, SenderProfile, singleProfile } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { adt, nextControlId, omiO23, ormO01 } from '@radflow/testing';
import { parseAck } from '../support/hl7-peers';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { capturingLogger, LogLine as Line } from '../support/capturing-logger';

/**
 * The leniency rules of hl7-inbound.md ("be liberal in what you accept"), one synthetic fixture per
 * rule, through the inbound service and the real unit of work on real Postgres: the default profile
 * answers AA, stores the warning on the message and (v2.5+) writes it as ERR with severity W; a
 * strict profile answers AE for the same bytes and changes nothing.
 */

const OPTIONS: Hl7InboundOptions = {
  defaultCharset: 'UNICODE UTF-8',
  processingIds: ['P'],
  unhandledAdt: 'accept',
  duplicateIdNewContent: 'process',
  receivingApplication: 'RADFLOW',
  receivingFacility: 'RAD',
  stationAeByModality: { MR: 'MR01' },
  orderPolicy: { newOrderWhenExists: 'reject' },
};

const DEFAULT_PROFILE: SenderProfile = {
  name: 'default',
  charset: 'UNICODE UTF-8',
  ackMode: 'original',
  leniency: ALL_LENIENT,
  accessionSources: ['OBR-18', 'IPC-1'],
  stationAeByModality: { MR: 'MR01' },
  stationAeByLocation: {},
  modalityAliases: DEFAULT_MODALITY_ALIASES,
  processingIds: ['P'],
  newOrderWhenExists: 'reject',
};
const ALL_STRICT = Object.fromEntries(Object.values(LeniencyRule).map((r) => [r, 'strict'])) as Record<LeniencyRule, LeniencyMode>;

const CTX = { peer: '127.0.0.1', connectionId: 'int-lenient' };

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
let seq = 0;
const unique = (prefix: string) => `${prefix}${(++seq).toString(36)}`.toUpperCase();
const uid = () => `2.25.${process.pid}${Date.now()}${++seq}`;

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

const lenient = (lines: Line[] = [], options: Partial<Hl7InboundOptions> = {}) => new Hl7InboundService(uow, { ...OPTIONS, ...options }, capturingLogger(lines));
const strict = () => new Hl7InboundService(uow, { ...OPTIONS, profiles: singleProfile({ ...DEFAULT_PROFILE, name: 'strict-ris', leniency: ALL_STRICT }) }, capturingLogger([]));
const enhanced = () => new Hl7InboundService(uow, { ...OPTIONS, profiles: singleProfile({ ...DEFAULT_PROFILE, name: 'enhanced-ris', ackMode: 'enhanced' }) }, capturingLogger([]));

interface Answer {
  code: string;
  segments: string[];
  errs: string[];
}

async function ingest(svc: Hl7InboundService, text: string, encoding: BufferEncoding = 'utf8'): Promise<Answer> {
  const bytes = await svc.handle(Buffer.from(text, encoding), CTX);
  const segments = bytes.toString('latin1').split('\r').filter(Boolean);
  return { code: parseAck(bytes).code, segments, errs: segments.filter((s) => s.startsWith('ERR')) };
}

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

async function storedMessage(controlId: string): Promise<{ ack_code: string; warnings: unknown[]; error_code: string | null }> {
  const [row] = await q('SELECT ack_code, warnings, error_code FROM hl7_messages WHERE control_id = $1 ORDER BY received_at DESC LIMIT 1', [controlId]);
  return row;
}

async function stepOf(accession: string) {
  const [row] = await q(
    `SELECT s.sps_id, s.modality, s.start_date, s.start_time, s.station_ae_titles, o.priority, o.accession_number
       FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref
      WHERE o.accession_number = $1`,
    [accession],
  );
  return row;
}

const count = async (table: string, where: string, params: unknown[]) => Number((await q(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n);

describe('versions (MSH-12)', () => {
  it('applies an HL7 2.2 ADT and answers in the 2.2 layout', async () => {
    const [controlId, patientId] = [nextControlId(), unique('V22P')];
    const a = await ingest(lenient(), adt({ event: 'A08', version: '2.2', controlId, patientId }));
    expect(a.code).toBe('AA');
    expect(a.segments[0].split('|')[11]).toBe('2.2');
    expect(await count('patients', 'patient_id = $1', [patientId])).toBe(1);
    expect((await storedMessage(controlId)).warnings).toEqual([]);
  });

  it.each(['2.5.0', '2.3.1^USA', '2.4^^HL70104', '2.8'])('applies an order sent as version %s', async (version) => {
    const [controlId, accession] = [nextControlId(), unique('VACC')];
    const a = await ingest(lenient(), ormO01({ version, controlId, accession, studyInstanceUid: uid(), patientId: unique('VP') }));
    expect(a.code).toBe('AA');
    expect(await stepOf(accession)).toBeDefined();
  });

  it('refuses what is not 2.x with AR 203', async () => {
    const controlId = nextControlId();
    const a = await ingest(lenient(), ormO01({ version: '3.0', controlId, studyInstanceUid: uid() }));
    expect(a.code).toBe('AR');
    expect(a.errs[0]).toContain('203');
  });
});

describe('ACK mode: original by default whatever MSH-15/16 say', () => {
  it('answers AA, not CA, to MSH-15/16 = AL/NE; AE, not CE, to a refused one', async () => {
    const [ok, bad] = [nextControlId(), nextControlId()];
    const accepted = await ingest(lenient(), omiO23({ controlId: ok, accession: unique('AM'), studyInstanceUid: uid(), mshFields: { 15: 'AL', 16: 'NE' } }));
    expect(accepted.code).toBe('AA');
    const refused = await ingest(lenient(), omiO23({ controlId: bad, orderControl: 'XO', accession: unique('AMX'), studyInstanceUid: uid(), mshFields: { 15: 'AL', 16: 'NE' } }));
    expect(refused.code).toBe('AE');
    expect((await storedMessage(bad)).ack_code).toBe('AE');
  });

  it('keeps the commit ACK (CA) for a sender whose profile asks for enhanced mode', async () => {
    const a = await ingest(enhanced(), omiO23({ controlId: nextControlId(), accession: unique('AE'), studyInstanceUid: uid(), mshFields: { 15: 'AL', 16: 'NE' } }));
    expect(a.code).toBe('CA');
  });
});

describe('message date/time (MSH-7)', () => {
  it('reads an ISO-style MSH-7 on a Latin-1 feed without MSH-18 as a timestamp: AA, no warning', async () => {
    const [controlId, accession] = [nextControlId(), unique('ISO')];
    const patientId = unique('ISOP');
    const text = ormO01({ controlId, accession, start: '', name: 'MÜLLER^JOSÉ', charset: '', messageTime: '2017-04-25 07:31:13.123456', studyInstanceUid: uid(), patientId });
    expect(text.split('\r')[0].split('|')[17]).toBeUndefined(); // no MSH-18
    const a = await ingest(lenient([], { defaultCharset: '8859/1' }), text, 'latin1');
    expect(a.code).toBe('AA');
    expect((await q('SELECT name FROM patients WHERE patient_id = $1', [patientId]))[0].name).toBe('MÜLLER^JOSÉ');
    expect(await stepOf(accession)).toMatchObject({ start_date: '20170425', start_time: '073113.1234' });
    expect((await storedMessage(controlId)).warnings).toEqual([]);
  });

  it('uses the receipt time for an unreadable MSH-7, with a warning; strict answers AE', async () => {
    const [controlId, accession] = [nextControlId(), unique('BADT')];
    const text = omiO23({ controlId, accession, start: '', priority: 'R', messageTime: 'not-a-time', studyInstanceUid: uid() });
    const a = await ingest(lenient(), text);
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||MSH^1^7^1|102^Data type error^HL70357|W||||message date/time (MSH-7) unreadable; receipt time used']);
    expect((await storedMessage(controlId)).warnings).toEqual([{ code: 102, location: { segment: 'MSH', sequence: 1, field: 7 }, text: 'message date/time (MSH-7) unreadable; receipt time used' }]);
    const step = await stepOf(accession);
    expect(step.start_date).toMatch(/^\d{8}$/);
    expect(Math.abs(Number(step.start_date) - Number(localDate(new Date())))).toBeLessThanOrEqual(1);

    const s = await ingest(strict(), omiO23({ accession: unique('BADTS'), start: '', messageTime: 'not-a-time', studyInstanceUid: uid() }));
    expect(s.code).toBe('AE');
  });
});

describe('value longer than its VR', () => {
  it('keeps a 19-character SPS ID of an OMI^O23 as sent: AA with ERR severity W; strict answers AE', async () => {
    const [controlId, accession, spsId] = [nextControlId(), unique('LONG'), 'SPS-2026-000000019X'];
    const a = await ingest(lenient(), omiO23({ controlId, accession, spsId, studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||IPC^1^4^1|102^Data type error^HL70357|W||||scheduled procedure step ID (IPC-4) longer than SH (16) allows; kept as sent']);
    expect((await storedMessage(controlId)).warnings).toEqual([{ code: 102, location: { segment: 'IPC', sequence: 1, field: 4 }, text: 'scheduled procedure step ID (IPC-4) longer than SH (16) allows; kept as sent' }]);
    expect((await stepOf(accession)).sps_id).toBe(spsId);

    const strictAccession = unique('LONGS');
    const s = await ingest(strict(), omiO23({ accession: strictAccession, spsId, studyInstanceUid: uid() }));
    expect(s.code).toBe('AE');
    expect(s.errs).toHaveLength(1);
    expect(s.errs[0]).toMatch(/^ERR\|\|IPC\^1\^4\^1\|102\^/);
    expect(await stepOf(strictAccession)).toBeUndefined();
  });
});

describe('modality code not a DICOM defined term', () => {
  it('maps NMR to MR (and its station AE) with a warning; a v2.3.1 ACK carries no ERR for it', async () => {
    const [controlId, accession] = [nextControlId(), unique('NMR')];
    const a = await ingest(lenient(), ormO01({ controlId, accession, modality: 'NMR', studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual([]);
    expect(await stepOf(accession)).toMatchObject({ modality: 'MR', station_ae_titles: ['MR01'] });
    expect((await storedMessage(controlId)).warnings).toEqual([{ code: 103, location: { segment: 'OBR', sequence: 1, field: 24 }, text: 'modality not a DICOM defined term; mapped by the sender profile alias' }]);
  });

  it('keeps an unknown code as sent in upper case with a warning; strict answers AE', async () => {
    const [controlId, accession] = [nextControlId(), unique('XYZ')];
    const a = await ingest(lenient(), omiO23({ controlId, accession, modality: 'xyz', studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||IPC^1^5^1|103^Table value not found^HL70357|W||||modality not a DICOM defined term; kept as sent']);
    expect((await stepOf(accession)).modality).toBe('XYZ');
    expect((await storedMessage(controlId)).warnings).toHaveLength(1);
    expect((await ingest(strict(), omiO23({ accession: unique('XYZS'), modality: 'xyz', studyInstanceUid: uid() }))).code).toBe('AE');
  });
});

describe('empty accession number (Type 2)', () => {
  it('accepts an ORM without accession and leaves it empty; a second such order is its own; strict answers AE', async () => {
    const [first, second] = [nextControlId(), nextControlId()];
    const [placer1, placer2] = [unique('PLA'), unique('PLB')];
    const a = await ingest(lenient(), ormO01({ controlId: first, accession: '', placerOrderNumber: `${placer1}^RIS`, studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual([]); // v2.3.1: no severity, so no ERR for a warning
    expect((await storedMessage(first)).warnings).toEqual([{ code: 101, location: { segment: 'OBR', sequence: 1, field: 18 }, text: 'accession number missing; order stored without one' }]);
    const b = await ingest(lenient(), ormO01({ controlId: second, accession: '', placerOrderNumber: `${placer2}^RIS`, studyInstanceUid: uid() }));
    expect(b.code).toBe('AA');
    const orders = await q("SELECT accession_number, placer_order_number FROM imaging_orders WHERE placer_order_number = ANY($1) ORDER BY placer_order_number", [[placer1, placer2]]);
    expect(orders).toEqual([{ accession_number: null, placer_order_number: placer1 }, { accession_number: null, placer_order_number: placer2 }]); // Type 2: stored as NULL
    // The resent NW of the first order (a new control id) finds it by its placer number: a duplicate, refused as before.
    expect((await ingest(lenient(), ormO01({ accession: '', placerOrderNumber: `${placer1}^RIS`, studyInstanceUid: uid() }))).code).toBe('AE');

    const placer3 = unique('PLC');
    expect((await ingest(strict(), ormO01({ accession: '', placerOrderNumber: `${placer3}^RIS`, studyInstanceUid: uid() }))).code).toBe('AE');
    expect(await count('imaging_orders', 'placer_order_number = $1', [placer3])).toBe(0);
  });
});

describe('priority outside table 0027', () => {
  it('stores no priority with a warning at TQ1-9; strict answers AE', async () => {
    const [controlId, accession] = [nextControlId(), unique('PRIO')];
    const a = await ingest(lenient(), omiO23({ controlId, accession, priority: 'Z', studyInstanceUid: uid() }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||TQ1^1^9^1|103^Table value not found^HL70357|W||||priority not in HL7 table 0027; left empty']);
    expect((await stepOf(accession)).priority).toBeNull();
    expect((await storedMessage(controlId)).warnings).toHaveLength(1);
    expect((await ingest(strict(), omiO23({ accession: unique('PRIOS'), priority: 'Z', studyInstanceUid: uid() }))).code).toBe('AE');
  });
});

describe('patient data', () => {
  it('stores no birth date for one that is not a date, with a warning; strict answers AE', async () => {
    const [controlId, patientId] = [nextControlId(), unique('BD')];
    const a = await ingest(lenient(), adt({ event: 'A04', version: '2.5.1', controlId, patientId, birthDate: '19801340' }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||PID^1^7^1|102^Data type error^HL70357|W||||birth date (PID-7) not a date; none stored']);
    const [patient] = await q('SELECT birth_date FROM patients WHERE patient_id = $1', [patientId]);
    expect(patient.birth_date).toBeNull();
    const strictId = unique('BDS');
    expect((await ingest(strict(), adt({ event: 'A04', version: '2.5.1', patientId: strictId, birthDate: '19801340' }))).code).toBe('AE');
    expect(await count('patients', 'patient_id = $1', [strictId])).toBe(0);
  });

  it('leaves a sex outside table 0001 empty, with a warning (unknown table value)', async () => {
    const [controlId, patientId] = [nextControlId(), unique('SX')];
    const a = await ingest(lenient(), adt({ event: 'A04', version: '2.5.1', controlId, patientId, sex: 'X' }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||PID^1^8^1|103^Table value not found^HL70357|W||||administrative sex not in HL7 table 0001; left empty']);
    expect((await ingest(strict(), adt({ event: 'A04', version: '2.5.1', patientId: unique('SXS'), sex: 'X' }))).code).toBe('AE');
  });
});

describe('merge and identifier change whose prior patient is unknown', () => {
  it.each([
    ['A40 merge', 'A40'],
    ['A47 identifier change', 'A47'],
  ])('%s: creates the surviving patient, AA + warning at MRG-1; strict answers AE 204', async (_, event) => {
    const [controlId, patientId, priorPatientId] = [nextControlId(), unique('SURV'), unique('GONE')];
    const a = await ingest(lenient(), adt({ event, version: '2.5.1', controlId, patientId, priorPatientId }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual(['ERR||MRG^1^1^1|204^Unknown key identifier^HL70357|W||||prior patient unknown; surviving patient created or updated']);
    expect((await storedMessage(controlId)).warnings).toEqual([{ code: 204, location: { segment: 'MRG', sequence: 1, field: 1 }, text: 'prior patient unknown; surviving patient created or updated' }]);
    expect(await count('patients', 'patient_id = $1', [patientId])).toBe(1);
    expect(await count('patients', 'patient_id = $1', [priorPatientId])).toBe(0);

    const strictId = unique('SURVS');
    const s = await ingest(strict(), adt({ event, version: '2.5.1', patientId: strictId, priorPatientId: unique('GONES') }));
    expect(s.code).toBe('AE');
    expect(s.errs[0]).toMatch(/\|204\^Unknown key identifier\^HL70357\|E\|/);
    expect(await count('patients', 'patient_id = $1', [strictId])).toBe(0);
  });

  it('A40 with a known prior patient still merges, without a warning', async () => {
    const [patientId, priorPatientId, controlId] = [unique('SURK'), unique('PRK'), nextControlId()];
    expect((await ingest(lenient(), adt({ event: 'A04', patientId: priorPatientId }))).code).toBe('AA');
    const a = await ingest(lenient(), adt({ event: 'A40', version: '2.5.1', controlId, patientId, priorPatientId }));
    expect(a.code).toBe('AA');
    expect(a.errs).toEqual([]);
    expect((await storedMessage(controlId)).warnings).toEqual([]);
  });
});

describe('the hl7.ack log line', () => {
  it('counts the warnings, naming no value', async () => {
    const lines: Line[] = [];
    const spsId = 'SPS-2026-000000019Y';
    await ingest(lenient(lines), omiO23({ accession: unique('LOG'), spsId, modality: 'NMR', studyInstanceUid: uid() }));
    const ack = lines.find((l) => l.event === 'hl7.ack');
    expect(ack).toMatchObject({ ack: 'AA', warnings: 2 });
    expect(JSON.stringify(lines)).not.toContain(spsId);
  });
});

function localDate(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}`;
}
