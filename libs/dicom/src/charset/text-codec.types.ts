/**
 * Decoder/encoder for the text VRs (SH, LO, ST, LT, UT, UC, PN) under one Specific Character Set.
 * `personName` turns on the PN reset points (`^`, `=`) of ISO 2022.
 */
export interface TextCodec {
  /** Normalised (0008,0005) values this codec was built for. */
  readonly terms: readonly string[];
  /**
   * Set when the bytes are exactly Node's `Buffer#write` encoding of the string, so hot paths can
   * write straight into an output buffer after a cheap range check (see `assertEncodable`).
   */
  readonly simple: 'ascii' | 'latin1' | 'utf8' | undefined;
  decode(bytes: Uint8Array, personName: boolean): string;
  /** Throws `CharsetError` when a character is not representable; never substitutes. */
  encode(value: string, personName: boolean): Buffer;
}
