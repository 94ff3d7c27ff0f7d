import { DomainErrorCode } from '../common';
import { SpsStatus } from '../procedure-steps';
import type { ChangeSource } from '../workflow';
import type { StartPerformedStepCommand, UpdatePerformedStepCommand } from './performed-step-commands';
import { FakeStores } from './performed-steps.fixture';
import { StartPerformedStep } from './start-performed-step.use-case';
import { UpdatePerformedStep } from './update-performed-step.use-case';

const source: ChangeSource = { kind: 'dicom', ref: 'assoc-1' };
const start = new StartPerformedStep();
const update = new UpdatePerformedStep(() => new Date(2026, 11, 4, 9, 5, 7));
let uids = 0;

function startCommand(o: Partial<StartPerformedStepCommand> = {}): StartPerformedStepCommand {
  return {
    instanceUid: `1.2.9.${++uids}`, status: 'IN PROGRESS', references: [{ studyInstanceUid: '1.2.8' }], patient: { id: 'P1' }, modality: 'CT', stationAeTitle: 'CT01',
    performedStepId: 'PPS1', startDate: '20261204', startTime: '090000', series: [], receivedAttributes: {}, ...o,
  };
}
const finish = (instanceUid: string, status: string, o: Partial<UpdatePerformedStepCommand> = {}): UpdatePerformedStepCommand => ({ instanceUid, status, fixed: {}, receivedAttributes: {}, ...o });
const seriesOf = (n: number) => Array.from({ length: n }, () => ({ imageCount: 1, nonImageCount: 0 }));
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e) => e);

describe('performed step use cases (in-memory stores)', () => {
  let db: FakeStores;
  beforeEach(() => (db = new FakeStores()));

  it('starts every referenced step together and the studies follow (group case)', async () => {
    const [a, b] = [db.addStep('a'), db.addStep('b')];
    const out = await start.execute(db.tx(), startCommand({ references: [{ accessionNumber: a.accessionNumber, spsId: a.spsId, studyInstanceUid: '1.9' }, { studyInstanceUid: b.studyInstanceUid }] }), source);
    expect(out).toMatchObject({ linkedSteps: 2, stepsChanged: 2 });
    expect([a.ref, b.ref].map((r) => db.steps.get(r)!.status)).toEqual([SpsStatus.Started, SpsStatus.Started]);
    expect(db.studies.get(a.procedureRef)).toBe('in_progress');
    expect(db.history).toContain('step a SCHEDULED->STARTED performed.started dicom');
  });

  it('refuses an N-CREATE style start that is not IN PROGRESS, or lacks a required value, before touching anything', async () => {
    expect(await errorOf(start.execute(db.tx(), startCommand({ status: 'COMPLETED' }), source))).toMatchObject({ code: DomainErrorCode.InvalidValue, subject: { attribute: 'status' } });
    expect(await errorOf(start.execute(db.tx(), startCommand({ startTime: '' }), source))).toMatchObject({ code: DomainErrorCode.RequiredFieldMissing, subject: { attribute: 'startTime' } });
    expect(await errorOf(start.execute(db.tx(), startCommand({ references: [{ accessionNumber: 'A' }] }), source))).toMatchObject({ code: DomainErrorCode.RequiredFieldMissing, subject: { attribute: 'references.studyInstanceUid' } });
    expect(await errorOf(start.execute(db.tx(), startCommand({ startDate: '2026-12-04' }), source))).toMatchObject({ code: DomainErrorCode.InvalidValue, subject: { attribute: 'startDate' } });
    expect(db.performed.size).toBe(0);
  });

  it('keeps an unscheduled performed step for reconciliation, linked to nothing', async () => {
    db.addStep('a');
    const out = await start.execute(db.tx(), startCommand({ references: [{ studyInstanceUid: '1.9.9' }] }), source);
    expect(out).toMatchObject({ linkedSteps: 0, reconciliation: 'unscheduled' });
    expect([...db.performed.values()][0]).toMatchObject({ needsReconciliation: true, reconciliationReason: 'unscheduled', studyInstanceUid: '1.9.9', patient: { id: 'P1' } });
  });

  it('completes a step only once no performed step of it is in progress (append case)', async () => {
    const a = db.addStep('a');
    const ref = { studyInstanceUid: a.studyInstanceUid };
    const [first, second] = [startCommand({ references: [ref] }), startCommand({ references: [ref] })];
    await start.execute(db.tx(), first, source);
    await start.execute(db.tx(), second, source);
    await update.execute(db.tx(), finish(first.instanceUid, 'COMPLETED', { series: seriesOf(1) }), source);
    expect(db.steps.get('a')!.status).toBe(SpsStatus.Started);
    const out = await update.execute(db.tx(), finish(second.instanceUid, 'DISCONTINUED'), source);
    expect(out.stepsChanged).toBe(1);
    expect(db.steps.get('a')!.status).toBe(SpsStatus.Completed);
    expect(db.studies.get(a.procedureRef)).toBe('completed');
  });

  it('stamps the end of a final update that has none', async () => {
    const cmd = startCommand({ references: [{ studyInstanceUid: db.addStep('a').studyInstanceUid }] });
    await start.execute(db.tx(), cmd, source);
    expect((await update.execute(db.tx(), finish(cmd.instanceUid, 'COMPLETED'), source)).endFilled).toBe(true);
    expect([...db.performed.values()][0]).toMatchObject({ endDate: '20261204', endTime: '090507' });
  });

  it('refuses updates of a final or unknown performed step', async () => {
    const cmd = startCommand({ references: [{ studyInstanceUid: db.addStep('a').studyInstanceUid }] });
    await start.execute(db.tx(), cmd, source);
    await update.execute(db.tx(), finish(cmd.instanceUid, 'DISCONTINUED'), source);
    expect(await errorOf(update.execute(db.tx(), finish(cmd.instanceUid, 'IN PROGRESS'), source))).toMatchObject({ code: DomainErrorCode.InvalidTransition, subject: { entity: 'performed-step' } });
    expect(await errorOf(update.execute(db.tx(), finish('1.2.404', 'COMPLETED'), source))).toMatchObject({ code: DomainErrorCode.UnknownPerformedStep });
    expect(await errorOf(start.execute(db.tx(), cmd, source))).toMatchObject({ code: DomainErrorCode.DuplicatePerformedStep });
  });
});
