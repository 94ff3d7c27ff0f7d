export { CharsetError, CharsetErrorCode } from './charset.errors';
export type { TextCodec } from './text-codec.types';
export { canEncode, fitToCharset, UNREPRESENTABLE_POLICIES } from './unrepresentable';
export type { UnrepresentablePolicy } from './unrepresentable';
export { assertEncodable, decodeString, encodeString, getTextCodec, getTextCodecForValue, parseSpecificCharacterSet } from './text-codec';
