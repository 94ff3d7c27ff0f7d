import { Pool } from 'pg';
import { DomainError, DomainErrorCode, TransactionContext } from '@radflow/domain';
import { PgUnitOfWork } from '@radflow/persistence';
import { Fault, installFault } from '../support/fault-trigger';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The pipelined unit of work and the workflow store on real Postgres. Writes are sent without
 * waiting; these tests force one in the middle of a transaction to fail (a trigger) and check
 * what the caller sees, what the database kept, and that the connection is fit for the next one.
 */

let db: ScratchDatabase;
let sql: Pool;
/** One connection only, so every transaction here runs on the same backend. */
let uow: PgUnitOfWork;
const faults: Fault[] = [];
let seq = 0;
const tag = () => `t${process.pid}-${++seq}`;

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 1);
});
afterEach(async () => {
  for (const f of faults.splice(0)) await f.remove();
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

/** The unit of work's backends: pid and state (idle, or stuck in a transaction). */
/** Terminates the backend only if it is still one of this database's: its pid may have been reused by another spec's. */
const TERMINATE_OURS = 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND datname = current_database()';

const ingestBackends = () =>
  q(`SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'radflow-ingest'`);

const event = (run: string, n: number, extra: object = {}) => ({ topic: 'patient.updated' as const, aggregateId: null, payload: { run, n, ...extra } });
const outboxOf = async (run: string) => (await q(`SELECT (payload->>'n')::int AS n FROM outbox WHERE payload->>'run' = $1 ORDER BY id`, [run])).map((r) => r.n);

/** Three pipelined writes; the trigger refuses the second. */
async function threeWrites(tx: TransactionContext, run: string): Promise<void> {
  for (const n of [1, 2, 3]) await tx.workflow.addOutbox(event(run, n) as never);
}

async function refuseSecondWrite(): Promise<void> {
  faults.push(await installFault(sql, { table: 'outbox', sqlstate: '23514', failures: Infinity, when: `NEW.payload->>'n' = '2'`, message: 'second write refused' }));
}

/** Runs work and returns what it threw (or 'committed'). */
const outcome = (work: (tx: TransactionContext) => Promise<unknown>) => uow.run(work).then(() => 'committed' as const, (e: unknown) => e as Error & { code?: string });

describe('PgUnitOfWork: a failed write in the middle of the pipeline', () => {
  let pid: number;
  beforeAll(async () => {
    await uow.run((tx) => tx.workflow.nextGeneratedNumber());
    [{ pid }] = await ingestBackends();
  });

  afterEach(async () => {
    for (const f of faults.splice(0)) await f.remove();
    // the same backend, idle, not left in an aborted transaction
    expect(await ingestBackends()).toEqual([{ pid, state: 'idle' }]);
    const run = tag();
    await uow.run((tx) => threeWrites(tx, run));
    expect(await outboxOf(run)).toEqual([1, 2, 3]);
  });

  it('rolls the whole transaction back and surfaces the error of the write that failed', async () => {
    await refuseSecondWrite();
    const run = tag();
    const e = await outcome((tx) => threeWrites(tx, run));
    expect(e).toMatchObject({ code: '23514', message: 'second write refused' }); // not the third's "transaction aborted"
    expect(await outboxOf(run)).toEqual([]); // the first write is gone too
  });

  it('surfaces the failed write, not the read that the aborted transaction then refused', async () => {
    await refuseSecondWrite();
    const run = tag();
    const e = await outcome(async (tx) => {
      await threeWrites(tx, run);
      await tx.workflow.findPatient({ id: 'NOBODY', issuer: '' }); // fails only because the write did (25P02)
    });
    expect(e).toMatchObject({ code: '23514', message: 'second write refused' });
    expect(await outboxOf(run)).toEqual([]);
  });

  it('maps the failed write with its own mapping only (a duplicate Study Instance UID among other writes)', async () => {
    const uid = `2.25.${process.pid}${Date.now()}`;
    const [first, second] = [tag(), tag()];
    const committed = await outcome(async (tx) => {
      const orderRef = await newOrder(tx, first);
      await tx.workflow.createProcedure(orderRef, { requestedProcedureId: 'RP1', studyInstanceUid: uid, steps: [] });
    });
    expect(committed).toBe('committed');
    const run = tag();
    const e = await outcome(async (tx) => {
      const orderRef = await newOrder(tx, second);
      await tx.workflow.addOutbox(event(run, 1) as never);
      await tx.workflow.createProcedure(orderRef, { requestedProcedureId: 'RP1', studyInstanceUid: uid, steps: [], origin: { segment: 'IPC', sequence: 2 } });
      await tx.workflow.addOutbox(event(run, 3) as never);
    });
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: DomainErrorCode.DuplicateOrder, subject: { entity: 'requested-procedure', attribute: 'studyInstanceUid', origin: { segment: 'IPC', sequence: 2 } } });
    expect(await outboxOf(run)).toEqual([]);
    expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [second])).toHaveLength(0);
  });

  it('rolls back the writes when the work itself throws after them, and surfaces that error', async () => {
    const run = tag();
    const refusal = new DomainError(DomainErrorCode.InvalidValue, 'refused by the domain');
    const e = await outcome(async (tx) => {
      await threeWrites(tx, run);
      throw refusal;
    });
    expect(e).toBe(refusal);
    expect(await outboxOf(run)).toEqual([]);
  });
});

describe('PgUnitOfWork: a connection killed by the server', () => {
  const pidOf = async () => (await ingestBackends()).map((r) => r.pid as number);

  it('mid-transaction: the work fails, nothing is kept, and the next transaction runs on a new connection', async () => {
    await uow.run((tx) => tx.workflow.nextGeneratedNumber());
    const [before] = await pidOf();
    const run = tag();
    const e = await outcome(async (tx) => {
      await tx.workflow.addOutbox(event(run, 1) as never);
      await sql.query(TERMINATE_OURS, [before]);
      await tx.workflow.findPatient({ id: 'NOBODY', issuer: '' });
    });
    // which one the client sees first depends on timing: the server's FATAL or the socket's end
    expect({ lostConnection: e !== 'committed' && (['57P01', 'ECONNRESET', 'EPIPE'].includes(e.code ?? '') || /terminat|connection/i.test(e.message)), e }).toMatchObject({ lostConnection: true });
    const next = tag();
    await uow.run((tx) => threeWrites(tx, next));
    expect(await outboxOf(run)).toEqual([]);
    expect(await outboxOf(next)).toEqual([1, 2, 3]);
    const after = await pidOf();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
  });

  it('while idle in the pool: the next transaction runs on a new connection', async () => {
    await uow.run((tx) => tx.workflow.nextGeneratedNumber());
    const [before] = await pidOf();
    await sql.query(TERMINATE_OURS, [before]);
    await waitUntil(async () => (await pidOf()).length === 0);
    const run = tag();
    // the pool may hand out the dead connection once before it has seen it close: at most that attempt fails
    const first = await outcome((tx) => threeWrites(tx, run));
    if (first !== 'committed') await uow.run((tx) => threeWrites(tx, run));
    expect(await outboxOf(run)).toEqual([1, 2, 3]);
    expect((await pidOf())[0]).not.toBe(before);
  });
});

async function waitUntil(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await predicate()); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
}

/** A patient and an order for it, in tx; returns the order's ref. */
async function newOrder(tx: TransactionContext, accession: string): Promise<string> {
  const patientRef = await tx.workflow.upsertPatient({ identifier: { id: `P-${accession}`, issuer: 'HOSP_A' }, name: 'SYNTHETIC^PAT' });
  const order = await tx.workflow.createOrder(patientRef, 'RIS', { event: 'order.placed', accessionNumber: accession, procedures: [] } as never, {});
  return order!.ref;
}

describe('PgWorkflowStore: a duplicate Study Instance UID', () => {
  it('is a DuplicateOrder naming the study UID of the procedure and where the edge read it; nothing of the transaction stays', async () => {
    const uid = `2.25.${process.pid}${Date.now()}1`;
    await uow.run(async (tx) => tx.workflow.createProcedure(await newOrder(tx, tag()), { requestedProcedureId: 'RP1', studyInstanceUid: uid, steps: [] }));
    for (const origin of [{ segment: 'IPC', sequence: 3 }, { segment: 'OBR', sequence: 1 }, undefined]) {
      const accession = tag();
      const e = await outcome(async (tx) => tx.workflow.createProcedure(await newOrder(tx, accession), { requestedProcedureId: 'RP1', studyInstanceUid: uid, steps: [], origin }));
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toMatchObject({ code: DomainErrorCode.DuplicateOrder, subject: { entity: 'requested-procedure', attribute: 'studyInstanceUid', origin } });
      expect(await q('SELECT 1 FROM imaging_orders WHERE accession_number = $1', [accession])).toHaveLength(0);
    }
  });

  it('leaves another unique violation of the procedure insert as it is (not taken for a duplicate UID)', async () => {
    const e = await outcome(async (tx) => {
      const orderRef = await newOrder(tx, tag());
      await tx.workflow.createProcedure(orderRef, { requestedProcedureId: 'RP1', studyInstanceUid: `2.25.${process.pid}${Date.now()}2`, steps: [] });
      await tx.workflow.createProcedure(orderRef, { requestedProcedureId: 'RP1', studyInstanceUid: `2.25.${process.pid}${Date.now()}3`, steps: [] });
    });
    expect(e).not.toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: '23505', constraint: 'requested_procedures_order_rp_id' });
  });
});

describe('PgWorkflowStore: null clears a stored value, undefined keeps it', () => {
  const patient = (id: string) => q('SELECT name, name_ideographic, birth_date, birth_time, sex, mother_birth_name, issuer_universal_id FROM patients WHERE patient_id = $1', [id]);

  it('upsertPatient: a stated value replaces, null clears, a value not stated stays', async () => {
    const id = tag();
    const identifier = { id, issuer: 'HOSP_A' };
    await uow.run((tx) => tx.workflow.upsertPatient({
      identifier: { ...identifier, universalId: '1.2.3', universalIdType: 'ISO' }, name: 'FIRST^NAME', nameIdeographic: '名', birthDate: '19800215', birthTime: '0930', sex: 'F', motherBirthName: 'MOTHER^M',
    }));
    await uow.run((tx) => tx.workflow.upsertPatient({ identifier, name: undefined, nameIdeographic: null, birthDate: null, birthTime: undefined, sex: 'M' }));
    expect(await patient(id)).toEqual([{
      name: 'FIRST^NAME', name_ideographic: null, birth_date: null, birth_time: '0930', sex: 'M', mother_birth_name: 'MOTHER^M',
      issuer_universal_id: '1.2.3',
    }]);
  });

  it('upsertPatient: a new patient stored from nulls and undefineds alike has the fields empty', async () => {
    const id = tag();
    await uow.run((tx) => tx.workflow.upsertPatient({ identifier: { id, issuer: 'HOSP_A' }, name: null, birthDate: undefined }));
    expect(await patient(id)).toEqual([{ name: null, name_ideographic: null, birth_date: null, birth_time: null, sex: null, mother_birth_name: null, issuer_universal_id: null }]);
  });

  it('updateStep and updateProcedure: null clears, undefined keeps', async () => {
    const refs = await uow.run(async (tx) => {
      const orderRef = await newOrder(tx, tag());
      const procedure = await tx.workflow.createProcedure(orderRef, { requestedProcedureId: 'RP1', studyInstanceUid: `2.25.${process.pid}${Date.now()}4`, description: 'CT HEAD', comments: 'fasting', steps: [] });
      return { orderRef, procedureRef: procedure.ref };
    });
    const [{ patient_ref: patientRef }] = await q('SELECT patient_ref FROM imaging_orders WHERE id = $1', [refs.orderRef]);
    const step = await uow.run((tx) => tx.workflow.createStep(refs.procedureRef, patientRef, { spsId: 'S1', modality: 'CT', description: 'routine', comments: 'bring films', stationName: 'CT-A' }, 'SCHEDULED' as never));
    await uow.run(async (tx) => {
      await tx.workflow.updateStep(step.ref, { modality: 'MR', description: null, comments: undefined });
      await tx.workflow.updateProcedure(refs.procedureRef, { description: null, comments: undefined, steps: [] });
    });
    const [s] = await q('SELECT modality, description, comments, station_name FROM scheduled_procedure_steps WHERE id = $1', [step.ref]);
    expect(s).toEqual({ modality: 'MR', description: null, comments: 'bring films', station_name: 'CT-A' });
    const [r] = await q('SELECT description, comments FROM requested_procedures WHERE id = $1', [refs.procedureRef]);
    expect(r).toEqual({ description: null, comments: 'fasting' });
  });
});
