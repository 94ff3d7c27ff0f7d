/**
 * Why a message could not be turned into text (or text into bytes). The MLLP gateway maps these to
 * an ACK: NOT_HL7, UNKNOWN_CHARSET and UNSUPPORTED_CHARSET are AR (resending the same bytes cannot
 * succeed); UNREPRESENTABLE_CHARACTER is ours to handle (rebuild the outbound text ASCII-safe).
 */
export const Hl7CharsetErrorCode = {
  /** No `MSH` segment (after optional BOM and CR/LF) or no field separator after it. */
  NotHl7: 'NOT_HL7',
  /** MSH-18 (or the configured default) is not in HL7 table 0211 nor a known alias. */
  UnknownCharset: 'UNKNOWN_CHARSET',
  /** Known but refused: UTF-16/UTF-32 cannot travel over MLLP; CNS 11643-1992 has no decoder. */
  UnsupportedCharset: 'UNSUPPORTED_CHARSET',
  /** encodeHl7: a character has no code in the target charset. */
  UnrepresentableCharacter: 'UNREPRESENTABLE_CHARACTER',
} as const;
export type Hl7CharsetErrorCode = (typeof Hl7CharsetErrorCode)[keyof typeof Hl7CharsetErrorCode];

/** Details are PHI-free on purpose: a charset label, an offset and a code point, never the text. */
export interface Hl7CharsetErrorRef {
  /** The charset label involved, as sent or as configured. */
  readonly charset?: string;
  /** UNREPRESENTABLE_CHARACTER: UTF-16 index into the text and the code point as `U+XXXX`. */
  readonly index?: number;
  readonly codePoint?: string;
}

export class Hl7CharsetError extends Error {
  override readonly name = 'Hl7CharsetError';

  constructor(
    readonly code: Hl7CharsetErrorCode,
    message: string,
    readonly ref: Hl7CharsetErrorRef = {},
  ) {
    super(message);
  }

  /** `index` is the UTF-16 offset into the text being encoded. */
  static unrepresentable(charset: string, index: number, codePoint: number): Hl7CharsetError {
    const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
    return new Hl7CharsetError(Hl7CharsetErrorCode.UnrepresentableCharacter, `character ${hex} at index ${index} cannot be encoded in ${charset}`, {
      charset,
      index,
      codePoint: hex,
    });
  }
}
