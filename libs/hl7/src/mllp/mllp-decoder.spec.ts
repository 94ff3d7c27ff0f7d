import { createHash } from 'node:crypto';
import { MllpDecoder, MllpDecoderEvent } from './mllp-decoder';
import { frame } from './mllp-encoder';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** xorshift32: tiny seeded PRNG so a failing chunking can be replayed from its seed. */
function prng(seed: number): (maxExclusive: number) => number {
  let x = seed >>> 0 || 1;
  return (maxExclusive) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % maxExclusive;
  };
}

function msg(controlId: string, filler = 0): Buffer {
  return Buffer.from(`MSH|^~\\&|RIS|HOSP|RADFLOW|RAD|20261123101500||ORM^O01|${controlId}|P|2.3.1\rNTE|1||${'x'.repeat(filler)}\r`, 'latin1');
}

function feed(decoder: MllpDecoder, chunks: Buffer[]): MllpDecoderEvent[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

function bytewise(stream: Buffer): Buffer[] {
  return Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
}

function randomChunks(stream: Buffer, seed: number, maxChunk: number): Buffer[] {
  const rand = prng(seed);
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < stream.length; ) {
    const size = 1 + rand(rand(4) === 0 ? maxChunk : 8);
    chunks.push(stream.subarray(pos, pos + size));
    pos += size;
  }
  return chunks;
}

const digest = (b: Buffer): string => createHash('sha1').update(b).digest('hex').slice(0, 12);

/** Chunking-independent view: adjacent discards merged, oversize reduced to its head. */
function normalise(events: MllpDecoderEvent[]): string[] {
  const out: string[] = [];
  let discarded: { reason: string; bytes: number } | null = null;
  for (const e of events) {
    if (e.kind === 'discarded' && discarded?.reason === e.reason) {
      discarded.bytes += e.bytes;
      continue;
    }
    if (discarded) out.push(`discarded:${discarded.reason}:${discarded.bytes}`);
    discarded = e.kind === 'discarded' ? { reason: e.reason, bytes: e.bytes } : null;
    if (e.kind === 'frame') out.push(`frame:${e.payload.length}:${digest(e.payload)}`);
    if (e.kind === 'oversize') out.push(`oversize:${e.head.length}:${digest(e.head)}`);
  }
  if (discarded) out.push(`discarded:${discarded.reason}:${discarded.bytes}`);
  return out;
}

const frames = (events: MllpDecoderEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'frame' ? [e.payload.toString('latin1')] : []));

describe('MllpDecoder', () => {
  const messages = [msg('A1'), msg('A2', 1500), msg('A3', 20_000), msg('A4', 3), msg('A5', 40_000)];
  const stream = Buffer.concat(messages.map(frame));
  const expected = messages.map((m) => m.toString('latin1'));
  const newDecoder = (): MllpDecoder => new MllpDecoder({ maxMessageBytes: 1024 * 1024 });

  it('decodes one frame delivered in one chunk', () => {
    const events = newDecoder().push(frame(msg('A1')));
    expect(events).toEqual([{ kind: 'frame', payload: msg('A1') }]);
  });

  it('decodes frames fed one byte at a time', () => {
    expect(frames(feed(newDecoder(), bytewise(stream)))).toEqual(expected);
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('decodes random chunk sizes (seed %i)', (seed) => {
    const events = feed(newDecoder(), randomChunks(stream, seed, 70_000));
    expect(events.every((e) => e.kind === 'frame')).toBe(true);
    expect(frames(events)).toEqual(expected);
  });

  it('decodes many frames in one chunk', () => {
    const many = Array.from({ length: 1000 }, (_, i) => msg(`M${i}`, i % 50));
    const events = newDecoder().push(Buffer.concat(many.map(frame)));
    expect(frames(events)).toEqual(many.map((m) => m.toString('latin1')));
  });

  it('ends a frame split exactly between 0x1C and 0x0D', () => {
    const framed = frame(msg('A1'));
    const decoder = newDecoder();
    expect(decoder.push(framed.subarray(0, framed.length - 1))).toEqual([]);
    expect(decoder.pendingBytes).toBe(msg('A1').length + 1);
    expect(frames(decoder.push(framed.subarray(framed.length - 1)))).toEqual([msg('A1').toString('latin1')]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('discards and counts bytes before 0x0B, between and after frames', () => {
    const garbage = Buffer.from('\r\nHELLO');
    const input = Buffer.concat([garbage, frame(msg('A1')), Buffer.from('\n'), frame(msg('A2')), Buffer.from('zz')]);
    const events = newDecoder().push(input);
    expect(events.map((e) => (e.kind === 'discarded' ? e.bytes : e.kind))).toEqual([7, 'frame', 1, 'frame', 2]);
    expect(events.filter((e) => e.kind === 'discarded').every((e) => e.kind === 'discarded' && e.reason === 'before-start-block')).toBe(true);
  });

  it('reports an oversized frame once with its head, then decodes the next frame', () => {
    const big = msg('BIG', 10_000);
    const input = Buffer.concat([frame(big), frame(msg('A2'))]);
    for (const chunks of [[input], bytewise(input), randomChunks(input, 7, 3000)]) {
      const decoder = new MllpDecoder({ maxMessageBytes: 5000, oversizeHeadBytes: 4096 });
      const events = feed(decoder, chunks);
      expect(events.map((e) => e.kind)).toEqual(['oversize', 'frame']);
      const oversize = events[0];
      if (oversize.kind !== 'oversize') throw new Error('unreachable');
      expect(oversize.head).toEqual(big.subarray(0, 4096));
      expect(oversize.bytesSeen).toBeGreaterThan(5000);
      expect(frames(events)).toEqual([msg('A2').toString('latin1')]);
    }
  });

  it('accepts a payload of exactly maxMessageBytes and rejects one byte more', () => {
    const payload = Buffer.alloc(100, 0x41);
    expect(new MllpDecoder({ maxMessageBytes: 100 }).push(frame(payload))[0].kind).toBe('frame');
    const events = new MllpDecoder({ maxMessageBytes: 99 }).push(frame(payload));
    expect(events).toEqual([{ kind: 'oversize', bytesSeen: 100, head: payload }]);
  });

  it('counts garbage after the end block of an oversized frame', () => {
    const input = Buffer.concat([frame(Buffer.alloc(50, 0x41)), Buffer.from('!!'), frame(Buffer.from('MSH|1'))]);
    for (const chunks of [[input], bytewise(input)]) {
      const events = feed(new MllpDecoder({ maxMessageBytes: 10 }), chunks);
      const summary = normalise(events).map((line) => (line.startsWith('discarded') ? line : line.split(':')[0]));
      expect(summary).toEqual(['oversize', 'discarded:before-start-block:2', 'frame']);
    }
  });

  it('accepts 0x1C followed directly by 0x0B as an end of frame, also across chunks', () => {
    const input = Buffer.concat([Buffer.from([VT]), msg('A1'), Buffer.from([FS]), frame(msg('A2'))]);
    expect(frames(newDecoder().push(input))).toEqual([msg('A1').toString('latin1'), msg('A2').toString('latin1')]);
    expect(frames(feed(newDecoder(), bytewise(input)))).toEqual([msg('A1').toString('latin1'), msg('A2').toString('latin1')]);
  });

  it('keeps a 0x1C that is not followed by 0x0D or 0x0B as payload data', () => {
    const payload = Buffer.from([0x41, FS, 0x42]);
    const input = Buffer.concat([Buffer.from([VT]), payload, Buffer.from([FS, CR])]);
    expect(newDecoder().push(input)).toEqual([{ kind: 'frame', payload }]);
    expect(feed(newDecoder(), bytewise(input))).toEqual([{ kind: 'frame', payload }]);
  });

  it('drops a frame cut off by a new 0x0B and decodes the new one', () => {
    const input = Buffer.concat([Buffer.from([VT]), Buffer.from('MSH|half'), frame(msg('A2'))]);
    const events = newDecoder().push(input);
    expect(events).toEqual([{ kind: 'discarded', reason: 'abandoned-frame', bytes: 8 }, { kind: 'frame', payload: msg('A2') }]);
  });

  it('reports the size of a half-received frame and forgets it on reset', () => {
    const decoder = newDecoder();
    decoder.push(frame(msg('A1')).subarray(0, 30));
    expect(decoder.pendingBytes).toBe(29);
    expect(decoder.reset()).toBe(29);
    expect(decoder.pendingBytes).toBe(0);
    expect(frames(decoder.push(frame(msg('A2'))))).toEqual([msg('A2').toString('latin1')]);
  });

  it('returns payloads that do not share memory with the input chunks', () => {
    const small = frame(msg('A1'));
    const large = frame(msg('A2', 5000));
    const events = newDecoder().push(Buffer.concat([small, large]));
    small.fill(0);
    large.fill(0);
    expect(frames(events)).toEqual([msg('A1').toString('latin1'), msg('A2', 5000).toString('latin1')]);
  });

  it('decodes an empty frame as an empty payload', () => {
    expect(newDecoder().push(Buffer.from([VT, FS, CR]))).toEqual([{ kind: 'frame', payload: Buffer.alloc(0) }]);
  });

  it.each(Array.from({ length: 25 }, (_, i) => i + 100))('gives the same events for any chunking of a messy stream (seed %i)', (seed) => {
    const rand = prng(seed);
    const pieces: Buffer[] = [];
    for (let i = 0; i < 30; i++) {
      const roll = rand(10);
      if (roll === 0) pieces.push(Buffer.from('noise\r\n'));
      else if (roll === 1) pieces.push(Buffer.concat([Buffer.from([VT]), Buffer.from('MSH|abandoned')]));
      else if (roll === 2) pieces.push(frame(msg(`BIG${i}`, 6000 + rand(5000))));
      else pieces.push(frame(msg(`M${i}`, rand(3000))));
    }
    const input = Buffer.concat(pieces);
    const reference = normalise(new MllpDecoder({ maxMessageBytes: 6000 }).push(input));
    for (const chunks of [bytewise(input), randomChunks(input, seed, 9000)]) {
      expect(normalise(feed(new MllpDecoder({ maxMessageBytes: 6000 }), chunks))).toEqual(reference);
    }
  });
});
