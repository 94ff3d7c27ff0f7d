import { SpsStatus } from '../procedure-steps';
import type { StepCandidate } from './performed-step.store';
import { matchReference, matchReferences } from './step-matching';

const step = (ref: string, o: Partial<StepCandidate> = {}): StepCandidate => ({
  ref, procedureRef: `proc-${ref}`, spsId: `SPS-${ref}`, status: SpsStatus.Scheduled, held: false,
  accessionNumber: 'A1', requestedProcedureId: 'RP1', studyInstanceUid: '1.2.1', modality: 'CT', proceduresInOrder: 1, ...o,
});

describe('matchReference', () => {
  const ct = step('ct', { spsId: 'S1' });
  const mr = step('mr', { spsId: 'S2', modality: 'MR', procedureRef: 'proc-ct' });
  const other = step('other', { accessionNumber: 'A2', requestedProcedureId: 'RP9', studyInstanceUid: '1.2.2', spsId: 'S1', proceduresInOrder: 2 });
  const all = [ct, mr, other];

  it.each([
    ['SPS ID + accession', { accessionNumber: 'A1', spsId: 'S2' }, ['mr']],
    ['accession + RP ID when the SPS ID names nothing, preferring the performed modality', { accessionNumber: 'A1', requestedProcedureId: 'RP1', spsId: 'NOPE' }, ['ct']],
    ['the study UID', { studyInstanceUid: '1.2.2' }, ['other']],
    ['an accession alone when its order has one procedure', { accessionNumber: 'A1' }, ['ct']],
  ])('links by %s', (_, ref, expected) => {
    expect(matchReference(ref, all, 'CT').steps.map((s) => s.ref)).toEqual(expected);
  });

  it('does not take the SPS ID of another order', () => {
    expect(matchReference({ accessionNumber: 'A3', spsId: 'S1' }, all)).toEqual({ steps: [], unmatched: 'no matching step for accession' });
  });

  it('does not take an accession alone when its order has several procedures', () => {
    expect(matchReference({ accessionNumber: 'A2' }, all)).toEqual({ steps: [], unmatched: 'no matching step for accession' });
  });

  it('calls a reference without keys unscheduled', () => {
    expect(matchReference({ studyInstanceUid: '1.9.9' }, all)).toEqual({ steps: [], unmatched: 'unscheduled' });
  });
});

describe('matchReferences', () => {
  const a = step('a', { spsId: 'S1' });
  const b = step('b', { accessionNumber: 'A2', spsId: 'S2', studyInstanceUid: '1.2.2' });

  it('links every referenced step once (the group case)', () => {
    const refs = [{ accessionNumber: 'A1', spsId: 'S1' }, { accessionNumber: 'A2', spsId: 'S2' }, { accessionNumber: 'A1', spsId: 'S1' }];
    expect(matchReferences(refs, [a, b])).toEqual({ steps: [a, b] });
  });

  it('ignores an item without keys beside one that matched', () => {
    expect(matchReferences([{ accessionNumber: 'A1', spsId: 'S1' }, { studyInstanceUid: '1.9' }], [a, b])).toEqual({ steps: [a] });
  });

  it('flags a mismatched accession even when another reference matched', () => {
    expect(matchReferences([{ accessionNumber: 'A1', spsId: 'S1' }, { accessionNumber: 'TYPO' }], [a, b])).toEqual({ steps: [a], unmatched: 'no matching step for accession' });
  });
});
