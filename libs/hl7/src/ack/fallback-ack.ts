import { MLLP_END_BLOCK, MLLP_START_BLOCK } from '../mllp/mllp.constants';
import { buildAckForUnparseable } from './ack-builder';
import { newAckControlId } from './ack-control-id';
import { INTERNAL_ERROR_USER_MESSAGE } from './domain-error.mapper';
import { Hl7Error, Hl7ErrorCode } from './hl7-error';

/** Why the last-resort ACK is sent instead of the one the message would get. */
export type FallbackAckReason = 'handler-failed' | 'ack-unframable';

const USER_MESSAGE: Readonly<Record<FallbackAckReason, string>> = {
  'handler-failed': INTERNAL_ERROR_USER_MESSAGE,
  'ack-unframable': 'Acknowledgment could not be encoded; contact the receiving site',
};

export interface FallbackAckInput {
  reason: FallbackAckReason;
  ourApplication: string;
  ourFacility: string;
  now?: Date;
}

/**
 * The last-resort answer: AR/207 built from our own text only (nothing echoed, not even MSA-2),
 * ASCII, so it frames whatever went wrong with the real ACK. A sender never waits for nothing.
 */
export function buildFallbackAck(input: FallbackAckInput): Buffer {
  const ours = (s: string) => s.replace(/[^\x20-\x7e]/g, ''); // buildAck escapes the separators
  const text = buildAckForUnparseable({
    ackControlId: newAckControlId(),
    now: input.now ?? new Date(),
    ourApplication: ours(input.ourApplication),
    ourFacility: ours(input.ourFacility),
    error: new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.ApplicationInternalError, userMessage: USER_MESSAGE[input.reason] }),
  });
  return Buffer.from(text, 'latin1');
}

/** An ACK payload MLLP can carry: no 0x0B or 0x1C (mllp-encoder.ts refuses them). */
export function isFramableAck(bytes: Buffer): boolean {
  return bytes.indexOf(MLLP_START_BLOCK) === -1 && bytes.indexOf(MLLP_END_BLOCK) === -1;
}
