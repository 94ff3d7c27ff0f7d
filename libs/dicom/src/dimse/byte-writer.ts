/**
 * Growable little-endian output buffer with back-patching, so lengths of elements, items and
 * sequences are written after their content instead of being computed in a second pass.
 */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Tag as group then element, each little endian (PS3.5 7.1). */
  tag(t: number): void {
    this.ensure(4);
    this.buf.writeUInt16LE(t >>> 16, this.pos);
    this.buf.writeUInt16LE(t & 0xffff, this.pos + 2);
    this.pos += 4;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Caller has checked the string is representable in `encoding`. */
  text(value: string, encoding: 'ascii' | 'latin1' | 'utf8'): void {
    this.ensure(encoding === 'utf8' ? value.length * 3 : value.length);
    this.pos += this.buf.write(value, this.pos, encoding);
  }

  patchU16(at: number, v: number): void {
    this.buf.writeUInt16LE(v, at);
  }

  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  /** Copies the written bytes out and rewinds, so one writer can serve many messages. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}
