import { DomainError, DomainErrorCode, ErrorLocation } from '@radflow/domain';
import { Hl7ParseError } from '../parser';
import { Hl7Error, Hl7ErrorAckCode, Hl7ErrorCode, Hl7ErrorLocation } from './hl7-error';

export interface Hl7ErrorRule {
  ackCode: Hl7ErrorAckCode;
  errorCode: Hl7ErrorCode;
  /** Other 0357 codes a caller may pick through the hint; anything else falls back to errorCode. */
  alternatives: readonly Hl7ErrorCode[];
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
  [DomainErrorCode.UnknownOrder]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
  [DomainErrorCode.UnknownPatient]: { ackCode: 'AE', errorCode: Hl7ErrorCode.UnknownKeyIdentifier, alternatives: [] },
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
  const errorCode = hint?.errorCode !== undefined && rule.alternatives.includes(hint.errorCode) ? hint.errorCode : rule.errorCode;
  return new Hl7Error({
    ackCode: rule.ackCode,
    errorCode,
    userMessage: error.message, // DomainError messages are PHI-free by contract (STYLE.md §6)
    location: error.location ? fromDomainLocation(error.location) : undefined,
    cause: error,
  });
}

function fromDomainLocation(loc: ErrorLocation): Hl7ErrorLocation {
  return { segment: loc.segment, sequence: loc.sequence, field: loc.field, component: loc.component };
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
