export const CharsetErrorCode = {
  /** A character has no encoding in any of the declared character sets. */
  UnrepresentableCharacter: 'UNREPRESENTABLE_CHARACTER',
  /** A (0008,0005) defined term we do not know, so we cannot encode with it. */
  UnknownCharset: 'UNKNOWN_CHARSET',
  /** E.g. `ISO_IR 192` inside a multi-valued (0008,0005): PS3.5 6.1.2.5.4 forbids code extensions for it. */
  InvalidCombination: 'INVALID_CHARSET_COMBINATION',
} as const;
export type CharsetErrorCode = (typeof CharsetErrorCode)[keyof typeof CharsetErrorCode];

/**
 * Thrown by encoders instead of silently writing '?' (iconv-lite's default): a wrong byte in a
 * worklist answer is a wrong patient name on the modality. The message and fields are PHI-free:
 * only the declared terms and the single offending code point are carried.
 */
export class CharsetError extends Error {
  override readonly name = 'CharsetError';

  constructor(
    readonly code: CharsetErrorCode,
    message: string,
    readonly charsets: readonly string[],
    readonly codePoint?: number,
  ) {
    super(message);
  }
}

export function unrepresentable(charsets: readonly string[], codePoint: number): CharsetError {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  const declared = charsets.length ? charsets.join('\\') : '(default repertoire)';
  return new CharsetError(CharsetErrorCode.UnrepresentableCharacter, `U+${hex} cannot be encoded in ${declared}`, charsets, codePoint);
}
