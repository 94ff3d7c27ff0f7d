import { DomainError, DomainErrorCode, subjectOf } from '@radflow/domain';
import { createDataset, setSequence, setString } from '../dimse/dicom-dataset';
import { Tags } from '../dimse/dicom-dictionary';
import { mppsOrigin } from './mpps-attributes';
import { MAY_NO_LONGER_BE_UPDATED, mppsFailure } from './mpps-status.mapper';

const ds = createDataset();
setString(ds, Tags.PerformedStationAETitle, '');
setString(ds, Tags.PatientName, 'DOE^JANE');
const origin = mppsOrigin(ds);
const error = (code: DomainErrorCode, entity: 'performed-step' | 'procedure-step', attribute?: string) => new DomainError(code, 'x', subjectOf(entity, attribute, origin));

describe('mppsFailure: every domain error has its DIMSE status', () => {
  it.each([
    [DomainErrorCode.DuplicatePerformedStep, 'performed-step', 'instanceUid', { status: 0x0111 }],
    [DomainErrorCode.UnknownPerformedStep, 'performed-step', 'instanceUid', { status: 0x0112 }],
    [DomainErrorCode.InvalidTransition, 'performed-step', 'status', { status: 0x0110, errorId: MAY_NO_LONGER_BE_UPDATED, errorComment: 'Performed Procedure Step Object may no longer be updated' }],
    [DomainErrorCode.RequiredFieldMissing, 'performed-step', 'modality', { status: 0x0120, attributeIdentifierList: [Tags.Modality] }],
    [DomainErrorCode.RequiredFieldMissing, 'performed-step', 'stationAeTitle', { status: 0x0121, attributeIdentifierList: [Tags.PerformedStationAETitle] }],
    [DomainErrorCode.InvalidValue, 'performed-step', 'status', { status: 0x0106, attributeIdentifierList: [Tags.PerformedProcedureStepStatus] }],
    [DomainErrorCode.UnchangeableValue, 'performed-step', 'patient', { status: 0x0106, attributeIdentifierList: [Tags.PatientName], errorComment: 'PatientName may not be changed' }],
    [DomainErrorCode.ValueTooLong, 'performed-step', 'performedStepId', { status: 0x0106, attributeIdentifierList: [Tags.PerformedProcedureStepID] }],
  ] as const)('%s (%s.%s)', (code, entity, attribute, expected) => {
    expect(mppsFailure(error(code, entity, attribute))).toMatchObject(expected);
  });

  it('a refusal by the step lifecycle is a processing failure without A710', () => {
    const r = mppsFailure(new DomainError(DomainErrorCode.InvalidTransition, 'procedure step is canceled: order was called off', { entity: 'procedure-step' }));
    expect(r).toEqual({ status: 0x0110, errorComment: 'procedure step is canceled: order was called off' });
  });

  it('names the attribute inside a reference item by where it was read', () => {
    const item = createDataset();
    setString(item, Tags.StudyInstanceUID, '');
    setSequence(ds, Tags.ScheduledStepAttributesSequence, [item]);
    const r = mppsFailure(new DomainError(DomainErrorCode.RequiredFieldMissing, 'x', subjectOf('performed-step', 'references.studyInstanceUid', mppsOrigin(item))));
    expect(r).toMatchObject({ status: 0x0121, attributeIdentifierList: [Tags.StudyInstanceUID] });
  });

  it.each(Object.values(DomainErrorCode))('maps %s to a failure status', (code) => {
    expect(mppsFailure(error(code, 'performed-step')).status).not.toBe(0);
  });

  it('answers anything else (the database, a bug) 0110 without an Error ID', () => {
    expect(mppsFailure(Object.assign(new Error('connection terminated'), { code: '57P01' }))).toEqual({ status: 0x0110, errorComment: 'Processing failure' });
  });
});
