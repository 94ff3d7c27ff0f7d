import { MLLP_CARRIAGE_RETURN, MLLP_END_BLOCK, MLLP_OVERSIZE_HEAD_BYTES, MLLP_START_BLOCK } from './mllp.constants';

export interface MllpDecoderOptions {
  /** Largest accepted payload (framing bytes excluded). */
  maxMessageBytes: number;
  /** How many leading bytes of an oversized frame to keep for the `oversize` event. */
  oversizeHeadBytes?: number;
}

/** A complete frame; `payload` is a private copy, safe to keep. */
export interface MllpFrameEvent {
  kind: 'frame';
  payload: Buffer;
}

/**
 * Bytes thrown away outside any frame. `before-start-block`: noise between frames.
 * `abandoned-frame`: a frame that was cut off by a new 0x0B before its end block.
 */
export interface MllpDiscardedEvent {
  kind: 'discarded';
  reason: 'before-start-block' | 'abandoned-frame';
  bytes: number;
}

/**
 * A frame passed `maxMessageBytes`. Reported once, as soon as the limit is crossed; the rest of
 * the frame is skipped up to the next 0x0B. `head` holds its first bytes (for MSH parsing).
 */
export interface MllpOversizeEvent {
  kind: 'oversize';
  bytesSeen: number;
  head: Buffer;
}

export type MllpDecoderEvent = MllpFrameEvent | MllpDiscardedEvent | MllpOversizeEvent;

type State = 'hunting' | 'in-frame' | 'skipping';

/** Segments shorter than this are copied into a scratch buffer instead of kept by reference. */
const SMALL_SEGMENT_BYTES = 1024;
const SCRATCH_BYTES = 16 * 1024;
const FS_BYTE = Buffer.from([MLLP_END_BLOCK]);

/**
 * Incremental MLLP decoder: push TCP chunks in, get frames and framing problems out.
 *
 * End of block: 0x1C 0x0D as the standard says. A 0x1C directly followed by 0x0B is also taken as
 * the end of a frame, because some senders omit the CR and start the next block at once; the 0x0B
 * then starts that next frame. A 0x1C followed by anything else is payload data (the parser will
 * reject it), so a frame only ever ends on an unambiguous boundary.
 *
 * A 0x0B inside a frame means the sender gave up on the frame and started again: the partial frame
 * is discarded (0x0B cannot occur in HL7 text in any charset MLLP release 2 allows).
 *
 * A frame over `maxMessageBytes` is reported once, as soon as it crosses the limit; the rest of it
 * is dropped up to its end block (or a new 0x0B), so a frame never holds more than the limit.
 *
 * The decoder keeps references to pushed chunks until their frame completes, so callers must not
 * mutate a chunk after pushing it (socket chunks never are).
 */
export class MllpDecoder {
  private readonly maxMessageBytes: number;
  private readonly headBytes: number;
  private state: State = 'hunting';
  private fsPending = false;
  // Collected payload: large segments by reference, small ones coalesced into `scratch`, so a
  // peer trickling 1-byte segments cannot make us hold millions of tiny Buffer objects.
  private parts: Buffer[] = [];
  private scratch: Buffer | null = null;
  private scratchUsed = 0;
  private size = 0;

  constructor(options: MllpDecoderOptions) {
    if (!(options.maxMessageBytes > 0)) throw new RangeError('maxMessageBytes must be > 0');
    this.maxMessageBytes = options.maxMessageBytes;
    this.headBytes = options.oversizeHeadBytes ?? MLLP_OVERSIZE_HEAD_BYTES;
  }

  /** Payload bytes of the unfinished frame currently buffered (0 between frames). */
  get pendingBytes(): number {
    return this.state === 'in-frame' ? this.size + (this.fsPending ? 1 : 0) : 0;
  }

  /** Drops any unfinished frame and returns how many payload bytes it had. */
  reset(): number {
    const dropped = this.pendingBytes;
    this.clearFrame();
    this.state = 'hunting';
    return dropped;
  }

  push(chunk: Buffer): MllpDecoderEvent[] {
    const events: MllpDecoderEvent[] = [];
    if (chunk.length === 0) return events;
    let pos = this.fsPending ? this.resolvePendingEnd(chunk, events) : 0;
    while (pos < chunk.length) {
      if (this.state === 'in-frame') pos = this.scanFrame(chunk, pos, events);
      else if (this.state === 'skipping') pos = this.skip(chunk, pos);
      else pos = this.hunt(chunk, pos, events);
    }
    return events;
  }

  /** Looks for the next start block; what comes before it is noise. */
  private hunt(chunk: Buffer, pos: number, events: MllpDecoderEvent[]): number {
    const vt = chunk.indexOf(MLLP_START_BLOCK, pos);
    const end = vt === -1 ? chunk.length : vt;
    if (end > pos) events.push({ kind: 'discarded', reason: 'before-start-block', bytes: end - pos });
    if (vt === -1) return chunk.length;
    this.state = 'in-frame';
    return vt + 1;
  }

  /**
   * Drops the rest of an oversized frame (already reported) up to its end block, so that noise
   * after it is counted exactly as if the frame had arrived in one chunk.
   */
  private skip(chunk: Buffer, pos: number): number {
    const fs = chunk.indexOf(MLLP_END_BLOCK, pos);
    const vt = chunk.indexOf(MLLP_START_BLOCK, pos);
    if (vt !== -1 && (fs === -1 || vt < fs)) {
      this.state = 'in-frame';
      return vt + 1;
    }
    if (fs === -1) return chunk.length;
    if (fs === chunk.length - 1) {
      this.fsPending = true;
      return chunk.length;
    }
    const next = chunk[fs + 1];
    if (next === MLLP_CARRIAGE_RETURN || next === MLLP_START_BLOCK) this.state = 'hunting';
    return next === MLLP_CARRIAGE_RETURN ? fs + 2 : fs + 1;
  }

  private scanFrame(chunk: Buffer, pos: number, events: MllpDecoderEvent[]): number {
    const fs = chunk.indexOf(MLLP_END_BLOCK, pos);
    const vt = chunk.indexOf(MLLP_START_BLOCK, pos);
    if (vt !== -1 && (fs === -1 || vt < fs)) {
      events.push({ kind: 'discarded', reason: 'abandoned-frame', bytes: this.size + (vt - pos) });
      this.clearFrame();
      return vt + 1; // still in-frame: the new block starts right after this 0x0B
    }
    if (fs === -1) {
      this.append(chunk.subarray(pos), events);
      return chunk.length;
    }
    this.append(chunk.subarray(pos, fs), events);
    if (fs === chunk.length - 1) {
      // The byte after 0x1C is in the next chunk; decide then.
      this.fsPending = true;
      return chunk.length;
    }
    const next = chunk[fs + 1];
    if (next === MLLP_CARRIAGE_RETURN) return this.endFrame(events, fs + 2);
    if (next === MLLP_START_BLOCK) return this.endFrame(events, fs + 1);
    this.append(FS_BYTE, events);
    return fs + 1;
  }

  /** The previous chunk ended with 0x1C inside a frame or its skipped tail; `chunk` is non-empty. */
  private resolvePendingEnd(chunk: Buffer, events: MllpDecoderEvent[]): number {
    this.fsPending = false;
    if (chunk[0] === MLLP_CARRIAGE_RETURN) return this.endFrame(events, 1);
    if (chunk[0] === MLLP_START_BLOCK) return this.endFrame(events, 0);
    this.append(FS_BYTE, events);
    return 0;
  }

  /** The end block was seen; emit the frame unless it already went out as oversize. */
  private endFrame(events: MllpDecoderEvent[], nextPos: number): number {
    if (this.state === 'in-frame') events.push({ kind: 'frame', payload: this.takePayload() });
    this.clearFrame();
    this.state = 'hunting';
    return nextPos;
  }

  private append(segment: Buffer, events: MllpDecoderEvent[]): void {
    if (segment.length === 0 || this.state !== 'in-frame') return;
    const newSize = this.size + segment.length;
    if (newSize > this.maxMessageBytes) {
      events.push({ kind: 'oversize', bytesSeen: newSize, head: this.head(segment) });
      this.clearFrame();
      this.state = 'skipping';
      return;
    }
    this.size = newSize;
    if (segment.length >= SMALL_SEGMENT_BYTES) {
      this.sealScratch();
      this.parts.push(segment);
      return;
    }
    if (this.scratch !== null && this.scratchUsed + segment.length > this.scratch.length) this.sealScratch();
    this.scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    segment.copy(this.scratch, this.scratchUsed);
    this.scratchUsed += segment.length;
  }

  /** Moves the scratch content into `parts`, copying only what is used. */
  private sealScratch(): void {
    if (this.scratch === null || this.scratchUsed === 0) return;
    if (this.scratchUsed === this.scratch.length) {
      this.parts.push(this.scratch);
      this.scratch = null;
    } else {
      this.parts.push(Buffer.from(this.scratch.subarray(0, this.scratchUsed)));
    }
    this.scratchUsed = 0;
  }

  private takePayload(): Buffer {
    if (this.parts.length === 0) {
      return this.scratch === null ? Buffer.alloc(0) : Buffer.from(this.scratch.subarray(0, this.scratchUsed));
    }
    this.sealScratch();
    return Buffer.concat(this.parts, this.size);
  }

  /** First `headBytes` of the buffered frame followed by `segment`. */
  private head(segment: Buffer): Buffer {
    this.sealScratch();
    const total = Math.min(this.headBytes, this.size + segment.length);
    const out = Buffer.allocUnsafe(total);
    let written = 0;
    for (const part of [...this.parts, segment]) {
      if (written === total) break;
      written += part.copy(out, written, 0, Math.min(part.length, total - written));
    }
    return out;
  }

  private clearFrame(): void {
    this.parts = [];
    this.scratchUsed = 0;
    this.size = 0;
    this.fsPending = false;
  }
}
