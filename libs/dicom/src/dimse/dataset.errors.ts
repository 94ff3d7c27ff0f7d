/** A dataset that cannot be read (truncated, bad lengths, unsupported encoding); PHI-free message. */
export class DatasetDecodeError extends Error {
  override readonly name = 'DatasetDecodeError';
}

/** Why an element could not be written; `CharsetError` codes pass through for text in the wrong set. */
export const DatasetEncodeReason = {
  /** The value does not fit its 16-bit explicit VR length field. */
  ValueTooLong: 'VALUE_TOO_LONG',
  /** The JavaScript value does not match the VR (numbers for a string VR, ...). */
  ValueDoesNotFitVr: 'VALUE_DOES_NOT_FIT_VR',
} as const;

/**
 * A dataset that cannot be written. Carries where (`tag`, the innermost element that failed) and
 * why (`reason`), never the value: the message is PHI-free and fit for a log line.
 */
export class DatasetEncodeError extends Error {
  override readonly name = 'DatasetEncodeError';

  constructor(
    message: string,
    readonly reason: string,
    readonly tag?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
