import { DomainError, DomainErrorCode } from '@radflow/domain';
import { locateSubject } from './error-subject.locator';
import { Hl7InputError, Hl7InputProblem, Hl7ParseError } from '../parser';
import { Hl7Error, Hl7ErrorAckCode, Hl7ErrorCode, Hl7ErrorLocation } from './hl7-error';

export interface Hl7ErrorRule {
  ackCode: Hl7ErrorAckCode;
  errorCode: Hl7ErrorCode;
  /** Other 0357 codes a caller may pick through the hint; anything else falls back to errorCode. */
  alternatives: readonly Hl7ErrorCode[];
  /** The code depends on the sender's HL7 version (MSH-12); wins over errorCode when set. */
  forVersion?: (version: string | undefined) => Hl7ErrorCode;
}

/**
 * 104 "Value too long" exists from v2.7 on; senders on v2.3-2.6 know only 102 (hl7-inbound.md
 * §5.3), and an unknown version gets the code every version knows.
 */
export function valueTooLongCode(version: string | undefined): Hl7ErrorCode {
  const [major, minor] = (version ?? '').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 7) ? Hl7ErrorCode.ValueTooLong : Hl7ErrorCode.DataTypeError;
}

/**
 * The HL7 column of STYLE.md §6. Typed as a Record so that adding a DomainErrorCode does not
 * compile until it has an HL7 mapping here.
 */
export const DOMAIN_ERROR_TO_HL7: Readonly<Record<DomainErrorCode, Hl7ErrorRule>> = {
  [DomainErrorCode.RequiredFieldMissing]: { ackCode: 'AE', errorCode: Hl7ErrorCode.RequiredFieldMissing, alternatives: [] },
  // 102 by default; the caller knows when the value was a coded one (103) or only too long (104, v2.7+).
  [DomainErrorCode.InvalidValue]: {
    ackCode: 'AE',
    errorCode: Hl7ErrorCode.DataTypeError,
    alternatives: [Hl7ErrorCode.TableValueNotFound, Hl7ErrorCode.ValueTooLong],
  },
  [DomainErrorCode.ValueTooLong]: { ackCode: 'AE', errorCode: Hl7ErrorCode.DataTypeError, alternatives: [], forVersion: valueTooLongCode },
  [DomainErrorCode.UnknownOrder]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
  [DomainErrorCode.UnknownPatient]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
  [DomainErrorCode.UnknownStudy]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
  [DomainErrorCode.UnknownPerformedStep]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
  [DomainErrorCode.DuplicatePerformedStep]: { ackCode: 'AE', errorCode: Hl7ErrorCode.DuplicateKeyIdentifier, alternatives: [] },
  [DomainErrorCode.UnchangeableValue]: { ackCode: 'AE', errorCode: Hl7ErrorCode.ApplicationInternalError, alternatives: [] },
  [DomainErrorCode.DuplicateOrder]: { ackCode: 'AE', errorCode: Hl7ErrorCode.DuplicateKeyIdentifier, alternatives: [] },
  [DomainErrorCode.DuplicatePatient]: { ackCode: 'AE', errorCode: Hl7ErrorCode.DuplicateKeyIdentifier, alternatives: [] },
  [DomainErrorCode.DuplicateMessage]: { ackCode: 'AE', errorCode: Hl7ErrorCode.DuplicateKeyIdentifier, alternatives: [] },
  [DomainErrorCode.InvalidTransition]: { ackCode: 'AE', errorCode: Hl7ErrorCode.ApplicationInternalError, alternatives: [] },
  [DomainErrorCode.UnsupportedMessage]: {
    ackCode: 'AR',
    errorCode: Hl7ErrorCode.UnsupportedMessageType,
    alternatives: [Hl7ErrorCode.UnsupportedEventCode, Hl7ErrorCode.UnsupportedProcessingId, Hl7ErrorCode.UnsupportedVersionId],
  },
};

/** Lets the edge refine the 0357 code where the domain code is coarser (INVALID_VALUE, UNSUPPORTED_MESSAGE). */
export interface Hl7ErrorHint {
  errorCode?: Hl7ErrorCode;
  /** MSH-12.1 of the message, for codes that differ by version (104 vs 102). */
  version?: string;
}

/**
 * Infrastructure failures (DB down, timeout) and bugs. STYLE.md §6 says AR/207 so the sender keeps
 * the message and retries later; hl7-inbound.md §5.3 calls AE "usual" for 207. STYLE.md wins: the
 * fault is ours, not the message's, and AE would tell the sender to fix a message that is fine.
 */
export const INTERNAL_ERROR_USER_MESSAGE = 'Internal error, message not processed; resend later';

const PARSE_ERROR_USER_MESSAGE = 'Message could not be parsed as HL7 v2';

/**
 * The one HL7 edge mapper: anything thrown while handling a message becomes the Hl7Error whose
 * ACK we send. Messages of unknown errors never reach the wire (they may hold PHI or internals).
 */
export function toHl7Error(error: unknown, hint?: Hl7ErrorHint): Hl7Error {
  if (error instanceof Hl7Error) return error;
  if (error instanceof DomainError) return fromDomainError(error, hint);
  if (error instanceof Hl7InputError) return fromInputError(error, hint);
  if (error instanceof Hl7ParseError) return fromParseError(error);
  return new Hl7Error({
    ackCode: 'AR',
    errorCode: Hl7ErrorCode.ApplicationInternalError,
    userMessage: INTERNAL_ERROR_USER_MESSAGE,
    cause: error,
  });
}

function fromDomainError(error: DomainError, hint?: Hl7ErrorHint): Hl7Error {
  const rule = DOMAIN_ERROR_TO_HL7[error.code];
  // An unmapped code can only come from a stale build or a cast; treat it as our own fault.
  if (!rule) return toHl7Error(new Error(`unmapped domain error code ${String(error.code)}`));
  const hinted = hint?.errorCode !== undefined && rule.alternatives.includes(hint.errorCode) ? hint.errorCode : rule.errorCode;
  const errorCode = rule.forVersion ? rule.forVersion(hint?.version) : hinted;
  return new Hl7Error({
    ackCode: rule.ackCode,
    errorCode,
    userMessage: error.message, // DomainError messages are PHI-free by contract (STYLE.md §6)
    location: locateSubject(error.subject),
    cause: error,
  });
}

/** Caps are lengths (102/104 by version); a NUL is a character no field may hold (102). */
const INPUT_PROBLEM_TO_HL7: Readonly<Record<Hl7InputProblem, { errorCode: (version: string | undefined) => Hl7ErrorCode; userMessage: string }>> = {
  [Hl7InputProblem.TooManySegments]: { errorCode: valueTooLongCode, userMessage: 'too many segments' },
  [Hl7InputProblem.TooManyRepetitions]: { errorCode: valueTooLongCode, userMessage: 'too many repetitions' },
  [Hl7InputProblem.FieldTooLong]: { errorCode: valueTooLongCode, userMessage: 'field too long' },
  [Hl7InputProblem.NulCharacter]: { errorCode: () => Hl7ErrorCode.DataTypeError, userMessage: 'NUL character not allowed' },
};

/** Over a cap or holding a NUL: AE, because the sender can fix the message; nothing of it is applied. */
function fromInputError(error: Hl7InputError, hint?: Hl7ErrorHint): Hl7Error {
  const rule = INPUT_PROBLEM_TO_HL7[error.problem];
  return new Hl7Error({ ackCode: 'AE', errorCode: rule.errorCode(hint?.version), userMessage: rule.userMessage, location: { ...error.location }, cause: error });
}

/**
 * A message we could not split. Field-level problems (MSH-1/MSH-2) are data type errors; the rest
 * (no MSH first, a line that is not a segment) are segment sequence errors. AR: resending the same
 * bytes cannot succeed.
 */
function fromParseError(error: Hl7ParseError): Hl7Error {
  const location = parseLocation(error.location);
  return new Hl7Error({
    ackCode: 'AR',
    errorCode: location?.field !== undefined ? Hl7ErrorCode.DataTypeError : Hl7ErrorCode.SegmentSequenceError,
    userMessage: PARSE_ERROR_USER_MESSAGE,
    location,
    cause: error,
  });
}

/**
 * `MSH^seq^field`. Only MSH locations are kept: for a bad line the parser reports its first three
 * characters, which may be a slice of patient data (a field with a literal CR), not a segment id.
 */
function parseLocation(text: string): Hl7ErrorLocation | undefined {
  const [segment, sequence, field] = text.split('^');
  if (segment !== 'MSH') return undefined;
  const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);
  return { segment, sequence: num(sequence) ?? 1, field: num(field) };
}
