import { Pool } from 'pg';
import { Hl7InboundOptions, Hl7InboundService } from '@radflow/hl7';
import { PgUnitOfWork } from '@radflow/persistence';
import { adt, nextControlId, omiO23, ormO01 } from '@radflow/testing';
import { Fault, installFault } from '../support/fault-trigger';
import { parseAck, ParsedAck } from '../support/hl7-peers';
import { INGEST_OPTIONS } from '../support/ingest-harness';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';
import { capturingLogger, LogLine as Line } from '../support/capturing-logger';

/**
 * The failure paths of the inbound HL7 service, with the real unit of work on real Postgres:
 * faults are raised by triggers inside the ingest's own transaction (serialization failure,
 * deadlock, unique violation), never by stubbing the driver. Synthetic patients only.
 */

const OPTIONS: Hl7InboundOptions = INGEST_OPTIONS;

const CTX = { peer: '127.0.0.1', connectionId: 'int-1' };

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
const faults: Fault[] = [];
let seq = 0;
const unique = (prefix: string) => `${prefix}${process.pid.toString(36)}${(++seq).toString(36)}`.toUpperCase().slice(0, 16);
const uid = () => `2.25.${process.pid}${Date.now()}${++seq}`;

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
});
afterEach(async () => {
  for (const f of faults.splice(0)) await f.remove();
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

function service(options: Partial<Hl7InboundOptions> = {}, lines: Line[] = []): Hl7InboundService {
  return new Hl7InboundService(uow, { ...OPTIONS, ...options }, capturingLogger(lines));
}

async function fault(o: Parameters<typeof installFault>[1]): Promise<Fault> {
  const f = await installFault(sql, o);
  faults.push(f);
  return f;
}

const ingest = async (svc: Hl7InboundService, text: string): Promise<{ ack: ParsedAck; bytes: Buffer }> => {
  const bytes = await svc.handle(Buffer.from(text, 'utf8'), CTX);
  return { ack: parseAck(bytes), bytes };
};

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

/** What an order message left behind, counted table by table. */
async function footprint(accession: string, controlId: string, patientId: string) {
  const [row] = await q(
    `SELECT (SELECT count(*)::int FROM imaging_orders WHERE accession_number = $1) AS orders,
            (SELECT count(*)::int FROM scheduled_procedure_steps s JOIN requested_procedures r ON r.id = s.procedure_ref
               JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1) AS steps,
            (SELECT count(*)::int FROM study_transitions t JOIN requested_procedures r ON r.id = t.procedure_ref
               JOIN imaging_orders o ON o.id = r.order_ref WHERE o.accession_number = $1) AS transitions,
            (SELECT count(*)::int FROM outbox x JOIN scheduled_procedure_steps s ON s.id::text = x.aggregate_id::text
               JOIN requested_procedures r ON r.id = s.procedure_ref JOIN imaging_orders o ON o.id = r.order_ref
              WHERE o.accession_number = $1) AS events,
            (SELECT count(*)::int FROM patients WHERE patient_id = $3) AS patients,
            (SELECT count(*)::int FROM hl7_messages WHERE control_id = $2) AS messages`,
    [accession, controlId, patientId],
  );
  return row;
}

const APPLIED_ONCE = { orders: 1, steps: 1, transitions: 1, events: 1, patients: 1, messages: 1 };
const NOTHING = { orders: 0, steps: 0, transitions: 0, events: 0, patients: 0, messages: 0 };

describe('HL7 ingest retries a transaction the database aborted', () => {
  // the fault sits on the step insert: a pipelined write, not the last statement of the transaction
  it.each([
    ['a serialization failure', '40001', 'scheduled_procedure_steps'],
    ['a deadlock', '40P01', 'scheduled_procedure_steps'],
    ['a unique violation (a concurrent insert won)', '23505', 'scheduled_procedure_steps'],
    ['a serialization failure on an awaited read-write', '40001', 'imaging_orders'],
  ])('applies the message once and answers AA after %s (%s on %s)', async (_, sqlstate, table) => {
    const lines: Line[] = [];
    const svc = service({}, lines);
    const [accession, controlId, patientId] = [unique('RT'), nextControlId(), unique('PR')];
    const f = await fault({ table, sqlstate, failures: 1 });

    const { ack } = await ingest(svc, omiO23({ accession, controlId, patientId, studyInstanceUid: uid() }));

    expect(ack).toMatchObject({ code: 'AA', controlId });
    expect(await f.calls()).toBe(2); // the first attempt failed, the second went through
    expect(await footprint(accession, controlId, patientId)).toEqual(APPLIED_ONCE);
    const [stored] = await q('SELECT ack_code FROM hl7_messages WHERE control_id = $1', [controlId]);
    expect(stored.ack_code).toBe('AA');
    expect(lines.filter((l) => l.event === 'hl7.failed')).toEqual([]);
  });

  it.each([['40001'], ['40P01'], ['23505']])(
    'answers AR and stores nothing when %s persists through every retry; the resend is applied',
    async (sqlstate) => {
      const lines: Line[] = [];
      const svc = service({}, lines);
      const [accession, controlId, patientId] = [unique('EX'), nextControlId(), unique('PE')];
      const text = omiO23({ accession, controlId, patientId, studyInstanceUid: uid() });
      const f = await fault({ table: 'scheduled_procedure_steps', sqlstate, failures: Infinity });

      const { ack } = await ingest(svc, text);

      expect(ack).toMatchObject({ code: 'AR', controlId });
      expect(ack.err).toContain('207'); // application internal error: the sender keeps the message and resends
      expect(await f.calls()).toBe(3); // RETRIES attempts, then the answer
      expect(await footprint(accession, controlId, patientId)).toEqual(NOTHING);
      expect(lines).toContainEqual(expect.objectContaining({ event: 'hl7.failed', controlId }));

      await f.remove();
      const again = await ingest(svc, text);
      expect(again.ack).toMatchObject({ code: 'AA', controlId });
      expect(await footprint(accession, controlId, patientId)).toEqual(APPLIED_ONCE);
    },
  );

  it('retries on a new connection when its connection dies mid-transaction, and applies the message once', async () => {
    const svc = service();
    const [accession, controlId, patientId] = [unique('KC'), nextControlId(), unique('PK')];
    const f = await fault({ table: 'scheduled_procedure_steps', sqlstate: '57P01', failures: 1, action: 'terminate' });

    const { ack } = await ingest(svc, omiO23({ accession, controlId, patientId, studyInstanceUid: uid() }));

    expect(ack).toMatchObject({ code: 'AA', controlId });
    expect(await f.calls()).toBe(2);
    expect(await footprint(accession, controlId, patientId)).toEqual(APPLIED_ONCE);
  });

  it('answers AR and keeps nothing when every connection dies mid-transaction; the resend is applied', async () => {
    const lines: Line[] = [];
    const svc = service({}, lines);
    const [accession, controlId, patientId] = [unique('KA'), nextControlId(), unique('PA')];
    const text = omiO23({ accession, controlId, patientId, studyInstanceUid: uid() });
    const f = await fault({ table: 'scheduled_procedure_steps', sqlstate: '57P01', failures: Infinity, action: 'terminate' });

    const { ack } = await ingest(svc, text);

    expect(ack).toMatchObject({ code: 'AR', controlId });
    expect(await f.calls()).toBe(3);
    expect(await footprint(accession, controlId, patientId)).toEqual(NOTHING);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'hl7.failed', controlId }));
    await f.remove();
    const again = await ingest(svc, text);
    expect(again.ack).toMatchObject({ code: 'AA', controlId });
    expect(await footprint(accession, controlId, patientId)).toEqual(APPLIED_ONCE);
  });

  it('does not retry an error that a retry cannot cure', async () => {
    const svc = service();
    const [accession, controlId, patientId] = [unique('NR'), nextControlId(), unique('PN')];
    const f = await fault({ table: 'scheduled_procedure_steps', sqlstate: '22023', failures: Infinity });
    const { ack } = await ingest(svc, omiO23({ accession, controlId, patientId, studyInstanceUid: uid() }));
    expect(ack.code).toBe('AR');
    expect(await f.calls()).toBe(1);
    expect(await footprint(accession, controlId, patientId)).toEqual(NOTHING);
  });
});

describe('HL7_DUPLICATE_ID_NEW_CONTENT=reject', () => {
  it('refuses another message under a used control id with AE 205, changes nothing, and still answers the resend with the first ACK', async () => {
    const svc = service({ duplicateIdNewContent: 'reject' });
    const controlId = nextControlId();
    const [first, second] = [unique('DA'), unique('DB')];
    const patientId = unique('PD');
    const original = omiO23({ accession: first, controlId, patientId, studyInstanceUid: uid() });
    const reused = omiO23({ accession: second, controlId, patientId: unique('PX'), studyInstanceUid: uid() });

    const accepted = await ingest(svc, original);
    expect(accepted.ack).toMatchObject({ code: 'AA', controlId });
    const before = await q('SELECT (SELECT count(*)::int FROM imaging_orders) AS orders, (SELECT count(*)::int FROM patients) AS patients, (SELECT count(*)::int FROM outbox) AS events');

    const refused = await ingest(svc, reused);
    expect(refused.ack).toMatchObject({ code: 'AE', controlId });
    expect(refused.ack.err).toContain('205');
    expect(refused.ack.err).toContain('MSH^1^10');
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [second])).toHaveLength(0);
    const after = await q('SELECT (SELECT count(*)::int FROM imaging_orders) AS orders, (SELECT count(*)::int FROM patients) AS patients, (SELECT count(*)::int FROM outbox) AS events');
    expect(after).toEqual(before);

    const resent = await ingest(svc, original);
    expect(Buffer.compare(resent.bytes, accepted.bytes)).toBe(0); // the stored ACK, byte for byte
    expect(await footprint(first, controlId, patientId)).toMatchObject({ orders: 1, steps: 1, transitions: 1, events: 1, patients: 1 });
    const refusedAgain = await ingest(svc, reused);
    expect(Buffer.compare(refusedAgain.bytes, refused.bytes)).toBe(0);
    // the original and the refused one, each stored once with its own answer
    expect((await q('SELECT ack_code FROM hl7_messages WHERE control_id = $1 ORDER BY received_at, ack_code', [controlId])).map((r) => r.ack_code).sort()).toEqual(['AA', 'AE']);
  });

  it('with process (the default), the same control id with other content is applied as a message of its own', async () => {
    const svc = service({ duplicateIdNewContent: 'process' });
    const controlId = nextControlId();
    const [first, second] = [unique('PA'), unique('PB')];
    expect((await ingest(svc, omiO23({ accession: first, controlId, studyInstanceUid: uid() }))).ack.code).toBe('AA');
    expect((await ingest(svc, omiO23({ accession: second, controlId, studyInstanceUid: uid() }))).ack.code).toBe('AA');
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = ANY($1)', [[first, second]])).toHaveLength(2);
  });
});

describe('a Study Instance UID already used by another procedure', () => {
  it.each([
    ['OMI^O23, UID in IPC-3', (o: { accession: string; studyInstanceUid: string; patientId: string }) => omiO23(o), 'IPC^1^3'],
    ['ORM^O01, UID in ZDS-1', (o: { accession: string; studyInstanceUid: string; patientId: string }) => ormO01(o), 'ZDS^1^1'],
  ])('is refused with AE 205 at its field (%s), and the second order leaves nothing', async (_, build, location) => {
    const svc = service();
    const studyInstanceUid = uid();
    const [a1, a2, patientId] = [unique('UA'), unique('UB'), unique('PU')];
    expect((await ingest(svc, build({ accession: a1, studyInstanceUid, patientId }))).ack.code).toBe('AA');
    const other = unique('PV');
    const { ack } = await ingest(svc, build({ accession: a2, studyInstanceUid, patientId: other }));
    expect(ack.code).toBe('AE');
    expect(ack.err).toContain('205');
    expect(ack.err).toContain(location);
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [a2])).toHaveLength(0);
    expect(await q('SELECT 1 FROM patients WHERE patient_id = $1', [other])).toHaveLength(0); // its patient upsert rolled back too
    const [procedure] = await q('SELECT o.accession_number FROM requested_procedures r JOIN imaging_orders o ON o.id = r.order_ref WHERE r.study_instance_uid = $1', [studyInstanceUid]);
    expect(procedure.accession_number).toBe(a1);
  });
});

describe('HL7 null "" clears a stored value, an empty field keeps it', () => {
  it('A08 with PID-5 empty keeps the name, with PID-7 "" clears the birth date, and a new PID-8 replaces the sex', async () => {
    const svc = service();
    const patientId = unique('CK');
    expect((await ingest(svc, adt({ event: 'A04', patientId, name: 'KEEPME^ALEX', birthDate: '19800215', sex: 'F' }))).ack.code).toBe('AA');
    expect((await ingest(svc, adt({ event: 'A08', patientId, name: '', birthDate: '""', sex: 'M' }))).ack.code).toBe('AA');
    const [p] = await q('SELECT name, birth_date, sex FROM patients WHERE patient_id = $1', [patientId]);
    expect(p).toEqual({ name: 'KEEPME^ALEX', birth_date: null, sex: 'M' });
    expect((await ingest(svc, adt({ event: 'A08', patientId, name: '""', birthDate: '19900101', sex: '' }))).ack.code).toBe('AA');
    const [q2] = await q('SELECT name, birth_date, sex FROM patients WHERE patient_id = $1', [patientId]);
    expect(q2).toEqual({ name: null, birth_date: '19900101', sex: 'M' });
  });
});
