import { Pool } from 'pg';
import {
  ChangeSource, DomainError, DomainErrorCode, Lifecycle, PerformedSeries, StepEvent, StartPerformedStep, StartPerformedStepCommand, UpdatePerformedStep, UpdatePerformedStepCommand,
} from '@radflow/domain';
import { PgUnitOfWork, RetryingUnitOfWork } from '@radflow/persistence';
import { insertMwlItem, MwlItemRefs, MwlItemSpec } from '../../libs/testing/src/factories/mwl-rows';
import { Fault, installFault } from '../support/fault-trigger';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * The performed step use cases on real Postgres, through the pipelined unit of work: linking to
 * scheduled steps, the group, append and unscheduled cases, and what the lifecycle recorded.
 * Synthetic patients only.
 */

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
const faults: Fault[] = [];
let seq = 0;
const n = () => `${process.pid}${++seq}`;
const source: ChangeSource = { kind: 'dicom', ref: 'assoc-int-1' };
const start = new StartPerformedStep();
const update = new UpdatePerformedStep(() => new Date(2026, 11, 4, 11, 30, 5));

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

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

interface Seeded extends MwlItemRefs {
  accessionNumber: string;
  requestedProcedureId: string;
  spsId: string;
  studyInstanceUid: string;
}

async function seed(spec: Partial<MwlItemSpec> = {}): Promise<Seeded> {
  const id = n();
  const full = { accessionNumber: `ACC${id}`, requestedProcedureId: `RP${id}`, spsId: `SPS${id}`, studyInstanceUid: `1.2.826.0.1.3680043.10.999.7.${id}`, patientId: `PPS${id}`, ...spec };
  const refs = await insertMwlItem(sql, full);
  return { ...refs, accessionNumber: full.accessionNumber, requestedProcedureId: full.requestedProcedureId, spsId: full.spsId, studyInstanceUid: full.studyInstanceUid };
}

/** A second step in the same requested procedure. */
async function addStep(item: Seeded, spsId: string, modality = 'CT'): Promise<string> {
  const [row] = await q(
    `INSERT INTO scheduled_procedure_steps (procedure_ref, patient_ref, sps_id, modality, status) VALUES ($1, $2, $3, $4, 'SCHEDULED') RETURNING id`,
    [item.procedureRef, item.patientRef, spsId, modality],
  );
  return row.id;
}

const refOf = (s: Seeded) => ({ studyInstanceUid: s.studyInstanceUid, accessionNumber: s.accessionNumber, requestedProcedureId: s.requestedProcedureId, spsId: s.spsId });

function startCommand(o: Partial<StartPerformedStepCommand> = {}): StartPerformedStepCommand {
  return {
    instanceUid: `1.2.826.0.1.3680043.10.999.8.${n()}`, status: 'IN PROGRESS', references: [], patient: { id: 'PX1', name: 'DOE^JANE' },
    modality: 'CT', stationAeTitle: 'CT01', performedStepId: `PPS${n()}`, startDate: '20261204', startTime: '101500',
    series: [], receivedAttributes: { '00400252': { vr: 'CS', Value: ['IN PROGRESS'] } }, ...o,
  };
}

const series = (count: number): PerformedSeries[] => Array.from({ length: count }, (_, i) => ({ seriesInstanceUid: `1.2.3.${i}`, protocolName: 'CHEST', imageCount: 10, nonImageCount: 0 }));

function updateCommand(instanceUid: string, o: Partial<UpdatePerformedStepCommand> = {}): UpdatePerformedStepCommand {
  return { instanceUid, fixed: {}, receivedAttributes: {}, ...o };
}

const begin = (cmd: StartPerformedStepCommand) => uow.run((tx) => start.execute(tx, cmd, source));
const set = (cmd: UpdatePerformedStepCommand) => uow.run((tx) => update.execute(tx, cmd, source));
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a DomainError'); }, (e: DomainError) => e);
const stepStatus = async (ref: string) => (await q('SELECT status FROM scheduled_procedure_steps WHERE id = $1', [ref]))[0].status;
const studyStatus = async (ref: string) => (await q('SELECT study_status FROM requested_procedures WHERE id = $1', [ref]))[0].study_status;
const performed = async (uid: string) => (await q('SELECT * FROM performed_procedure_steps WHERE sop_instance_uid = $1', [uid]))[0];
const links = async (uid: string) => (await q('SELECT l.step_ref FROM performed_step_links l JOIN performed_procedure_steps p ON p.id = l.performed_ref WHERE p.sop_instance_uid = $1 ORDER BY l.step_ref', [uid])).map((r) => r.step_ref);

describe('StartPerformedStep on Postgres', () => {
  it('links the step its SPS ID and accession name, starts it and its study, and records both with the association as source', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    const outcome = await begin(cmd);
    expect(outcome).toMatchObject({ linkedSteps: 1, stepsChanged: 1, reconciliation: undefined });
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
    expect(await studyStatus(item.procedureRef)).toBe('in_progress');
    expect(await links(cmd.instanceUid)).toEqual([item.stepRef]);
    const row = await performed(cmd.instanceUid);
    expect(row).toMatchObject({ status: 'IN PROGRESS', modality: 'CT', performed_station_ae_title: 'CT01', needs_reconciliation: false, association_id: 'assoc-int-1', study_instance_uid: item.studyInstanceUid });
    expect(row.attributes).toEqual(cmd.receivedAttributes);
    const history = await q('SELECT scope, from_status, to_status, event, source_kind, source_ref FROM study_transitions WHERE procedure_ref = $1 ORDER BY id', [item.procedureRef]);
    expect(history).toEqual([
      { scope: 'step', from_status: 'SCHEDULED', to_status: 'STARTED', event: 'performed.started', source_kind: 'dicom', source_ref: 'assoc-int-1' },
      { scope: 'study', from_status: 'scheduled', to_status: 'in_progress', event: 'performed.started', source_kind: 'dicom', source_ref: 'assoc-int-1' },
    ]);
  });

  it('refuses a second performed step with the same instance UID, and keeps the first', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    const e = await failure(begin({ ...cmd, performedStepId: 'OTHER' }));
    expect(e.code).toBe(DomainErrorCode.DuplicatePerformedStep);
    expect((await performed(cmd.instanceUid)).performed_step_id).toBe(cmd.performedStepId);
  });

  it.each([
    ['accession and requested procedure ID, the SPS ID retyped', (s: Seeded) => ({ ...refOf(s), spsId: 'TYPO' })],
    ['the study UID alone', (s: Seeded) => ({ studyInstanceUid: s.studyInstanceUid })],
    ['the accession alone, its order having one procedure', (s: Seeded) => ({ studyInstanceUid: '1.2.9.9', accessionNumber: s.accessionNumber })],
  ])('links liberally by %s', async (_, reference) => {
    const item = await seed();
    const cmd = startCommand({ references: [reference(item)] });
    expect((await begin(cmd)).linkedSteps).toBe(1);
    expect(await links(cmd.instanceUid)).toEqual([item.stepRef]);
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
  });

  it('stores an unscheduled performed step with the modality patient for reconciliation, and invents no order', async () => {
    const orders = (await q('SELECT count(*)::int AS n FROM imaging_orders'))[0].n;
    const cmd = startCommand({ references: [{ studyInstanceUid: `1.2.826.0.1.3680043.10.999.9.${n()}` }], patient: { id: 'UNSCHED-1', issuer: 'SITE', name: 'ROE^RICHARD' } });
    expect(await begin(cmd)).toMatchObject({ linkedSteps: 0, reconciliation: 'unscheduled' });
    expect(await performed(cmd.instanceUid)).toMatchObject({
      needs_reconciliation: true, reconciliation_reason: 'unscheduled', patient_id: 'UNSCHED-1', patient_issuer: 'SITE', patient_name: 'ROE^RICHARD',
      study_instance_uid: cmd.references[0].studyInstanceUid,
    });
    expect(await links(cmd.instanceUid)).toEqual([]);
    expect((await q('SELECT count(*)::int AS n FROM imaging_orders'))[0].n).toBe(orders);
  });

  it('flags an accession that names no step as a mismatch', async () => {
    const cmd = startCommand({ references: [{ studyInstanceUid: '1.2.9.8', accessionNumber: `NOSUCH${n()}`, spsId: 'X' }] });
    expect(await begin(cmd)).toMatchObject({ linkedSteps: 0, reconciliation: 'no matching step for accession' });
    expect(await performed(cmd.instanceUid)).toMatchObject({ needs_reconciliation: true, reconciliation_reason: 'no matching step for accession' });
  });

  it('accepts a performed step for a cancelled order: the step stays cancelled, the table flag is recorded, the step waits for reconciliation', async () => {
    const item = await seed({ status: 'CANCELED' });
    const cmd = startCommand({ references: [refOf(item)] });
    expect(await begin(cmd)).toMatchObject({ linkedSteps: 1, stepsChanged: 0, reconciliation: 'order called off' });
    expect(await stepStatus(item.stepRef)).toBe('CANCELED');
    const flags = await q(`SELECT to_status, event, note, source_kind FROM study_transitions WHERE step_ref = $1 AND scope = 'flag'`, [item.stepRef]);
    expect(flags).toEqual([{ to_status: 'CANCELED', event: 'performed.started', note: 'acquired for a cancelled order', source_kind: 'dicom' }]);
  });

  it('retries a transaction that lost a race (40001) and applies it once', async () => {
    const item = await seed();
    faults.push(await installFault(sql, { table: 'performed_step_links', sqlstate: '40001', failures: 1 }));
    const retrying = new RetryingUnitOfWork(uow);
    const cmd = startCommand({ references: [refOf(item)] });
    await retrying.run((tx) => start.execute(tx, cmd, source));
    expect(await faults[0].calls()).toBe(2);
    expect((await q('SELECT count(*)::int AS n FROM performed_procedure_steps WHERE sop_instance_uid = $1', [cmd.instanceUid]))[0].n).toBe(1);
    expect((await q(`SELECT count(*)::int AS n FROM study_transitions WHERE step_ref = $1 AND scope = 'step'`, [item.stepRef]))[0].n).toBe(1);
  });
});

describe('UpdatePerformedStep on Postgres', () => {
  it('completes the step and its study; the end is stored, the series replace the stored ones', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)], series: series(1) });
    await begin(cmd);
    await set(updateCommand(cmd.instanceUid, { status: 'IN PROGRESS', series: series(3) }));
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
    const done = await set(updateCommand(cmd.instanceUid, { status: 'COMPLETED', endDate: '20261204', endTime: '103000', series: series(2), receivedAttributes: { '00400252': { vr: 'CS', Value: ['COMPLETED'] } } }));
    expect(done).toMatchObject({ status: 'COMPLETED', stepsChanged: 1, endFilled: false });
    expect(await stepStatus(item.stepRef)).toBe('COMPLETED');
    expect(await studyStatus(item.procedureRef)).toBe('completed');
    const row = await performed(cmd.instanceUid);
    expect(row).toMatchObject({ status: 'COMPLETED', end_date: '20261204', end_time: '103000' });
    expect(row.performed_series).toHaveLength(2);
    expect(row.attributes['00400252']).toEqual({ vr: 'CS', Value: ['COMPLETED'] });
    const events = await q(`SELECT event, source_kind FROM study_transitions WHERE step_ref = $1 AND scope = 'step' ORDER BY id`, [item.stepRef]);
    expect(events).toEqual([{ event: 'performed.started', source_kind: 'dicom' }, { event: 'performed.completed', source_kind: 'dicom' }]);
  });

  it('fills the end with now when a final update has none', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    expect((await set(updateCommand(cmd.instanceUid, { status: 'COMPLETED' }))).endFilled).toBe(true);
    expect(await performed(cmd.instanceUid)).toMatchObject({ end_date: '20261204', end_time: '113005' });
  });

  it.each([
    ['no series: the step is discontinued', 0, 'DISCONTINUED', 'discontinued'],
    ['some series: the images exist, the step is completed (partial)', 2, 'COMPLETED', 'completed'],
  ])('discontinued with %s', async (_, count, stepState, studyState) => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    await set(updateCommand(cmd.instanceUid, { status: 'DISCONTINUED', series: series(count), discontinuationReason: { value: '110514', scheme: 'DCM', meaning: 'Incorrect worklist entry selected' } }));
    expect(await stepStatus(item.stepRef)).toBe(stepState);
    expect(await studyStatus(item.procedureRef)).toBe(studyState);
    expect((await performed(cmd.instanceUid)).discontinuation_reason).toEqual({ value: '110514', scheme: 'DCM', meaning: 'Incorrect worklist entry selected' });
  });

  it('group case: one performed step for two steps of two orders moves both together', async () => {
    const [a, b] = [await seed(), await seed()];
    const extra = await addStep(a, `${a.spsId}-2`);
    const cmd = startCommand({ references: [refOf(a), { ...refOf(a), spsId: `${a.spsId}-2` }, refOf(b)] });
    expect((await begin(cmd)).linkedSteps).toBe(3);
    expect([await stepStatus(a.stepRef), await stepStatus(extra), await stepStatus(b.stepRef)]).toEqual(['STARTED', 'STARTED', 'STARTED']);
    await set(updateCommand(cmd.instanceUid, { status: 'COMPLETED', series: series(1) }));
    expect([await stepStatus(a.stepRef), await stepStatus(extra), await stepStatus(b.stepRef)]).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect([await studyStatus(a.procedureRef), await studyStatus(b.procedureRef)]).toEqual(['completed', 'completed']);
  });

  it('append case: the step completes only once one performed step completed and none is in progress', async () => {
    const item = await seed();
    const first = startCommand({ references: [refOf(item)] });
    const second = startCommand({ references: [refOf(item)] });
    await begin(first);
    await begin(second);
    expect(await links(second.instanceUid)).toEqual([item.stepRef]);
    await set(updateCommand(first.instanceUid, { status: 'DISCONTINUED' }));
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
    await set(updateCommand(second.instanceUid, { status: 'COMPLETED', series: series(1) }));
    expect(await stepStatus(item.stepRef)).toBe('COMPLETED');
    expect(await studyStatus(item.procedureRef)).toBe('completed');
  });

  it('refuses any update once the performed step is final', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    await set(updateCommand(cmd.instanceUid, { status: 'DISCONTINUED' }));
    const e = await failure(set(updateCommand(cmd.instanceUid, { status: 'COMPLETED' })));
    expect(e).toMatchObject({ code: DomainErrorCode.InvalidTransition, subject: { entity: 'performed-step', attribute: 'status' } });
    expect(e.message).toContain('may no longer be updated');
    expect((await performed(cmd.instanceUid)).status).toBe('DISCONTINUED');
  });

  it('follows the lifecycle table when the order was cancelled during the exam: completing is refused and nothing is stored', async () => {
    // STEP_TRANSITIONS refuses performed.completed on a DISCONTINUED step (order called off); the
    // edge answers that 0110 without A710. Should the table say ignore-and-flag instead, this changes.
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    await uow.run(async (tx) => {
      const [step] = await tx.workflow.findSteps(item.procedureRef);
      await Lifecycle.step(tx.workflow, step, StepEvent.Cancelled, { kind: 'hl7', ref: 'msg-1' });
      await Lifecycle.settleStudy(tx.workflow, item.procedureRef, StepEvent.Cancelled, { kind: 'hl7', ref: 'msg-1' });
    });
    expect(await stepStatus(item.stepRef)).toBe('DISCONTINUED');
    const e = await failure(set(updateCommand(cmd.instanceUid, { status: 'COMPLETED', series: series(1) })));
    expect(e).toMatchObject({ code: DomainErrorCode.InvalidTransition, subject: { entity: 'procedure-step' } });
    expect((await performed(cmd.instanceUid)).status).toBe('IN PROGRESS');
  });

  it('answers an unknown instance UID with UnknownPerformedStep', async () => {
    expect((await failure(set(updateCommand('1.2.3.4.5.6.7.404', { status: 'COMPLETED' })))).code).toBe(DomainErrorCode.UnknownPerformedStep);
  });

  it('accepts fixed values sent again unchanged, refuses a changed one and keeps the stored state', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    await set(updateCommand(cmd.instanceUid, { fixed: { references: [refOf(item)], modality: 'CT', patient: { name: 'DOE^JANE^' }, startDate: '20261204' } }));
    const e = await failure(set(updateCommand(cmd.instanceUid, { status: 'COMPLETED', fixed: { modality: 'MR' } })));
    expect(e).toMatchObject({ code: DomainErrorCode.UnchangeableValue, subject: { attribute: 'modality' } });
    expect((await performed(cmd.instanceUid)).status).toBe('IN PROGRESS');
    expect(await stepStatus(item.stepRef)).toBe('STARTED');
  });

  it('refuses a status outside the three', async () => {
    const item = await seed();
    const cmd = startCommand({ references: [refOf(item)] });
    await begin(cmd);
    expect(await failure(set(updateCommand(cmd.instanceUid, { status: 'DONE' })))).toMatchObject({ code: DomainErrorCode.InvalidValue, subject: { attribute: 'status' } });
  });
});
