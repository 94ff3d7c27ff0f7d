import { constants, Dataset } from 'dcmjs-dimse';
import { decodeDataset, toStartCommand, toUpdateCommand } from '@radflow/dicom';
import { parseHl7 } from '@radflow/hl7';
import { toPlaceOrdersCommand } from '../../libs/hl7/src/mapping';
import { quantile, saturate, stats } from './load';
import { completed, inProgress } from './mpps-scu';
import { orderMessage, orderSet, placedOrder, statusMessages } from './orders';

/**
 * The bench's inputs say what it claims: its orders place the step its MPPS names, its SC messages
 * start and complete that step, and dcmjs-dimse's encoding of its data sets carries the order's
 * identifiers to Radflow's own decoder. No timings asserted: the bench is a program.
 */
describe('status bench inputs', () => {
  const order = placedOrder('T', 7);

  it('NW places one step with the identifiers the MPPS will name; SC IP / CM start and complete it', () => {
    const placed = toPlaceOrdersCommand(parseHl7(orderMessage(order, 'NW', 'C1')));
    expect(placed.groups).toHaveLength(1);
    expect(placed.groups[0]).toMatchObject({ event: 'order.placed', accessionNumber: order.accession });
    expect(placed.groups[0].procedures[0]).toMatchObject({ requestedProcedureId: order.requestedProcedureId, studyInstanceUid: order.studyInstanceUid });
    expect(placed.groups[0].procedures[0].steps[0]).toMatchObject({ spsId: order.spsId });
    const [ip, cm] = [statusMessages('T', [order], 'IP')[0], statusMessages('T', [order], 'CM')[0]];
    expect(toPlaceOrdersCommand(parseHl7(ip.toString('utf8'))).groups[0]).toMatchObject({ event: 'order.status-started', accessionNumber: order.accession });
    expect(toPlaceOrdersCommand(parseHl7(cm.toString('utf8'))).groups[0]).toMatchObject({ event: 'order.status-completed', accessionNumber: order.accession });
  });

  it('identities are unique within and across tags', () => {
    const a = orderSet('A', 50).orders;
    const b = orderSet('B', 50).orders;
    expect(new Set([...a, ...b].map((o) => o.accession)).size).toBe(100);
    expect(new Set([...a, ...b].map((o) => o.studyInstanceUid)).size).toBe(100);
  });

  it('dcmjs-dimse encodes the N-CREATE and N-SET data sets so that Radflow reads the scheduled step and the series', () => {
    const ts = constants.TransferSyntax.ExplicitVRLittleEndian;
    const decode = (attrs: Record<string, unknown>) => decodeDataset(new Dataset(attrs, ts).getDenaturalizedDataset(), { explicitVr: true });
    const start = toStartCommand(decode(inProgress(order, 'CT01')), '2.25.1');
    expect(start).toMatchObject({ status: 'IN PROGRESS', modality: 'CT', stationAeTitle: 'CT01' });
    expect(start.references).toEqual([expect.objectContaining({
      accessionNumber: order.accession, spsId: order.spsId, requestedProcedureId: order.requestedProcedureId, studyInstanceUid: order.studyInstanceUid,
    })]);
    const update = toUpdateCommand(decode(completed('2.25.1')), '2.25.1');
    expect(update).toMatchObject({ status: 'COMPLETED' });
    expect(update.series).toEqual([expect.objectContaining({ seriesInstanceUid: '2.25.1.1', protocolName: 'CHEST ROUTINE' })]);
  });
});

describe('status bench statistics', () => {
  it('nearest-rank quantiles; failures are counted, not timed', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(values, 0.5), quantile(values, 0.99), quantile(values, 1)]).toEqual([50, 99, 100]);
    const s = stats([{ ms: 2, ok: true, firstMs: 1 }, { ms: 4, ok: true, firstMs: 3 }, { ms: NaN, ok: false, detail: '0110' }], 1);
    expect(s).toMatchObject({ count: 3, failed: 1, p50: 2, p99: 4, firstP50: 1, failures: { '0110': 1 } });
  });

  it('saturate hands each order out once and stops when they run out', async () => {
    const seen: number[] = [];
    let next = 0;
    const run = saturate(4, () => (next < 10 ? next++ : undefined), async (i) => (seen.push(i), await Promise.resolve(), { ms: 0, ok: i % 5 !== 0 }));
    const result = await run.done;
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result).toMatchObject({ ok: 8, failed: 2 });
    expect(run.ranDry()).toBe(true);
  });
});
