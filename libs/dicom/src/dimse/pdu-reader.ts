import { AbortReason, PDU_HEADER_LENGTH, PduError, PduType } from './pdu.constants';

export interface RawPdu {
  type: number;
  body: Buffer;
}

/** Association-negotiation PDUs are small; anything bigger is hostile or broken. */
const MAX_CONTROL_PDU = 1024 * 1024;

/**
 * Frames PDUs out of a TCP byte stream that splits and joins them arbitrarily. The declared length
 * is checked as soon as the 6-byte header is in, so a peer cannot make us buffer an oversized PDU.
 */
export class PduReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** @param maxPDataLength our advertised Maximum Length: a P-DATA-TF body may not exceed it. */
  constructor(private readonly maxPDataLength: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Next complete PDU, or undefined until more bytes arrive. Throws PduError on an oversized PDU. */
  next(): RawPdu | undefined {
    if (this.buffered < PDU_HEADER_LENGTH) return undefined;
    const head = this.peekHeader();
    const type = head[0];
    const length = head.readUInt32BE(2);
    const limit = type === PduType.PDataTf ? this.maxPDataLength : MAX_CONTROL_PDU;
    if (limit > 0 && length > limit) throw new PduError(AbortReason.InvalidPduParameterValue, `PDU type 0x${type.toString(16)} of ${length} bytes exceeds ${limit}`);
    if (this.buffered < PDU_HEADER_LENGTH + length) return undefined;
    const whole = this.take(PDU_HEADER_LENGTH + length);
    return { type, body: whole.subarray(PDU_HEADER_LENGTH) };
  }

  private peekHeader(): Buffer {
    const first = this.chunks[0];
    if (first.length >= PDU_HEADER_LENGTH) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  /** Removes n bytes from the front; no copy when one chunk holds the whole PDU (the common case). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const want = n - filled;
      if (c.length <= want) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, want);
        this.chunks[0] = c.subarray(want);
        filled += want;
      }
    }
    return out;
  }
}
