export { frame } from './mllp-encoder';
export { MllpDecoder } from './mllp-decoder';
export type { MllpDecoderEvent, MllpDecoderOptions, MllpDiscardedEvent, MllpFrameEvent, MllpOversizeEvent } from './mllp-decoder';
export { NOOP_MLLP_LOGGER } from './mllp-logger';
export type { MllpLogger } from './mllp-logger';
export { MllpServer } from './mllp-server';
export type { MllpContext, MllpFallbackAck, MllpMessageHandler, MllpOversizeHandler, MllpServerOptions, MllpServerStats } from './mllp-server.types';
export { MLLP_CARRIAGE_RETURN, MLLP_END_BLOCK, MLLP_OVERSIZE_HEAD_BYTES, MLLP_START_BLOCK } from './mllp.constants';
