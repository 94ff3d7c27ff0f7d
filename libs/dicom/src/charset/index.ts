export { CharsetError, CharsetErrorCode } from './charset.errors';
export type { TextCodec } from './text-codec.types';
export { assertEncodable, decodeString, encodeString, getTextCodec, getTextCodecForValue, parseSpecificCharacterSet } from './text-codec';
