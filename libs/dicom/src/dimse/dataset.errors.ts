/** A dataset that cannot be read (truncated, bad lengths, unsupported encoding); PHI-free message. */
export class DatasetDecodeError extends Error {
  override readonly name = 'DatasetDecodeError';
}

/** A dataset that cannot be written (wrong value type for the VR, value too long for its length field). */
export class DatasetEncodeError extends Error {
  override readonly name = 'DatasetEncodeError';
}
