import type { StudyHistory } from '@radflow/domain';
import { formatHistory, historyJsonLines } from './history.format';

const STUDY: StudyHistory = {
  procedureRef: '0193a4b2-0000-7000-8000-0000000000aa', studyInstanceUid: '2.25.1234', accessionNumber: 'ACC1', matchedBy: 'accession',
  rows: [
    { at: new Date('2026-12-04T09:58:01.123Z'), scope: 'step', stepRef: 'step-1', spsId: 'SPS1', from: null, to: 'SCHEDULED', event: 'order.placed', source: { kind: 'hl7', ref: 'msg-1' }, note: null },
    { at: new Date('2026-12-04T10:30:00.000Z'), scope: 'step', stepRef: 'step-1', spsId: 'SPS1', from: 'SCHEDULED', to: 'STARTED', event: 'performed.started', source: { kind: 'dicom', ref: 'assoc-7' }, note: null },
    { at: new Date('2026-12-04T10:30:00.000Z'), scope: 'study', stepRef: null, spsId: null, from: 'scheduled', to: 'in_progress', event: 'performed.started', source: { kind: 'dicom', ref: 'assoc-7' }, note: null },
    { at: new Date('2026-12-04T11:00:00.000Z'), scope: 'flag', stepRef: 'step-1', spsId: 'SPS1', from: 'CANCELED', to: 'CANCELED', event: 'performed.started', source: { kind: 'dicom', ref: null }, note: 'acquired for a cancelled order' },
  ],
};

describe('formatHistory', () => {
  it('names the study, then one aligned row per history row, oldest first', () => {
    expect(formatHistory([STUDY]).split('\n')).toEqual([
      'study 2.25.1234  accession ACC1  procedure 0193a4b2-0000-7000-8000-0000000000aa  (matched by accession number)',
      '  TIME                      SCOPE  SPS ID  FROM -> TO                EVENT              SOURCE         NOTE',
      '  2026-12-04T09:58:01.123Z  step   SPS1    - -> SCHEDULED            order.placed       hl7 msg-1',
      '  2026-12-04T10:30:00.000Z  step   SPS1    SCHEDULED -> STARTED      performed.started  dicom assoc-7',
      // a study row is about no step: its SPS ID stays empty
      '  2026-12-04T10:30:00.000Z  study          scheduled -> in_progress  performed.started  dicom assoc-7',
      '  2026-12-04T11:00:00.000Z  flag   SPS1    CANCELED -> CANCELED      performed.started  dicom          acquired for a cancelled order',
      '4 rows, oldest first',
      '',
    ]);
  });

  it('prints every study of an order, each under its own line', () => {
    const second: StudyHistory = { ...STUDY, procedureRef: 'p-2', studyInstanceUid: '2.25.5678', rows: [STUDY.rows[0]] };
    const out = formatHistory([STUDY, second]);
    expect(out).toContain('4 rows, oldest first\n\nstudy 2.25.5678  accession ACC1  procedure p-2');
    expect(out.endsWith('1 row, oldest first\n')).toBe(true);
  });

  it('says so when a study has no rows, and names an order without accession', () => {
    expect(formatHistory([{ ...STUDY, accessionNumber: null, matchedBy: 'study-uid', rows: [] }])).toBe(
      'study 2.25.1234  accession -  procedure 0193a4b2-0000-7000-8000-0000000000aa  (matched by Study Instance UID)\n  (no history rows)\n0 rows, oldest first\n',
    );
  });

  it('does not pass control characters from stored text to the terminal', () => {
    const out = formatHistory([{ ...STUDY, rows: [{ ...STUDY.rows[0], spsId: 'S\u001b[2JP' }] }]);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('S\\x1b[2JP');
  });
});

describe('historyJsonLines', () => {
  it('gives one JSON object a row, naming its study, with ISO times', () => {
    const lines = historyJsonLines([STUDY]).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      procedureRef: STUDY.procedureRef, studyInstanceUid: '2.25.1234', accessionNumber: 'ACC1', at: '2026-12-04T09:58:01.123Z',
      scope: 'step', stepRef: 'step-1', spsId: 'SPS1', from: null, to: 'SCHEDULED', event: 'order.placed', source: { kind: 'hl7', ref: 'msg-1' }, note: null,
    });
    expect(lines[3]).toMatchObject({ scope: 'flag', note: 'acquired for a cancelled order', source: { kind: 'dicom', ref: null } });
  });
});
