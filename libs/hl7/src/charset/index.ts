export { decodeHl7 } from './decode-hl7';
export type { DecodedHl7, DecodeHl7Options } from './decode-hl7';
export { encodeHl7 } from './encode-hl7';
export { HL7_CHARSETS, findHl7Charset, resolveHl7Charset } from './hl7-charset';
export type { Hl7CharsetDef, Hl7CharsetKind, Hl7CharsetName } from './hl7-charset';
export { Hl7CharsetError, Hl7CharsetErrorCode } from './hl7-charset.errors';
export type { Hl7CharsetErrorRef } from './hl7-charset.errors';
export { readRawMsh } from './raw-msh.reader';
export type { RawMsh } from './raw-msh.reader';
