import { DomainError, DomainErrorCode } from '../common';
import { SpsStatus } from '../procedure-steps';
import { deriveStudyState, StudyState } from '../lifecycle';
import { LifecycleFlag, OrderRecord, OutboxEvent, ProcedureRecord, StepRecord, StepTransitionRecord, StudyTransitionRecord, WorkflowStore } from '../workflow';
import { OrderGroupCommand, PlaceOrdersCommand } from './order-commands';
import { OrderEvent } from './order-event';
import { OrderService } from './order.service';

/** An in-memory WorkflowStore: enough state to check what the service decides. */
class MemoryStore implements Partial<WorkflowStore> {
  orders: OrderRecord[] = [];
  procedures: ProcedureRecord[] = [];
  steps: (StepRecord & { startDate?: string })[] = [];
  history: { from: string | null; to: string; event: string }[] = [];
  outbox: OutboxEvent[] = [];
  private n = 0;

  upsertPatient = async () => 'patient-1';
  findOrder = async (k: { accessionNumber?: string }) => this.orders.find((o) => o.accessionNumber === k.accessionNumber) ?? null;
  createOrder = async (patientRef: string, _app: string, g: OrderGroupCommand) => {
    if (g.accessionNumber && this.orders.some((o) => o.accessionNumber === g.accessionNumber)) return null;
    const o = { ref: `order-${++this.n}`, patientRef, accessionNumber: g.accessionNumber ?? '' };
    this.orders.push(o);
    return o;
  };
  updateOrder = async () => undefined;
  findProcedures = async (orderRef: string) => this.procedures.filter((p) => p.orderRef === orderRef);
  createProcedure = async (orderRef: string, p: { requestedProcedureId: string; studyInstanceUid: string }) => {
    const r = { ref: `rp-${++this.n}`, orderRef, requestedProcedureId: p.requestedProcedureId, studyInstanceUid: p.studyInstanceUid };
    this.procedures.push(r);
    return r;
  };
  updateProcedure = async () => undefined;
  findSteps = async (procedureRef: string) => this.steps.filter((s) => s.procedureRef === procedureRef);
  createStep = async (procedureRef: string, _p: string, s: { spsId: string; startDate?: string }, status: SpsStatus) => {
    const r = { ref: `sps-${++this.n}`, procedureRef, spsId: s.spsId, status, held: false, startDate: s.startDate };
    this.steps.push(r);
    return r;
  };
  updateStep = async () => undefined;
  studies = new Map<string, StudyState>();
  studyHistory: { from: string; to: string; event: string }[] = [];
  flags: LifecycleFlag[] = [];
  transitionStep = async (t: StepTransitionRecord) => {
    const step = this.steps.find((s) => s.ref === t.stepRef)!;
    if (t.from !== null && step.status !== t.from) throw Object.assign(new Error('changed concurrently'), { code: '40001' });
    step.status = t.to;
    if (t.held !== undefined) step.held = t.held;
    this.history.push({ from: t.from, to: t.to, event: t.event });
    this.outbox.push({ topic: 'procedure-step.changed', aggregateId: t.stepRef, payload: { from: t.from, to: t.to } });
  };
  findStudy = async (procedureRef: string) => {
    const procedure = this.procedures.find((p) => p.ref === procedureRef);
    if (!procedure) return null;
    const steps = this.steps.filter((s) => s.procedureRef === procedureRef).map((s) => ({ ...s }));
    return { ref: procedureRef, orderRef: procedure.orderRef, state: this.studies.get(procedureRef) ?? StudyState.Scheduled, steps };
  };
  transitionStudy = async (t: StudyTransitionRecord) => {
    this.studies.set(t.procedureRef, t.to);
    this.studyHistory.push({ from: t.from, to: t.to, event: t.event });
  };
  recordFlag = async (f: LifecycleFlag) => void this.flags.push(f);
  addOutbox = async (e: OutboxEvent) => void this.outbox.push(e);
  nextGeneratedNumber = async () => ++this.n;
}

const source = { kind: 'hl7' as const, ref: 'msg-1' };
const orc = { segment: 'ORC', sequence: 1 };

/** The HL7 edge's order control codes, as the events it maps them to (the table is the edge's own). */
const EVENT: Record<string, OrderEvent> = {
  'NW/SC': OrderEvent.Place, 'XO/SC': OrderEvent.Change, 'XO/CM': OrderEvent.ChangeCompleted, 'CA/CA': OrderEvent.Cancel, 'DC/DC': OrderEvent.Discontinue,
  'HD/HD': OrderEvent.Hold, 'RL/SC': OrderEvent.Release, 'SC/SC': OrderEvent.StatusScheduled, 'SC/IP': OrderEvent.StatusStarted, 'SC/CM': OrderEvent.StatusCompleted,
  'CA/SC': OrderEvent.Cancel, 'DC/SC': OrderEvent.Discontinue, 'HD/SC': OrderEvent.Hold,
};

function command(control: string, status: string | undefined, extra: Partial<OrderGroupCommand> = {}): PlaceOrdersCommand {
  const event = EVENT[`${control}/${status}`];
  if (!event) throw new Error(`no event for ${control}/${status} in this spec`);
  return {
    patient: { identifier: { id: 'P1', issuer: 'HOSP' } },
    visit: {},
    sendingApplication: 'RIS',
    messageTime: { date: '20261123', time: '101500' },
    groups: [{ event, accessionNumber: 'A1', procedures: [{ requestedProcedureId: 'RP1', steps: [{ spsId: 'S1' }, { spsId: 'S2' }] }], origin: orc, ...extra }],
  };
}

describe('OrderService', () => {
  let store: MemoryStore;
  const service = new OrderService({ newOrderWhenExists: 'reject' });
  const apply = (cmd: PlaceOrdersCommand, svc = service) => svc.apply(store as unknown as WorkflowStore, cmd, source);
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: DomainError) => e.code);

  beforeEach(() => (store = new MemoryStore()));

  it('creates an order with its procedure and steps, scheduled, with history and outbox rows', async () => {
    expect(await apply(command('NW', 'SC'))).toEqual({ orders: 1, stepsCreated: 2, stepsChanged: 0 });
    expect(store.steps.map((s) => [s.spsId, s.status])).toEqual([['S1', 'SCHEDULED'], ['S2', 'SCHEDULED']]);
    expect(store.history).toEqual([
      { from: null, to: 'SCHEDULED', event: 'order.placed' },
      { from: null, to: 'SCHEDULED', event: 'order.placed' },
    ]);
    expect(store.outbox).toHaveLength(2);
    expect(store.procedures[0].studyInstanceUid).toMatch(/^2\.25\.\d+$/);
  });

  it('schedules a step without a start at the message time', async () => {
    await apply(command('NW', 'SC'));
    expect(store.steps[0].startDate).toBe('20261123');
  });

  it('generates RP and SPS ids when the order has none', async () => {
    await apply(command('NW', 'SC', { procedures: [{ steps: [] }] }));
    expect(store.procedures[0].requestedProcedureId).toBe('A1');
    expect(store.steps[0].spsId).toBe('A1');
  });

  it('refuses an NW without accession, or takes it when the policy accepts one, generating the ids it has none for', async () => {
    const noAccession = command('NW', 'SC', { accessionNumber: undefined, placerOrderNumber: 'PL1', procedures: [{ steps: [] }] });
    expect(await codeOf(apply(noAccession))).toBe(DomainErrorCode.RequiredFieldMissing);
    const accepting = new OrderService({ newOrderWhenExists: 'reject', missingAccession: 'accept' });
    expect(await codeOf(apply(noAccession, accepting))).toBe('ok');
    expect(store.orders.map((o) => o.accessionNumber)).toEqual(['']);
    expect(store.procedures[0].requestedProcedureId).toMatch(/^RP[0-9A-Z]+$/);
    expect(store.steps[0].spsId).not.toBe('');
  });

  it('refuses a second NW for the same order, or updates when the site says so', async () => {
    await apply(command('NW', 'SC'));
    expect(await codeOf(apply(command('NW', 'SC')))).toBe(DomainErrorCode.DuplicateOrder);
    const lenient = new OrderService({ newOrderWhenExists: 'update' });
    expect(await codeOf(apply(command('NW', 'SC'), lenient))).toBe('ok');
    expect(store.steps).toHaveLength(2);
  });

  it.each(['XO', 'CA', 'DC', 'HD', 'RL', 'SC'])('answers UNKNOWN_ORDER for %s of an order that does not exist, changing nothing', async (control) => {
    expect(await codeOf(apply(command(control, control === 'SC' ? 'IP' : 'SC')))).toBe(DomainErrorCode.UnknownOrder);
    expect(store.orders).toHaveLength(0);
  });

  it('cancels every step, records the transition, and treats a resent cancel as done', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('CA', 'CA'));
    expect(store.steps.map((s) => s.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(store.history.slice(2)).toEqual([
      { from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancelled' },
      { from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancelled' },
    ]);
    expect(await codeOf(apply(command('CA', 'CA')))).toBe('ok');
    expect(store.history).toHaveLength(4);
  });

  it('discontinues a started step that is cancelled (images may exist) and refuses to move a finished one', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('SC', 'IP'));
    await apply(command('CA', 'CA'));
    expect(store.steps.map((s) => s.status)).toEqual(['DISCONTINUED', 'DISCONTINUED']);
    expect(await codeOf(apply(command('SC', 'CM')))).toBe(DomainErrorCode.InvalidTransition);
    expect(store.studies.get(store.procedures[0].ref)).toBe(StudyState.Discontinued);
  });

  it('refuses to cancel a completed step, changing nothing', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('SC', 'CM'));
    const before = store.history.length;
    const error = await apply(command('CA', 'CA')).catch((e) => e);
    expect(error).toMatchObject({ code: DomainErrorCode.InvalidTransition, subject: { entity: 'order', attribute: 'event', origin: orc } });
    expect(store.history).toHaveLength(before);
    expect(store.steps.map((s) => s.status)).toEqual(['COMPLETED', 'COMPLETED']);
  });

  it('moves the study with its steps: scheduled, in progress, completed', async () => {
    await apply(command('NW', 'SC'));
    expect(store.studies.get(store.procedures[0].ref) ?? StudyState.Scheduled).toBe(StudyState.Scheduled);
    await apply(command('SC', 'IP'));
    expect(store.studies.get(store.procedures[0].ref)).toBe(StudyState.InProgress);
    await apply(command('SC', 'CM'));
    expect(store.studyHistory).toEqual([
      { from: 'scheduled', to: 'in_progress', event: 'order.status-started' },
      { from: 'in_progress', to: 'completed', event: 'order.status-completed' },
    ]);
    expect(deriveStudyState(store.steps)).toBe(StudyState.Completed);
  });

  it('holds and releases without changing the status', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('HD', 'HD'));
    expect(store.steps.map((s) => [s.status, s.held])).toEqual([['SCHEDULED', true], ['SCHEDULED', true]]);
    await apply(command('RL', 'SC'));
    expect(store.steps.every((s) => !s.held)).toBe(true);
  });

  it('cancels only the procedures a group names', async () => {
    await apply(command('NW', 'SC', { procedures: [{ requestedProcedureId: 'RP1', steps: [{ spsId: 'S1' }] }, { requestedProcedureId: 'RP2', steps: [{ spsId: 'S2' }] }] }));
    await apply(command('CA', 'CA', { procedures: [{ requestedProcedureId: 'RP2', steps: [] }] }));
    expect(store.steps.map((s) => [s.spsId, s.status])).toEqual([['S1', 'SCHEDULED'], ['S2', 'CANCELED']]);
    expect(await codeOf(apply(command('CA', 'CA', { procedures: [{ requestedProcedureId: 'RP9', steps: [] }] })))).toBe(DomainErrorCode.UnknownOrder);
  });

  it('adds a procedure named by a change (XO) and keeps existing ones', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('XO', 'SC', { procedures: [{ requestedProcedureId: 'RP2', steps: [{ spsId: 'S9' }] }] }));
    expect(store.procedures.map((p) => p.requestedProcedureId)).toEqual(['RP1', 'RP2']);
    expect(store.steps).toHaveLength(3);
  });

  it.each([
    ['cancelled', 'CA', 'CA'],
    ['discontinued', 'DC', 'DC'],
  ])('refuses a change (XO) of an order that was %s, at ORC-1, changing nothing', async (_, control, status) => {
    await apply(command('NW', 'SC'));
    await apply(command(control, status));
    const updates = jest.spyOn(store, 'updateOrder');
    const error = await apply(command('XO', 'SC', { procedures: [{ requestedProcedureId: 'RP2', steps: [{ spsId: 'S9' }] }] })).catch((e) => e);
    expect(error).toMatchObject({ code: DomainErrorCode.InvalidTransition, subject: { entity: 'order', attribute: 'event', origin: orc } });
    expect(updates).not.toHaveBeenCalled();
    expect(store.procedures).toHaveLength(1);
  });

  it('refuses a change (XO) of a cancelled step while its order has open ones', async () => {
    await apply(command('NW', 'SC', { procedures: [{ requestedProcedureId: 'RP1', steps: [{ spsId: 'S1' }] }, { requestedProcedureId: 'RP2', steps: [{ spsId: 'S2' }] }] }));
    await apply(command('CA', 'CA', { procedures: [{ requestedProcedureId: 'RP2', steps: [] }] }));
    expect(await codeOf(apply(command('XO', 'SC', { procedures: [{ requestedProcedureId: 'RP2', steps: [{ spsId: 'S2' }] }] })))).toBe(DomainErrorCode.InvalidTransition);
    expect(await codeOf(apply(command('XO', 'SC', { procedures: [{ requestedProcedureId: 'RP1', steps: [{ spsId: 'S1' }] }] })))).toBe('ok');
  });

  it('still takes a change after completion (XO with CM)', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('SC', 'CM'));
    expect(await codeOf(apply(command('XO', 'CM')))).toBe('ok');
  });

  it('needs an accession number to create an order', async () => {
    expect(await codeOf(apply(command('NW', 'SC', { accessionNumber: undefined })))).toBe(DomainErrorCode.RequiredFieldMissing);
  });
});
