/** Transport-neutral error codes; each edge maps them to its wire (STYLE.md §6). */
export const DomainErrorCode = {
  RequiredFieldMissing: 'REQUIRED_FIELD_MISSING',
  InvalidValue: 'INVALID_VALUE',
  /** Longer than the receiving side can hold (a DICOM value representation, an index key). */
  ValueTooLong: 'VALUE_TOO_LONG',
  UnknownOrder: 'UNKNOWN_ORDER',
  UnknownPatient: 'UNKNOWN_PATIENT',
  /** No study (requested procedure) answers to the given keys. */
  UnknownStudy: 'UNKNOWN_STUDY',
  /** No performed procedure step with this instance UID. */
  UnknownPerformedStep: 'UNKNOWN_PPS',
  DuplicateOrder: 'DUPLICATE_ORDER',
  DuplicatePatient: 'DUPLICATE_PATIENT',
  DuplicateMessage: 'DUPLICATE_MESSAGE',
  /** A performed procedure step with this instance UID exists already. */
  DuplicatePerformedStep: 'DUPLICATE_PPS',
  /** The lifecycle table has no way from the current state with this event. */
  InvalidTransition: 'INVALID_TRANSITION',
  /** A value that may be given once and never changed was sent again with another value. */
  UnchangeableValue: 'UNCHANGEABLE_VALUE',
  UnsupportedMessage: 'UNSUPPORTED_MESSAGE',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** What a command is about, in the domain's words: the edge maps it to its own wire. */
export type DomainEntity =
  | 'message'
  | 'patient'
  | 'prior-patient'
  | 'visit'
  | 'order'
  | 'requested-procedure'
  | 'procedure-step'
  | 'performed-step'
  | 'report'
  | 'study';

/**
 * Where an edge read a part of a command (an HL7 segment, a DICOM item, a JSON pointer). The domain
 * never reads it: it hands it back in errors so that the edge can point at its own input.
 */
export type InputOrigin = object;

/** Which input is wrong: the entity, the attribute (a domain name such as `accessionNumber`) and its origin. */
export interface ErrorSubject {
  entity?: DomainEntity;
  attribute?: string;
  origin?: InputOrigin;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly subject?: ErrorSubject,
    readonly ref?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The subject of an error about `entity`, read from `origin` (both optional), naming `attribute`. */
export function subjectOf(entity: DomainEntity, attribute?: string, origin?: InputOrigin): ErrorSubject {
  return { entity, attribute, origin };
}
