import { DomainError, DomainErrorCode } from '../common';
import { SpsStatus } from '../procedure-steps';
import { OrderRecord, OutboxEvent, ProcedureRecord, StepRecord, WorkflowStore } from '../workflow';
import { OrderGroupCommand, PlaceOrdersCommand } from './order-commands';
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
  setStepState = async (ref: string, change: { status?: SpsStatus; held?: boolean }) => {
    Object.assign(this.steps.find((s) => s.ref === ref)!, Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)));
  };
  recordTransition = async (t: { from: string | null; to: string; event: string }, e: OutboxEvent) => {
    this.history.push({ from: t.from, to: t.to, event: t.event });
    this.outbox.push(e);
  };
  addOutbox = async (e: OutboxEvent) => void this.outbox.push(e);
  nextGeneratedNumber = async () => ++this.n;
}

const source = { kind: 'hl7' as const, ref: 'msg-1' };
const orc = { segment: 'ORC', sequence: 1 };

function command(control: string, status: string | undefined, extra: Partial<OrderGroupCommand> = {}): PlaceOrdersCommand {
  return {
    patient: { identifier: { id: 'P1', issuer: 'HOSP' } },
    visit: {},
    sendingApplication: 'RIS',
    messageTime: { date: '20261123', time: '101500' },
    groups: [{ control, orderStatus: status, accessionNumber: 'A1', procedures: [{ requestedProcedureId: 'RP1', steps: [{ spsId: 'S1' }, { spsId: 'S2' }] }], source: orc, ...extra }],
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
      { from: null, to: 'SCHEDULED', event: 'order.new' },
      { from: null, to: 'SCHEDULED', event: 'order.new' },
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

  it('refuses an unknown order control code or status pair at ORC-1 / ORC-5', async () => {
    const e1 = await apply(command('ZZ', 'SC')).catch((e) => e);
    expect(e1).toMatchObject({ code: DomainErrorCode.InvalidValue, location: { segment: 'ORC', field: 1 } });
    const e2 = await apply(command('SC', 'XX')).catch((e) => e);
    expect(e2).toMatchObject({ code: DomainErrorCode.InvalidValue, location: { segment: 'ORC', field: 5 } });
  });

  it('cancels every step, records the transition, and treats a resent cancel as done', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('CA', 'CA'));
    expect(store.steps.map((s) => s.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(store.history.slice(2)).toEqual([
      { from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancel' },
      { from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancel' },
    ]);
    expect(await codeOf(apply(command('CA', 'CA')))).toBe('ok');
    expect(store.history).toHaveLength(4);
  });

  it('refuses to cancel a started step (DC is the way) and to move a finished one', async () => {
    await apply(command('NW', 'SC'));
    await apply(command('SC', 'IP'));
    expect(await codeOf(apply(command('CA', 'CA')))).toBe(DomainErrorCode.InvalidTransition);
    await apply(command('DC', 'DC'));
    expect(store.steps.map((s) => s.status)).toEqual(['DISCONTINUED', 'DISCONTINUED']);
    expect(await codeOf(apply(command('SC', 'CM')))).toBe(DomainErrorCode.InvalidTransition);
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
    expect(error).toMatchObject({ code: DomainErrorCode.InvalidTransition, location: { segment: 'ORC', field: 1 } });
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
