import { MLLP_CARRIAGE_RETURN, MLLP_END_BLOCK, MLLP_START_BLOCK } from './mllp.constants';

/**
 * Wraps one payload in an MLLP block: 0x0B + payload + 0x1C 0x0D.
 *
 * Throws a RangeError if the payload itself contains 0x0B or 0x1C: such bytes would cut the
 * frame short on the peer's side and desynchronise the whole connection, so a bad ACK builder
 * must fail loudly here instead of corrupting the stream.
 */
export function frame(payload: Buffer): Buffer {
  if (payload.indexOf(MLLP_START_BLOCK) !== -1 || payload.indexOf(MLLP_END_BLOCK) !== -1) {
    throw new RangeError('MLLP payload must not contain 0x0B or 0x1C');
  }
  const out = Buffer.allocUnsafe(payload.length + 3);
  out[0] = MLLP_START_BLOCK;
  payload.copy(out, 1);
  out[payload.length + 1] = MLLP_END_BLOCK;
  out[payload.length + 2] = MLLP_CARRIAGE_RETURN;
  return out;
}
