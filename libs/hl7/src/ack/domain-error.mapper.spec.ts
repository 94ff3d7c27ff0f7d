import { DomainError, DomainErrorCode } from '@radflow/domain';
import { DEFAULT_DELIMITERS, Hl7InputError, Hl7InputProblem, Hl7Message, Hl7ParseError } from '../parser';
import { DOMAIN_ERROR_TO_HL7, INTERNAL_ERROR_USER_MESSAGE, toHl7Error, valueTooLongCode } from './domain-error.mapper';
import { Hl7Error, Hl7ErrorCode } from './hl7-error';

// STYLE.md §6, HL7 column. Written out again on purpose: the spec is the review copy of the table.
const EXPECTED: Record<DomainErrorCode, [ackCode: 'AE' | 'AR', errorCode: number]> = {
  REQUIRED_FIELD_MISSING: ['AE', 101],
  INVALID_VALUE: ['AE', 102],
  VALUE_TOO_LONG: ['AE', 102],
  UNKNOWN_ORDER: ['AE', 204],
  UNKNOWN_PATIENT: ['AE', 204],
  UNKNOWN_STUDY: ['AE', 204],
  UNKNOWN_PPS: ['AE', 204],
  DUPLICATE_PPS: ['AE', 205],
  UNCHANGEABLE_VALUE: ['AE', 207],
  DUPLICATE_ORDER: ['AE', 205],
  DUPLICATE_PATIENT: ['AE', 205],
  DUPLICATE_MESSAGE: ['AE', 205],
  INVALID_TRANSITION: ['AE', 207],
  UNSUPPORTED_MESSAGE: ['AR', 200],
};

describe('toHl7Error', () => {
  it('has a row for every DomainErrorCode', () => {
    expect(Object.keys(DOMAIN_ERROR_TO_HL7).sort()).toEqual(Object.values(DomainErrorCode).sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(DomainErrorCode).sort());
  });

  it.each(Object.values(DomainErrorCode))('maps %s', (code) => {
    const [ackCode, errorCode] = EXPECTED[code];
    const mapped = toHl7Error(new DomainError(code, `synthetic ${code}`));
    expect(mapped).toBeInstanceOf(Hl7Error);
    expect({ ackCode: mapped.ackCode, errorCode: mapped.errorCode, userMessage: mapped.userMessage }).toEqual({
      ackCode,
      errorCode,
      userMessage: `synthetic ${code}`,
    });
  });

  it.each([
    ['2.3', 102],
    ['2.5.1', 102],
    ['2.6', 102],
    ['2.7', 104],
    ['2.8', 104],
    [undefined, 102],
  ])('answers VALUE_TOO_LONG of a v%s message with %d', (version, code) => {
    const err = new DomainError(DomainErrorCode.ValueTooLong, 'station name too long', { origin: { segment: 'IPC', sequence: 1, field: 7 } });
    expect(toHl7Error(err, { version }).errorCode).toBe(code);
    expect(valueTooLongCode(version)).toBe(code);
  });

  it.each([
    [Hl7InputProblem.TooManyRepetitions, '2.5.1', 102],
    [Hl7InputProblem.TooManyRepetitions, '2.7', 104],
    [Hl7InputProblem.FieldTooLong, '2.8', 104],
    [Hl7InputProblem.TooManySegments, '2.4', 102],
    [Hl7InputProblem.NulCharacter, '2.7', 102],
  ])('answers %s (v%s) AE %d at the field', (problem, version, code) => {
    const header = new Hl7Message([], DEFAULT_DELIMITERS);
    const mapped = toHl7Error(new Hl7InputError(problem, { segment: 'PID', sequence: 1, field: 4 }, header), { version });
    expect({ ackCode: mapped.ackCode, errorCode: mapped.errorCode, location: mapped.location }).toEqual({
      ackCode: 'AE',
      errorCode: code,
      location: { segment: 'PID', sequence: 1, field: 4 },
    });
  });

  it('carries the location this edge put on the command over as the ERR location', () => {
    const err = new DomainError(DomainErrorCode.RequiredFieldMissing, 'OBR-18 missing', { origin: { segment: 'OBR', sequence: 2, field: 18, component: 1 } });
    expect(toHl7Error(err).location).toEqual({ segment: 'OBR', sequence: 2, field: 18, component: 1 });
  });

  it.each([
    [{ entity: 'order' as const, attribute: 'placerOrderNumber', origin: { segment: 'ORC', sequence: 3 } }, { segment: 'ORC', sequence: 3, field: 2 }],
    [{ entity: 'order' as const, attribute: 'event', origin: { segment: 'ORC', sequence: 1 } }, { segment: 'ORC', sequence: 1, field: 1 }],
    [{ entity: 'requested-procedure' as const, attribute: 'studyInstanceUid', origin: { segment: 'IPC', sequence: 2 } }, { segment: 'IPC', sequence: 2, field: 3 }],
    [{ entity: 'requested-procedure' as const, attribute: 'studyInstanceUid', origin: { segment: 'OBR', sequence: 1 } }, { segment: 'ZDS', sequence: 1, field: 1 }],
    [{ entity: 'prior-patient' as const, attribute: 'identifier' }, { segment: 'MRG', sequence: 1, field: 1 }],
    [{ entity: 'patient' as const, attribute: 'identifier' }, { segment: 'PID', sequence: 1, field: 3 }],
    [{ entity: 'order' as const, attribute: 'accessionNumber', origin: { segment: 'OBR', sequence: 2 } }, { segment: 'OBR', sequence: 2 }],
  ])('points the domain subject %o at %o', (subject, location) => {
    expect(toHl7Error(new DomainError(DomainErrorCode.InvalidTransition, 'x', subject)).location).toEqual(location);
  });

  it.each([
    [DomainErrorCode.InvalidValue, Hl7ErrorCode.TableValueNotFound, 103],
    [DomainErrorCode.InvalidValue, Hl7ErrorCode.ValueTooLong, 104],
    [DomainErrorCode.UnsupportedMessage, Hl7ErrorCode.UnsupportedEventCode, 201],
    [DomainErrorCode.UnsupportedMessage, Hl7ErrorCode.UnsupportedVersionId, 203],
  ])('refines %s with the hint %i', (code, hint, expected) => {
    expect(toHl7Error(new DomainError(code, 'x'), { errorCode: hint }).errorCode).toBe(expected);
  });

  it('ignores a hint that the domain code does not allow', () => {
    const mapped = toHl7Error(new DomainError(DomainErrorCode.UnknownOrder, 'x'), { errorCode: Hl7ErrorCode.MessageAccepted });
    expect(mapped.errorCode).toBe(204);
  });

  it.each([new Error('connect ECONNREFUSED 10.0.0.1:5432'), new TypeError("cannot read 'x' of undefined"), 'a string', undefined])(
    'maps anything that is not a DomainError to AR/207 without leaking its text (%p)',
    (thrown) => {
      const mapped = toHl7Error(thrown);
      expect([mapped.ackCode, mapped.errorCode, mapped.userMessage]).toEqual(['AR', 207, INTERNAL_ERROR_USER_MESSAGE]);
      expect(mapped.location).toBeUndefined();
      expect(mapped.cause).toBe(thrown);
    },
  );

  it('passes an Hl7Error through unchanged', () => {
    const err = new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.UnsupportedProcessingId, userMessage: 'x' });
    expect(toHl7Error(err)).toBe(err);
  });

  it('maps parse errors to AR: field-level to 102, the rest to 100', () => {
    const msh2 = toHl7Error(new Hl7ParseError('MSH-2 encoding characters missing or invalid', 'MSH^1^2'));
    expect([msh2.ackCode, msh2.errorCode, msh2.location]).toEqual(['AR', 102, { segment: 'MSH', sequence: 1, field: 2 }]);
    const noMsh = toHl7Error(new Hl7ParseError('message does not start with MSH', 'MSH^1'));
    expect([noMsh.ackCode, noMsh.errorCode, noMsh.location]).toEqual(['AR', 100, { segment: 'MSH', sequence: 1, field: undefined }]);
  });

  it('drops a parse error location outside MSH (the "segment" may be a slice of data)', () => {
    const mapped = toHl7Error(new Hl7ParseError('invalid segment name', 'DOE^1'));
    expect([mapped.ackCode, mapped.errorCode, mapped.location]).toEqual(['AR', 100, undefined]);
    expect(mapped.userMessage).not.toContain('DOE');
  });
});

describe('Hl7Error', () => {
  it('knows the table 0357 text of its code', () => {
    const err = new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.ApplicationRecordLocked, userMessage: 'Study row locked, resend' });
    expect(err.errorText).toBe('Application record locked');
    expect(err.message).toBe('AE 206 Application record locked: Study row locked, resend');
    expect(err.name).toBe('Hl7Error');
  });
});
