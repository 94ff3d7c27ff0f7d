import { OrderEvent } from '@radflow/domain';
import { PRIORITY_TABLE, toDicomPriority } from './priority.table';
import { findOrderControlRule, ORDER_CONTROL_TABLE } from './order-control.table';

describe('order control table (ORC-1 × ORC-5 → order event)', () => {
  it.each([
    ['NW', 'SC', OrderEvent.Place],
    ['NW', 'IP', OrderEvent.Place],
    ['NW', undefined, OrderEvent.Place],
    ['XO', 'SC', OrderEvent.Change],
    ['XO', 'CM', OrderEvent.ChangeCompleted],
    ['CA', 'CA', OrderEvent.Cancel],
    ['OC', 'CA', OrderEvent.Cancel],
    ['CR', 'CA', OrderEvent.Cancel],
    ['DC', 'CA', OrderEvent.Discontinue],
    ['DC', 'DC', OrderEvent.Discontinue],
    ['OD', 'DC', OrderEvent.Discontinue],
    ['DR', 'DC', OrderEvent.Discontinue],
    ['HD', 'HD', OrderEvent.Hold],
    ['OH', 'HD', OrderEvent.Hold],
    ['RL', 'SC', OrderEvent.Release],
    ['OE', 'SC', OrderEvent.Release],
    ['SC', 'SC', OrderEvent.StatusScheduled],
    ['SC', 'IP', OrderEvent.StatusStarted],
    ['SC', 'CM', OrderEvent.StatusCompleted],
    ['SC', 'A', OrderEvent.StatusCompleted],
    ['SC', 'CA', OrderEvent.Cancel],
    ['SC', 'DC', OrderEvent.Discontinue],
    ['SN', undefined, 'none'],
    ['NA', undefined, 'none'],
    ['OK', undefined, 'none'],
    ['UA', undefined, 'none'],
    ['UC', undefined, 'none'],
    ['XR', undefined, 'none'],
    ['UX', undefined, 'none'],
  ])('%s/%s → %s', (control, status, event) => {
    const rule = findOrderControlRule(control, status);
    expect(rule).toBeDefined();
    expect(rule!.event).toBe(event);
  });

  it('is case-insensitive, as senders are', () => {
    expect(findOrderControlRule('nw', 'sc')?.event).toBe(OrderEvent.Place);
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
