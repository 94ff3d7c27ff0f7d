import { omiO23, ormO01 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { toPlaceOrdersCommand } from './order-message.mapper';

const firstStep = (text: string) => {
  const [group] = toPlaceOrdersCommand(parseHl7(text)).groups;
  return { group, procedure: group.procedures[0], step: group.procedures[0].steps[0] };
};

describe('SPS start: TQ1-7 → ORC-7.4 → OBR-27.4 → OBR-36', () => {
  it.each([
    ['TQ1-7 wins over ORC-7 and OBR-27', { start: '20261124080000', orcTiming: '^^^20261125090000', obrTiming: '^^^20261126100000' }, '20261124', '080000'],
    ['ORC-7.4 without TQ1', { start: '', priority: '', orcTiming: '^^^20261125090000', obrTiming: '^^^20261126100000' }, '20261125', '090000'],
    ['OBR-27.4 when ORC-7 is empty', { start: '', priority: '', obrTiming: '^^^20261126100000' }, '20261126', '100000'],
    ['OBR-36 last', { start: '', priority: '', obrFields: { 36: '202611271015' } }, '20261127', '1015'],
    ['an HL7 null is no start', { start: '""', orcTiming: '^^^""' }, undefined, undefined],
    ['nothing: the domain uses MSH-7', { start: '', priority: '' }, undefined, undefined],
  ])('OMI: %s', (_, fixture, date, time) => {
    const { step } = firstStep(omiO23(fixture));
    expect([step.startDate, step.startTime]).toEqual([date, time]);
  });

  it.each([
    ['ORC-7.4', {}, '20261124', '093000'],
    ['OBR-27.4 when ORC-7 is empty', { orcTiming: '', obrTiming: '^^^20261126100000+0200^^S' }, '20261126', '100000'],
    ['OBR-36 last', { orcTiming: '', obrFields: { 36: '20261127' } }, '20261127', undefined],
  ])('ORM: %s', (_, fixture, date, time) => {
    const { step } = firstStep(ormO01(fixture));
    expect([step.startDate, step.startTime]).toEqual([date, time]);
  });

  it('keeps the sender timezone offset and leaves a partial date out', () => {
    expect(firstStep(ormO01({ start: '20261124093000-0500' })).step).toMatchObject({ startDate: '20261124', startTime: '093000', timezoneOffset: '-0500' });
    expect(firstStep(ormO01({ start: '202611' })).step.startDate).toBeUndefined();
  });

  it('reads the end from TQ1-8, else ORC-7.5', () => {
    expect(firstStep(omiO23({ orcTiming: '^^^^20261124103000' })).step).toMatchObject({ endDate: '20261124', endTime: '103000' });
    const both = omiO23({ tq1Fields: { 8: '20261124100000' }, orcTiming: '^^^^20261124103000' });
    expect(firstStep(both).step).toMatchObject({ endDate: '20261124', endTime: '100000' });
    expect(firstStep(omiO23({ tq1Fields: { 8: '""' } })).step).toMatchObject({ endDate: null, endTime: null });
  });
});

describe('priority: TQ1-9 → ORC-7.6 → OBR-27.6, HL7 table 0027 → DICOM', () => {
  it.each([
    ['TQ1-9 wins', { priority: 'S', orcTiming: '^^^^^R' }, 'STAT'],
    ['ORC-7.6 without TQ1-9', { priority: '', orcTiming: '^^^^^A' }, 'HIGH'],
    ['OBR-27.6 last', { priority: '', obrTiming: '^^^^^T' }, 'MEDIUM'],
    ['PRN has no DICOM term: empty', { priority: 'PRN' }, null],
    ['HL7 null clears', { priority: '""' }, null],
    ['none keeps', { priority: '' }, undefined],
  ])('%s', (_, fixture, expected) => {
    const { group, procedure } = firstStep(omiO23(fixture));
    expect(group.priority).toBe(expected);
    expect(procedure.priority).toBe(expected);
  });

  it.each([
    ['ORC-7.6', { priority: 'C' }, 'HIGH'],
    ['OBR-27.6 when ORC-7 is empty', { orcTiming: '', obrTiming: '^^^^^P' }, 'HIGH'],
  ])('ORM: %s', (_, fixture, expected) => {
    expect(firstStep(ormO01(fixture)).procedure.priority).toBe(expected);
  });
});

describe('MSH-7 → messageTime', () => {
  it('is the fallback schedule time; a partial one is left out', () => {
    expect(toPlaceOrdersCommand(parseHl7(omiO23({ messageTime: '20261123101500+0100' }))).messageTime).toEqual({ date: '20261123', time: '101500' });
    expect(toPlaceOrdersCommand(parseHl7(omiO23({ messageTime: '202611' }))).messageTime).toBeUndefined();
  });
});
