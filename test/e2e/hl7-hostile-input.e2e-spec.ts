import { Client } from 'pg';
import { adt, omiO23 } from '@radflow/testing';
import { findscu, parseDump } from '../support/dcmtk';
import { parseAck, sendRaw } from '../support/hl7-peers';
import { startRadflow, RadflowProcess } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

// Hostile and broken input over real sockets against the built process: caps answered AE at the
// field while the process keeps serving, content PostgreSQL would refuse caught before it, texts
// too long for DICOM kept encodable. Synthetic patients only.
describe('HL7 hostile input (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  let sql: Client;
  let seq = 0;
  const tag = () => `${Date.now().toString(36).slice(-5)}${++seq}`.toUpperCase();
  const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;
  const send = async (text: string | Buffer) => parseAck(await sendRaw(radflow.hl7Port, Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')));
  const patientRows = (id: string) => q('SELECT 1 FROM patients WHERE patient_id = $1', [id]);
  const orderRows = (accession: string) => q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [accession]);

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({ DATABASE_URL: db.url });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  }, 60000);
  afterAll(async () => {
    await sql?.end();
    await radflow?.stop();
    await db?.drop();
  });

  it('answers 200,000 repetitions in PID-4 with AE at PID-4, stores it, applies nothing, and /health answers throughout', async () => {
    const patientId = `P-REP-${tag()}`;
    const reps = Array.from({ length: 200_000 }, (_, i) => `A${i % 100}`).join('~');
    const controlId = `REP${tag()}`;
    const text = adt({ event: 'A01', version: '2.5.1', controlId, patientId, pidFields: { 4: reps } });
    const polls: number[] = [];
    let sending = true;
    const poller = (async () => {
      while (sending) {
        polls.push((await fetch(`http://127.0.0.1:${radflow.httpPort}/health`)).status);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const ack = await send(text).finally(() => (sending = false));
    await poller;
    expect(ack.code).toBe('AE');
    expect(ack.err).toContain('PID^1^4');
    expect(ack.err).toContain('102');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((s) => s === 200)).toBe(true);
    expect(await patientRows(patientId)).toHaveLength(0);
    const [stored] = await q('SELECT ack_code, error_code FROM hl7_messages WHERE control_id = $1', [controlId]);
    expect(stored).toEqual({ ack_code: 'AE', error_code: '102' });
  });

  it('cuts a 70,000-character station name (IPC-7) to its ceiling (4 × SH), answers AA with a warning, and C-FIND still answers the item', async () => {
    const accession = `H${tag()}`.slice(0, 16);
    const patientId = `P-SN-${accession}`;
    const ack = await send(omiO23({ accession, patientId, studyInstanceUid: `2.25.88${Date.now()}`, stationName: 'S'.repeat(70_000) }));
    expect(ack.code).toBe('AA');
    expect(ack.err).toBe('ERR||IPC^1|102^Data type error^HL70357|W||||step.stationName longer than 64 characters; cut to 64');
    const [step] = await q(
      `SELECT s.station_name FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [accession]);
    expect(step.station_name).toBe('S'.repeat(64));
    const found = await findscu({ port: radflow.dicomPort, calledAe: 'RADFLOW' }, [`PatientID=${patientId}`, 'AccessionNumber', '(0040,0100)[0].ScheduledStationName']);
    expect(found.run.code).toBe(0);
    expect(found.run.stdout + found.run.stderr).toMatch(/Received Final Find Response \(Success\)/);
    const answers = found.dumps.map(parseDump);
    expect(answers.map((a) => a.get('0008,0050'))).toEqual([accession]);
    expect(answers[0].get('0040,0100[0]/0040,0010')).toBe('S'.repeat(64));
  });

  it.each([
    ['a NUL byte in PID-5', { name: 'DOE\u0000^JANE' }, 'PID^1^5'],
    ['a \\X00\\ escape in PID-5', { name: 'DOE\\X00\\^JANE' }, 'PID^1^5'],
    ['a MSH-10 of 300 characters', { controlId: 'C'.repeat(300) }, 'MSH^1^10'],
  ])('answers %s with AE at the field and writes no patient or order', async (_, fields, location) => {
    const patientId = `P-BAD-${tag()}`;
    const accession = `B${tag()}`.slice(0, 16);
    const text = omiO23({ patientId, accession, studyInstanceUid: `2.25.77${Date.now()}${seq}`, ...fields });
    const ack = await send(text);
    expect(ack.code).toBe('AE');
    expect(ack.err).toContain(location);
    expect(await patientRows(patientId)).toHaveLength(0);
    expect(await orderRows(accession)).toHaveLength(0);
    const [stored] = await q('SELECT ack_code FROM hl7_messages WHERE raw = $1', [Buffer.from(text, 'utf8')]);
    expect(stored).toEqual({ ack_code: 'AE' });
  });

  it('answers a change (XO) of a cancelled order with AE 207 at ORC-1', async () => {
    const accession = `X${tag()}`.slice(0, 16);
    const base = { accession, patientId: `P-XO-${accession}`, studyInstanceUid: `2.25.99${Date.now()}`, requestedProcedureId: `${accession}R`.slice(0, 16), spsId: `${accession}S`.slice(0, 16) };
    expect((await send(omiO23(base))).code).toBe('AA');
    expect((await send(omiO23({ ...base, orderControl: 'CA', orderStatus: 'CA' }))).code).toBe('AA');
    const change = await send(omiO23({ ...base, orderControl: 'XO', orderStatus: 'SC', start: '20261201080000' }));
    expect(change.code).toBe('AE');
    expect(change.err).toContain('ORC^1^1');
    expect(change.err).toContain('207');
    const [step] = await q(
      `SELECT s.status, s.start_date FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
         JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1`, [accession]);
    expect(step).toEqual({ status: 'CANCELED', start_date: '20261124' });
  });

  it('answers a batch whose BHS declares unusable delimiters with a batch ACK a RIS can read', async () => {
    const [first, second] = [`BHA${tag()}`, `BHB${tag()}`];
    const body = [adt({ event: 'A08', version: '2.5.1', controlId: first, patientId: `P-${first}` }), adt({ event: 'A08', version: '2.5.1', controlId: second, patientId: `P-${second}` })];
    const batch = `BHSl^~\\&lRISlHOSP\r${body.map((m) => m.replace(/\r?$/, '\r')).join('')}BTS|2\r`;
    const reply = (await sendRaw(radflow.hl7Port, Buffer.from(batch, 'latin1'))).toString('latin1').split('\r').filter(Boolean);
    expect(reply[0]).toMatch(/^BHS\|\^~\\&\|/);
    const msas = reply.filter((line) => line.startsWith('MSA|')).map((line) => line.split('|').slice(1, 3));
    expect(msas).toEqual([['AA', first], ['AA', second]]);
    expect(reply[reply.length - 1]).toBe('BTS|2');
  });
});

