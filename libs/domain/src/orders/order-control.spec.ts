import { SpsStatus } from '../procedure-steps';
import { findOrderControlRule, ORDER_CONTROL_TABLE, OrderAction } from './order-control';
import { PRIORITY_TABLE, toDicomPriority } from './priority';

describe('order control table (ORC-1 × ORC-5)', () => {
  it.each([
    ['NW', 'SC', OrderAction.Create, SpsStatus.Scheduled],
    ['NW', 'IP', OrderAction.Create, SpsStatus.Scheduled],
    ['NW', undefined, OrderAction.Create, SpsStatus.Scheduled],
    ['XO', 'SC', OrderAction.Update, undefined],
    ['XO', 'CM', OrderAction.Update, SpsStatus.Completed],
    ['CA', 'CA', OrderAction.Cancel, SpsStatus.Canceled],
    ['OC', 'CA', OrderAction.Cancel, SpsStatus.Canceled],
    ['CR', 'CA', OrderAction.Cancel, SpsStatus.Canceled],
    ['DC', 'CA', OrderAction.Discontinue, SpsStatus.Discontinued],
    ['DC', 'DC', OrderAction.Discontinue, SpsStatus.Discontinued],
    ['OD', 'DC', OrderAction.Discontinue, SpsStatus.Discontinued],
    ['DR', 'DC', OrderAction.Discontinue, SpsStatus.Discontinued],
    ['HD', 'HD', OrderAction.Hold, undefined],
    ['OH', 'HD', OrderAction.Hold, undefined],
    ['RL', 'SC', OrderAction.Release, undefined],
    ['OE', 'SC', OrderAction.Release, undefined],
    ['SC', 'SC', OrderAction.StatusChange, SpsStatus.Scheduled],
    ['SC', 'IP', OrderAction.StatusChange, SpsStatus.Started],
    ['SC', 'CM', OrderAction.StatusChange, SpsStatus.Completed],
    ['SC', 'A', OrderAction.StatusChange, SpsStatus.Completed],
    ['SC', 'CA', OrderAction.StatusChange, SpsStatus.Canceled],
    ['SC', 'DC', OrderAction.StatusChange, SpsStatus.Discontinued],
    ['SN', undefined, OrderAction.None, undefined],
    ['NA', undefined, OrderAction.None, undefined],
    ['OK', undefined, OrderAction.None, undefined],
    ['UA', undefined, OrderAction.None, undefined],
    ['UC', undefined, OrderAction.None, undefined],
    ['XR', undefined, OrderAction.None, undefined],
    ['UX', undefined, OrderAction.None, undefined],
  ])('%s/%s → %s, step %s', (control, status, action, sps) => {
    const rule = findOrderControlRule(control, status);
    expect(rule).toBeDefined();
    expect(rule!.action).toBe(action);
    expect(rule!.spsStatus).toBe(sps);
  });

  it('is case-insensitive, as senders are', () => {
    expect(findOrderControlRule('nw', 'sc')?.action).toBe(OrderAction.Create);
  });

  it.each([['ZZ', 'SC'], ['SC', 'XX'], ['SC', undefined], ['', 'SC']])('has no rule for %s/%s', (control, status) => {
    expect(findOrderControlRule(control, status)).toBeUndefined();
  });

  it('covers every control code of the table in the cases above', () => {
    const codes = new Set(ORDER_CONTROL_TABLE.map((r) => r.control));
    expect([...codes].sort()).toEqual(['CA', 'CR', 'DC', 'DR', 'HD', 'NA', 'NW', 'OC', 'OD', 'OE', 'OH', 'OK', 'RL', 'SC', 'SN', 'UA', 'UC', 'UX', 'XO', 'XR']);
  });
});

describe('priority table (HL7 0027 → DICOM)', () => {
  it.each([
    ['S', 'STAT'], ['A', 'HIGH'], ['P', 'HIGH'], ['C', 'HIGH'], ['R', 'ROUTINE'], ['T', 'MEDIUM'],
    ['s', 'STAT'], ['PRN', undefined], ['', undefined], [undefined, undefined],
  ])('%s → %s', (hl7, dicom) => {
    expect(toDicomPriority(hl7)).toBe(dicom);
  });

  it('maps only to DICOM defined terms', () => {
    for (const v of Object.values(PRIORITY_TABLE)) expect(['STAT', 'HIGH', 'ROUTINE', 'MEDIUM', 'LOW']).toContain(v);
  });
});
