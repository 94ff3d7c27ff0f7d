/** Transport-neutral error codes; each edge maps them to its wire (STYLE.md §6). */
export const DomainErrorCode = {
  RequiredFieldMissing: 'REQUIRED_FIELD_MISSING',
  InvalidValue: 'INVALID_VALUE',
  /** Longer than the receiving side can hold (a DICOM value representation, an index key). */
  ValueTooLong: 'VALUE_TOO_LONG',
  UnknownOrder: 'UNKNOWN_ORDER',
  UnknownPatient: 'UNKNOWN_PATIENT',
  DuplicateOrder: 'DUPLICATE_ORDER',
  DuplicatePatient: 'DUPLICATE_PATIENT',
  DuplicateMessage: 'DUPLICATE_MESSAGE',
  InvalidTransition: 'INVALID_TRANSITION',
  UnsupportedMessage: 'UNSUPPORTED_MESSAGE',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

/** Where in the input the problem is, in the input's own terms (e.g. HL7 `ORC^1^1`). PHI-free. */
export interface ErrorLocation {
  segment: string;
  sequence?: number;
  field?: number;
  component?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly location?: ErrorLocation,
    readonly ref?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
