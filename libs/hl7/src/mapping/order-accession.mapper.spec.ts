import { omiO23, ormO01 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { toPlaceOrdersCommand } from './order-message.mapper';

const firstGroup = (text: string, options: Parameters<typeof toPlaceOrdersCommand>[1]) => toPlaceOrdersCommand(parseHl7(text), options).groups[0];

describe('accession sources (sender profile accessionSources)', () => {
  it('reads OBR-18 (ORM) and IPC-1 (OMI) when the profile names no sources', () => {
    expect(firstGroup(ormO01({ accession: 'ACC1' }), {}).accessionNumber).toBe('ACC1');
    expect(firstGroup(omiO23({ accession: 'ACC2^HOSP' }), {})).toMatchObject({ accessionNumber: 'ACC2', accessionIssuer: { namespaceId: 'HOSP' } });
  });

  it('takes the first valued source: the filler number (ORC-3) when OBR-18 is empty', () => {
    const text = ormO01({ accession: '', fillerOrderNumber: 'FL77^RADFLOW' });
    expect(firstGroup(text, { accessionSources: ['OBR-18', 'filler'] })).toMatchObject({ accessionNumber: 'FL77', accessionIssuer: { namespaceId: 'RADFLOW' } });
    const change = ormO01({ orderControl: 'XO', accession: '', fillerOrderNumber: 'FL77^RADFLOW' });
    expect(firstGroup(change, { accessionSources: ['OBR-18'] }).accessionNumber).toBeUndefined();
  });

  it('follows the profile order even when an earlier default source is valued', () => {
    const text = ormO01({ accession: 'ACC1', placerOrderNumber: 'PL9^RIS' });
    expect(firstGroup(text, { accessionSources: ['placer', 'OBR-18'] }).accessionNumber).toBe('PL9');
  });

  it('filler falls back to OBR-3 when ORC-3 is empty', () => {
    const text = ormO01({ accession: '', fillerOrderNumber: '', obrFields: { 3: 'FL88' } });
    expect(firstGroup(text, { accessionSources: ['filler'] }).accessionNumber).toBe('FL88');
  });

  it('skips a source the message style lacks (IPC-1 in ORM)', () => {
    const text = ormO01({ accession: 'ACC1' });
    expect(firstGroup(text, { accessionSources: ['IPC-1', 'OBR-18'] }).accessionNumber).toBe('ACC1');
  });

  it('a new order with no valued source is refused at the first source named', () => {
    const text = ormO01({ accession: '', fillerOrderNumber: '' });
    expect(() => toPlaceOrdersCommand(parseHl7(text), { accessionSources: ['filler', 'OBR-18'] })).toThrow(expect.objectContaining({ subject: { origin: expect.objectContaining({ segment: 'ORC', field: 3 }) } }));
  });

  it('a filler number longer than an accession (SH, 16) is refused at its field', () => {
    const text = ormO01({ accession: '', fillerOrderNumber: 'F'.repeat(17) });
    expect(() => toPlaceOrdersCommand(parseHl7(text), { accessionSources: ['filler'] })).toThrow(expect.objectContaining({ subject: { origin: expect.objectContaining({ segment: 'ORC', field: 3 }) } }));
  });
});

describe('station AE by patient location (PV1-3.1)', () => {
  const step = (text: string, options: Parameters<typeof toPlaceOrdersCommand>[1]) => firstGroup(text, options).procedures[0].steps[0];

  it('the point of care picks the AE, ahead of the modality', () => {
    const text = ormO01({ modality: 'CT', patientLocation: 'ER^R1^2' });
    expect(step(text, { stationAeByLocation: { ER: 'CT_ER' }, stationAeByModality: { CT: 'CT01' } }).stationAeTitles).toEqual(['CT_ER']);
  });

  it('an unlisted point of care falls back to the modality', () => {
    const text = ormO01({ modality: 'CT', patientLocation: 'WARD9' });
    expect(step(text, { stationAeByLocation: { ER: 'CT_ER' }, stationAeByModality: { CT: 'CT01' } }).stationAeTitles).toEqual(['CT01']);
  });

  it('a point of care named like an Object member finds nothing', () => {
    const text = ormO01({ modality: 'CT', patientLocation: 'constructor' });
    expect(step(text, { stationAeByLocation: { ER: 'CT_ER' } }).stationAeTitles).toBeUndefined();
  });

  it("the message's own AE (IPC-9) outranks both", () => {
    const text = omiO23({ stationAe: 'CT07', patientLocation: 'ER' });
    expect(step(text, { stationAeByLocation: { ER: 'CT_ER' } }).stationAeTitles).toEqual(['CT07']);
  });
});
