import { DomainError } from '../common';
import { StudyState } from '../lifecycle';
import { LifecycleFlag, OutboxEvent, StudyRecord, StudyTransitionRecord, TransactionContext } from '../workflow';
import { recordReport } from './record-report.use-case';
import { ReportInput, StudyKey } from './report';
import { ReportRecord, StudyMatch } from './report.store';

interface MemoryStudy extends StudyMatch {
  filler?: string;
  accession?: string;
  state: StudyState;
}

/** In-memory stores: the studies' keys and states, and what the use case wrote. */
function stores(studies: MemoryStudy[]) {
  const reports: (ReportRecord & { version: number })[] = [];
  const transitions: StudyTransitionRecord[] = [];
  const flags: LifecycleFlag[] = [];
  const outbox: OutboxEvent[] = [];
  const lookups: StudyKey[] = [];
  const column: Record<StudyKey, keyof MemoryStudy> = { fillerOrderNumber: 'filler', accessionNumber: 'accession', studyInstanceUid: 'studyInstanceUid' };
  const tx = {
    reports: {
      findStudies: async (key: StudyKey, value: string) => (lookups.push(key), studies.filter((s) => s[column[key]] === value).map(({ procedureRef, studyInstanceUid, procedureCode }) => ({ procedureRef, studyInstanceUid, procedureCode }))),
      addReport: async (r: ReportRecord) => {
        const version = reports.filter((x) => x.procedureRef === r.procedureRef).length + 1;
        reports.push({ ...r, version });
        return { ref: `report-${reports.length}`, version };
      },
    },
    workflow: {
      findStudy: async (ref: string): Promise<StudyRecord | null> => {
        const s = studies.find((x) => x.procedureRef === ref);
        return s ? { ref, orderRef: 'order-1', state: s.state, steps: [] } : null;
      },
      transitionStudy: async (t: StudyTransitionRecord) => {
        transitions.push(t);
        studies.find((x) => x.procedureRef === t.procedureRef)!.state = t.to;
      },
      addOutbox: async (e: OutboxEvent) => void outbox.push(e),
      recordFlag: async (f: LifecycleFlag) => void flags.push(f),
    },
  } as unknown as Pick<TransactionContext, 'workflow' | 'reports'>;
  return { tx, reports, transitions, outbox, lookups, flags };
}

const source = { kind: 'hl7' as const, ref: 'msg-1' };
const origin = { segment: 'OBR', sequence: 1 };
const input = (o: Partial<ReportInput>): ReportInput => ({ status: 'final', study: {}, text: 'No acute findings.', origin, ...o });
const run = (tx: Pick<TransactionContext, 'workflow' | 'reports'>, ...reports: ReportInput[]) => recordReport(tx, { reports }, source);

describe('record report', () => {
  it('narrows an order of several studies by the procedure code the report names, else records it for each', async () => {
    const order = (): MemoryStudy[] => [
      { procedureRef: 'rp-1', studyInstanceUid: '1.2.1', accession: 'A1', procedureCode: 'CTH', state: 'completed' },
      { procedureRef: 'rp-2', studyInstanceUid: '1.2.2', accession: 'A1', procedureCode: 'CTC', state: 'completed' },
    ];
    const named = stores(order());
    await run(named.tx, input({ study: { accessionNumber: 'A1' }, procedureCode: 'ctc' }));
    expect(named.reports.map((r) => r.procedureRef)).toEqual(['rp-2']);
    const unnamed = stores(order());
    await run(unnamed.tx, input({ study: { accessionNumber: 'A1' } }));
    expect(unnamed.reports.map((r) => r.procedureRef)).toEqual(['rp-1', 'rp-2']);
    const unknown = stores(order());
    await run(unknown.tx, input({ study: { accessionNumber: 'A1' }, procedureCode: 'MRH' }));
    expect(unknown.reports.map((r) => r.procedureRef)).toEqual(['rp-1', 'rp-2']);
  });

  it('tries the filler number, then the accession, then the Study Instance UID; the first that names a study wins', async () => {
    const s = stores([{ procedureRef: 'rp-1', studyInstanceUid: '1.2.1', accession: 'A1', state: 'completed' }]);
    const outcomes = await run(s.tx, input({ study: { fillerOrderNumber: 'F-unknown', accessionNumber: 'A1', studyInstanceUid: '1.2.9' } }));
    expect(s.lookups).toEqual(['fillerOrderNumber', 'accessionNumber']);
    expect(outcomes).toEqual([{ kind: 'recorded', procedureRef: 'rp-1', version: 1, note: undefined, origin }]);
    expect(s.transitions.map((t) => [t.from, t.to, t.event])).toEqual([['completed', 'final', 'report.final']]);
    expect(s.outbox).toEqual([{ topic: 'report.received', aggregateId: 'rp-1', payload: { reportRef: 'report-1', version: 1, status: 'final', studyState: 'final', source: 'hl7' } }]);
  });

  it("records the report for every study of the order, unless the report's Study Instance UID names one of them", async () => {
    const order = (): MemoryStudy[] => [
      { procedureRef: 'rp-1', studyInstanceUid: '1.2.1', filler: 'F1', state: 'completed' },
      { procedureRef: 'rp-2', studyInstanceUid: '1.2.2', filler: 'F1', state: 'completed' },
    ];
    const all = stores(order());
    await run(all.tx, input({ study: { fillerOrderNumber: 'F1' } }));
    expect(all.reports.map((r) => r.procedureRef)).toEqual(['rp-1', 'rp-2']);
    const one = stores(order());
    await run(one.tx, input({ study: { fillerOrderNumber: 'F1', studyInstanceUid: '1.2.2' } }));
    expect(one.reports.map((r) => r.procedureRef)).toEqual(['rp-2']);
  });

  it('numbers report versions per study', async () => {
    const s = stores([{ procedureRef: 'rp-1', studyInstanceUid: '1.2.1', accession: 'A1', state: 'completed' }]);
    await run(s.tx, input({ status: 'preliminary', study: { accessionNumber: 'A1' } }), input({ status: 'final', study: { accessionNumber: 'A1' } }));
    await run(s.tx, input({ status: 'corrected', study: { accessionNumber: 'A1' } }));
    expect(s.reports.map((r) => [r.version, r.status])).toEqual([[1, 'preliminary'], [2, 'final'], [3, 'corrected']]);
  });

  it('an unknown study changes nothing', async () => {
    const s = stores([]);
    expect(await run(s.tx, input({ study: { accessionNumber: 'A9' } }))).toEqual([{ kind: 'unknown-study', origin }]);
    expect(await run(s.tx, input({ study: {} }))).toEqual([{ kind: 'unknown-study', origin }]);
    expect([s.reports, s.transitions, s.outbox]).toEqual([[], [], []]);
  });

  it('a preliminary after the final is ignored, not stored, and flagged in the history; a report before the images is stored with the note', async () => {
    const s = stores([
      { procedureRef: 'rp-1', studyInstanceUid: '1.2.1', accession: 'A1', state: 'final' },
      { procedureRef: 'rp-2', studyInstanceUid: '1.2.2', accession: 'A2', state: 'scheduled' },
    ]);
    const outcomes = await run(s.tx, input({ status: 'preliminary', study: { accessionNumber: 'A1' } }), input({ study: { accessionNumber: 'A2' } }));
    expect(outcomes).toEqual([
      { kind: 'ignored', procedureRef: 'rp-1', reason: 'preliminary report after the final one', origin },
      { kind: 'recorded', procedureRef: 'rp-2', version: 1, note: 'report before acquisition completed', origin },
    ]);
    expect(s.reports.map((r) => r.procedureRef)).toEqual(['rp-2']);
    expect(s.flags).toEqual([expect.objectContaining({ procedureRef: 'rp-1', state: 'final', event: 'report.preliminary', note: 'preliminary report after the final one' })]);
  });

  it('a report for a cancelled study is refused, naming the report status', async () => {
    const s = stores([{ procedureRef: 'rp-1', studyInstanceUid: '1.2.1', accession: 'A1', state: 'cancelled' }]);
    const refused = await run(s.tx, input({ study: { accessionNumber: 'A1' } })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'INVALID_TRANSITION', subject: { entity: 'report', attribute: 'reportStatus', origin } });
    expect(s.reports).toEqual([]);
  });
});
