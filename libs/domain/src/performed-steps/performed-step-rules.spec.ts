import { DomainErrorCode } from '../common';
import { StepEvent } from '../lifecycle';
import { PerformedStepRecord, PerformedStepStatus } from './performed-step';
import { checkFixedValues, required, stepEventFor, updateStatus } from './performed-step-rules';

const S = PerformedStepStatus;

describe('stepEventFor (the append case)', () => {
  it.each([
    ['nothing while one is in progress', [{ status: S.Completed, seriesCount: 1 }, { status: S.InProgress, seriesCount: 0 }], undefined],
    ['completed once one completed', [{ status: S.Discontinued, seriesCount: 0 }, { status: S.Completed, seriesCount: 0 }], StepEvent.PerformedCompleted],
    ['partial when all were discontinued and some series exist', [{ status: S.Discontinued, seriesCount: 0 }, { status: S.Discontinued, seriesCount: 2 }], StepEvent.PerformedPartial],
    ['discontinued when nothing was acquired', [{ status: S.Discontinued, seriesCount: 0 }], StepEvent.PerformedDiscontinued],
    ['nothing without performed steps', [], undefined],
  ])('%s', (_, performed, expected) => {
    expect(stepEventFor(performed)).toBe(expected);
  });
});

describe('checkFixedValues', () => {
  const stored: PerformedStepRecord = {
    ref: 'p1', instanceUid: '1.2', status: S.InProgress, performedStepId: 'PPS1', startDate: '20261204', startTime: '101500', modality: 'CT',
    references: [{ studyInstanceUid: '1.2.3', accessionNumber: 'A1', spsId: 'S1' }], patient: { id: 'P1', name: 'DOE^JANE' }, series: [],
  };

  it('accepts the stored values sent again, padding aside', () => {
    expect(() => checkFixedValues({ references: [{ studyInstanceUid: '1.2.3', accessionNumber: 'A1 ', spsId: 'S1', requestedProcedureId: '' }], patient: { name: 'DOE^JANE^^' }, modality: 'CT', performedStepId: 'PPS1' }, stored)).not.toThrow();
  });

  it.each([
    ['references', { references: [{ studyInstanceUid: '1.2.3', accessionNumber: 'A2', spsId: 'S1' }] }],
    ['patient', { patient: { id: 'P2' } }],
    ['startTime', { startTime: '101501' }],
    ['studyId', { studyId: 'S9' }],
  ])('refuses a changed %s', (attribute, fixed) => {
    expect(() => checkFixedValues(fixed, stored)).toThrow(expect.objectContaining({ code: DomainErrorCode.UnchangeableValue, subject: expect.objectContaining({ attribute }) }));
  });
});

describe('required and updateStatus', () => {
  it('calls an empty value missing', () => {
    expect(() => required('  ', 'modality')).toThrow(expect.objectContaining({ code: DomainErrorCode.RequiredFieldMissing, subject: expect.objectContaining({ attribute: 'modality' }) }));
  });

  it('takes only the three statuses', () => {
    expect(updateStatus('COMPLETED ')).toBe(S.Completed);
    expect(updateStatus(undefined)).toBeUndefined();
    expect(() => updateStatus('ABORTED')).toThrow(expect.objectContaining({ code: DomainErrorCode.InvalidValue }));
  });
});
