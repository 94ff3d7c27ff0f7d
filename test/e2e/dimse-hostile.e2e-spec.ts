import { omiO23 } from '@radflow/testing';
import { CommandField, createDataset, DicomDataset, DimseStatus, PduType, setSequence, setString, SopClass, Tags } from '@radflow/dicom';
import { Client } from 'pg';
import { TestScu } from '../../libs/dicom/src/dimse/test-scu.fixture';
import { findscu, FindTarget, parseDump, run } from '../support/dcmtk';
import { ackCodeOf, MllpTestClient } from '../support/mllp-test-client';
import { RadflowProcess, startRadflow } from '../support/radflow-process';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Hostile and broken DICOM peers against the running service: C-FINDs abandoned mid-stream
 * (A-ABORT, TCP reset), cancelled against the real Postgres cursor, and answered around a row
 * that cannot be encoded; then no connection may be left "idle in transaction" and a plain
 * findscu still gets every answer. Also the association policy as the service wires it from env:
 * calling-AE and host allow-lists, eviction of idle associations at the total and per-peer limits.
 * Worklist items come in over HL7 (synthetic orders); only the unencodable value is written by SQL.
 */
const ITEMS = 450;
const MWL = SopClass.ModalityWorklistInformationModelFind;
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The process's log lines arrive on their own schedule: polls for a line matching `pattern`. */
async function logged(radflow: RadflowProcess, pattern: RegExp): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = radflow.output().split('\n').find((l) => pattern.test(l));
    if (line) return line;
    await tick(50);
  }
  return undefined;
}

/** PatientID=HOSTILE* and the SPS Station Name (the poisoned attribute) as return key. */
function worklistQuery(): DicomDataset {
  const sps = setString(setString(createDataset(), Tags.ScheduledStationName, ''), Tags.ScheduledProcedureStepID, '');
  const ds = setString(setString(createDataset(), Tags.PatientID, 'HOSTILE*'), Tags.AccessionNumber, '');
  return setSequence(ds, Tags.ScheduledProcedureStepSequence, [sps]);
}

const findRq = (messageId: number) => ({ commandField: CommandField.CFindRq, messageId, affectedSopClassUid: MWL, priority: 0, hasDataset: true });
const echoRq = (messageId: number) => ({ commandField: CommandField.CEchoRq, messageId, affectedSopClassUid: SopClass.Verification, hasDataset: false });

/** ITEMS orders, ten to an OMI^O23 (one patient each), every one with its own accession and step. */
async function seedOrders(hl7Port: number, count: number): Promise<void> {
  const client = await MllpTestClient.open(hl7Port);
  try {
    for (let first = 0; first < count; first += 10) {
      const orders = Array.from({ length: Math.min(10, count - first) }, (_, k) => {
        const i = first + k;
        const n = String(i).padStart(4, '0');
        return {
          placerOrderNumber: `PLH${n}^RIS`,
          fillerOrderNumber: `FLH${n}^RADFLOW`,
          accession: `ACCH${n}`,
          requestedProcedureId: `RPH${n}`,
          spsId: `SPSH${n}`,
          studyInstanceUid: `2.25.99100${i}`,
          start: `20261124${String(7 + Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00`,
        };
      });
      const text = omiO23({ patientId: `HOSTILE${String(first / 10).padStart(3, '0')}`, orders });
      const ack = await client.send(Buffer.from(text, 'utf8'));
      expect({ first, ack: ackCodeOf(ack) }).toEqual({ first, ack: 'AA' });
    }
  } finally {
    client.close();
  }
}

/** Connections of the database that sit in an open transaction with nothing running. */
async function idleInTransaction(admin: Client, database: string): Promise<number> {
  const r = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'`, [database]);
  return r.rows[0].n;
}

/** Polls until the count is 0 or the deadline passes; returns the last count seen (asserted by the caller). */
async function settledIdleInTransaction(admin: Client, database: string, deadlineMs = 15_000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let n = await idleInTransaction(admin, database);
  while (n > 0 && Date.now() < deadline) {
    await tick(200);
    n = await idleInTransaction(admin, database);
  }
  return n;
}

describe('DIMSE against hostile and broken peers (e2e)', () => {
  let db: ScratchDatabase;
  let admin: Client;
  let database: string;
  let radflow: RadflowProcess;
  let poisonedStep: string;
  const target = (): FindTarget => ({ port: radflow.dicomPort, calledAe: 'RADFLOW' });

  beforeAll(async () => {
    db = await createScratchDatabase();
    database = new URL(db.url).pathname.slice(1);
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    // The server's own safety net would end leaked transactions after a minute: set it far beyond
    // the test so that only Radflow's own release paths can bring the count to zero.
    radflow = await startRadflow({ DATABASE_URL: db.url, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3600000', DB_STATEMENT_TIMEOUT_MS: '3000', DB_POOL_SIZE: '8', LOG_LEVEL: 'info' });
    await seedOrders(radflow.hl7Port, ITEMS);
    // A row imported by some other path with an SH value past the 64 KiB explicit-VR length field.
    const poisoned = await admin.query<{ id: string }>(
      `UPDATE scheduled_procedure_steps SET station_name = repeat('X', 70000)
        WHERE sps_id = 'SPSH0100' RETURNING id`,
    );
    expect(poisoned.rowCount).toBe(1);
    poisonedStep = poisoned.rows[0].id;
  }, 180_000);

  afterAll(async () => {
    await radflow?.stop();
    await admin?.end();
    await db?.drop();
  });

  it('skips the row that cannot be encoded, with a PHI-free warning, and answers the rest with Success', async () => {
    const result = await findscu(target(), ['PatientID=HOSTILE*', 'AccessionNumber', '(0040,0100)[0].ScheduledStationName', '(0040,0100)[0].ScheduledProcedureStepID']);
    expect(result.run.code).toBe(0);
    expect(result.run.stdout + result.run.stderr).toMatch(/Received Final Find Response \(Success\)/);
    const accessions = result.dumps.map(parseDump).map((a) => a.get('0008,0050'));
    expect(accessions).toHaveLength(ITEMS - 1);
    expect(accessions).not.toContain('ACCH0100');
    const warning = await logged(radflow, /dimse\.c-find-match-skipped/);
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ ref: poisonedStep, attribute: 'ScheduledStationName', reason: 'VALUE_TOO_LONG' });
    expect(radflow.output()).not.toMatch(/XXXXXXXX|ACCH0100/);
    expect(await settledIdleInTransaction(admin, database)).toBe(0);
  });

  it('100 C-FINDs aborted, reset, cancelled or run across the poisoned row: no connection left idle in transaction, findscu still gets every answer', async () => {
    const ways = ['A-ABORT', 'socket reset', 'C-CANCEL', 'complete'] as const;
    const seen = { 'A-ABORT': 0, 'socket reset': 0, 'C-CANCEL': 0, complete: 0 };
    const finals: number[] = [];
    const endedWithAssociation = (): number => radflow.output().split('C-FIND ended with the association').length - 1;
    const before = endedWithAssociation();
    const one = async (i: number): Promise<void> => {
      const way = ways[i % ways.length];
      // 50 to 430 answers in, around the 200-row FETCH boundaries too; 0: at once, while the cursor opens.
      const after = [0, 50, 199, 200, 201, 399, 400, 401, 430, 123][Math.floor(i / ways.length) % 10];
      const scu = await TestScu.associated(radflow.dicomPort, { callingAeTitle: `HOSTILE${i % 7}` });
      scu.sendMessage(3, findRq(i + 1), worklistQuery());
      const act = (): void => {
        seen[way]++;
        if (way === 'A-ABORT') scu.abort();
        else if (way === 'socket reset') scu.reset();
        else if (way === 'C-CANCEL') scu.sendMessage(3, { commandField: CommandField.CCancelRq, messageIdBeingRespondedTo: i + 1, hasDataset: false });
      };
      if (after === 0 && way !== 'complete') act();
      if (scu.isClosed || (after === 0 && way !== 'C-CANCEL' && way !== 'complete')) return;
      let received = 0;
      for (;;) {
        const m = await scu.nextMessage(15_000);
        if (m.command.status !== DimseStatus.Pending) {
          finals.push(m.command.status as number);
          break;
        }
        received++;
        if (received === after && way !== 'complete') {
          act();
          if (way !== 'C-CANCEL') return;
        }
      }
      if (way === 'complete') {
        seen[way]++;
        expect({ received, status: finals[finals.length - 1] }).toEqual({ received: ITEMS - 1, status: DimseStatus.Success });
      } else expect([DimseStatus.Cancel, DimseStatus.Success]).toContain(finals[finals.length - 1]);
      await scu.release();
    };
    // Four peers at a time, each running its share of the 100 in sequence.
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = lane; i < 100; i += 4) await one(i);
      }),
    );
    expect(seen).toEqual({ 'A-ABORT': 25, 'socket reset': 25, 'C-CANCEL': 25, complete: 25 });
    // The churn really hit running queries, not only finished ones (else this test proves nothing).
    expect(finals.filter((s) => s === DimseStatus.Cancel).length).toBeGreaterThan(0);
    await tick(500);
    expect(endedWithAssociation() - before).toBeGreaterThan(0);

    const left = await settledIdleInTransaction(admin, database);
    expect(left).toBe(0);
    const result = await findscu(target(), ['PatientID=HOSTILE*', 'AccessionNumber']);
    expect(result.run.code).toBe(0);
    expect(result.dumps).toHaveLength(ITEMS);
    expect(radflow.child.exitCode).toBeNull();
  }, 240_000);

  it('a statement cancelled by statement_timeout is answered on its wire (0xC002), and the next query works', async () => {
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE scheduled_procedure_steps IN ACCESS EXCLUSIVE MODE');
      const blocked = await findscu(target(), ['PatientID=HOSTILE001', 'AccessionNumber']);
      expect(blocked.run.stdout + blocked.run.stderr).toMatch(/Received Final Find Response \(Failed/);
      expect(blocked.dumps).toHaveLength(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const after = await findscu(target(), ['PatientID=HOSTILE001', 'AccessionNumber']);
    expect(after.dumps).toHaveLength(10);
    expect(await logged(radflow, /"event":"mwl.database-error"/)).toBeDefined();
    expect(await settledIdleInTransaction(admin, database)).toBe(0);
  });
});

describe('DICOM association policy as the service wires it (e2e)', () => {
  let db: ScratchDatabase;
  let radflow: RadflowProcess;
  const echo = (port: number, callingAe: string) => run('echoscu', ['-v', '-aec', 'RADFLOW', '-aet', callingAe, '127.0.0.1', String(port)]);

  beforeAll(async () => {
    db = await createScratchDatabase();
    radflow = await startRadflow({
      DATABASE_URL: db.url,
      DICOM_ALLOWED_CALLING_AE: 'ECHOSCU,FINDSCU,IDLE',
      DICOM_ALLOWED_HOSTS: '127.0.0.1,127.0.0.2,127.0.0.3',
      DICOM_MAX_ASSOCIATIONS: '4',
      DICOM_MAX_ASSOCIATIONS_PER_PEER: '2',
      LOG_LEVEL: 'info',
    });
  }, 60_000);

  afterAll(async () => {
    await radflow?.stop();
    await db?.drop();
  });

  /** Opens n idle associations from one loopback address, in order (the first is the longest idle). */
  async function idleFrom(address: string, n: number): Promise<TestScu[]> {
    const out: TestScu[] = [];
    for (let i = 0; i < n; i++) {
      const scu = await TestScu.associated(radflow.dicomPort, { callingAeTitle: 'IDLE' }, address);
      scu.sendMessage(1, echoRq(1));
      expect((await scu.nextMessage()).command.status).toBe(0);
      out.push(scu);
      await tick(20); // distinct idle-since times
    }
    return out;
  }

  async function isAlive(scu: TestScu): Promise<boolean> {
    if (scu.isClosed) return false;
    scu.sendMessage(1, echoRq(2));
    try {
      return (await scu.nextMessage(5000)).command.status === 0;
    } catch {
      return false;
    }
  }

  async function releaseAll(scus: TestScu[]): Promise<void> {
    await Promise.all(scus.filter((s) => !s.isClosed).map((s) => s.release().then(() => s.closed).catch(() => undefined)));
    await tick(100); // the server counts an association until it sees the close
  }

  it('calling-AE allow-list: an allowed echoscu is answered, a refused findscu gets A-ASSOCIATE-RJ "calling AE title not recognized"', async () => {
    const allowed = await echo(radflow.dicomPort, 'ECHOSCU');
    expect(allowed.code).toBe(0);
    const refused = await findscu({ port: radflow.dicomPort, calledAe: 'RADFLOW', callingAe: 'INTRUDER' }, ['PatientID']);
    expect(refused.run.code).not.toBe(0);
    expect(refused.run.stdout + refused.run.stderr).toMatch(/Calling AE Title Not Recognized/i);
    expect(await logged(radflow, /"callingAeTitle":"INTRUDER".*"why":"calling AE title not recognized"/)).toBeDefined();
  });

  it('host allow-list: a listed address is accepted, another one gets A-ASSOCIATE-RJ permanent, service user, no reason given', async () => {
    const listed = await TestScu.associated(radflow.dicomPort, { callingAeTitle: 'ECHOSCU' }, '127.0.0.2');
    expect(await isAlive(listed)).toBe(true);
    await releaseAll([listed]);
    const stranger = await TestScu.connect(radflow.dicomPort, '127.0.0.9');
    expect(await stranger.associate({ callingAeTitle: 'ECHOSCU' })).toEqual({ type: PduType.AssociateRj, result: 1, source: 1, reason: 1 });
    expect(await logged(radflow, /"peer":"127\.0\.0\.9".*"why":"host not allowed"/)).toBeDefined();
  });

  it('total limit: with DICOM_MAX_ASSOCIATIONS idle associations open, a new findscu is answered and the longest-idle one is aborted', async () => {
    const idle = [...(await idleFrom('127.0.0.2', 2)), ...(await idleFrom('127.0.0.3', 2))];
    const result = await findscu({ port: radflow.dicomPort, calledAe: 'RADFLOW' }, ['PatientID']);
    expect(result.run.code).toBe(0);
    expect(await idle[0].nextPdu(5000)).toEqual({ type: PduType.Abort, source: 2, reason: 0 });
    expect(await Promise.all(idle.slice(1).map(isAlive))).toEqual([true, true, true]);
    expect(await logged(radflow, /"event":"dimse.association-evicted".*"scope":"total"/)).toBeDefined();
    await releaseAll(idle);
  });

  it('per-peer limit: a peer with DICOM_MAX_ASSOCIATIONS_PER_PEER idle associations evicts only its own longest-idle one', async () => {
    const other = await idleFrom('127.0.0.2', 1);
    const own = await idleFrom('127.0.0.1', 2);
    const result = await echo(radflow.dicomPort, 'ECHOSCU');
    expect(result.code).toBe(0);
    expect(await own[0].nextPdu(5000)).toEqual({ type: PduType.Abort, source: 2, reason: 0 });
    expect(await Promise.all([own[1], other[0]].map(isAlive))).toEqual([true, true]);
    expect(await logged(radflow, /"event":"dimse.association-evicted".*"scope":"peer"/)).toBeDefined();
    await releaseAll([...own, ...other]);
  });
});
