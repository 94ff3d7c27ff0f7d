import { getTextCodec, getTextCodecForValue, TextCodec } from '../charset';
import { Tags, vrOf } from './dicom-dictionary';
import { DicomDataset, DicomElement, formatTag } from './dicom-dataset';
import { DatasetDecodeError } from './dataset.errors';
import { BinaryVr, isNumberVr, isStringVr, LONG_LENGTH_VRS, NUMBER_VR_SIZE, TEXT_VRS, Vr, vrFromBytes } from './vr';

export interface DecodeOptions {
  explicitVr: boolean;
  /** Character set inherited from an enclosing dataset (e.g. the command's context); default repertoire if absent. */
  charsets?: readonly string[];
}

const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const MAX_DEPTH = 16;

/** Decodes a whole Little Endian dataset; throws `DatasetDecodeError` on anything malformed. */
export function decodeDataset(bytes: Uint8Array, options: DecodeOptions): DicomDataset {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new DatasetReader(buf);
  const { ds } = reader.dataset(0, buf.length, options.explicitVr, getTextCodec(options.charsets ?? []), 0, false);
  return ds;
}

class DatasetReader {
  constructor(private readonly buf: Buffer) {}

  /** Reads elements in [pos, end); with `untilDelimiter`, stops after an Item Delimitation Item. */
  dataset(pos: number, end: number, explicit: boolean, inherited: TextCodec, depth: number, untilDelimiter: boolean): { ds: DicomDataset; pos: number } {
    if (depth > MAX_DEPTH) throw new DatasetDecodeError(`sequences nested deeper than ${MAX_DEPTH}`);
    const ds: DicomDataset = new Map();
    let codec = inherited;
    while (pos < end) {
      this.need(pos, 8, end);
      const t = ((this.buf.readUInt16LE(pos) << 16) | this.buf.readUInt16LE(pos + 2)) >>> 0;
      if (t === ITEM_DELIMITATION && untilDelimiter) return { ds, pos: pos + 8 };
      if (t >>> 16 === 0xfffe) throw new DatasetDecodeError(`unexpected ${formatTag(t)} inside a dataset`);
      let vr: Vr;
      let length: number;
      if (explicit) {
        const known = vrFromBytes(this.buf[pos + 4], this.buf[pos + 5]);
        // PS3.5 7.1.2: a VR we do not know is read like UN (reserved field plus 32-bit length).
        vr = known ?? 'UN';
        if (!known || LONG_LENGTH_VRS.has(vr)) {
          this.need(pos, 12, end);
          length = this.buf.readUInt32LE(pos + 8);
          pos += 12;
        } else {
          length = this.buf.readUInt16LE(pos + 6);
          pos += 8;
        }
      } else {
        vr = vrOf(t);
        length = this.buf.readUInt32LE(pos + 4);
        pos += 8;
      }
      let el: DicomElement;
      if (length === UNDEFINED) {
        // PS3.5 6.2.2: an undefined-length UN is a sequence encoded in Implicit VR LE.
        if (vr !== 'SQ' && vr !== 'UN') throw new DatasetDecodeError(`${formatTag(t)} ${vr} with undefined length is not supported`);
        const seq = this.sequence(pos, end, vr === 'UN' ? false : explicit, codec, depth, true);
        el = { vr: 'SQ', value: seq.items };
        pos = seq.pos;
      } else {
        this.need(pos, length, end);
        el = vr === 'SQ' ? { vr, value: this.sequence(pos, pos + length, explicit, codec, depth, false).items } : this.value(t, vr, pos, pos + length, codec);
        pos += length;
      }
      if (t === Tags.SpecificCharacterSet && typeof el.value === 'string') codec = getTextCodecForValue(el.value);
      ds.set(t, el);
    }
    if (untilDelimiter) throw new DatasetDecodeError('item without its delimitation item');
    return { ds, pos };
  }

  private sequence(pos: number, end: number, explicit: boolean, codec: TextCodec, depth: number, undefinedLength: boolean): { items: DicomDataset[]; pos: number } {
    const items: DicomDataset[] = [];
    while (pos < end) {
      this.need(pos, 8, end);
      const t = ((this.buf.readUInt16LE(pos) << 16) | this.buf.readUInt16LE(pos + 2)) >>> 0;
      const length = this.buf.readUInt32LE(pos + 4);
      pos += 8;
      if (t === SEQUENCE_DELIMITATION && undefinedLength) return { items, pos };
      if (t !== ITEM) throw new DatasetDecodeError(`expected an item, found ${formatTag(t)}`);
      if (length === UNDEFINED) {
        const item = this.dataset(pos, end, explicit, codec, depth + 1, true);
        items.push(item.ds);
        pos = item.pos;
      } else {
        this.need(pos, length, end);
        items.push(this.dataset(pos, pos + length, explicit, codec, depth + 1, false).ds);
        pos += length;
      }
    }
    if (undefinedLength) throw new DatasetDecodeError('sequence without its delimitation item');
    return { items, pos };
  }

  private value(t: number, vr: Vr, start: number, end: number, codec: TextCodec): DicomElement {
    const buf = this.buf;
    if (isStringVr(vr)) {
      const raw = TEXT_VRS.has(vr) ? codec.decode(buf.subarray(start, end), vr === 'PN') : buf.toString('latin1', start, end);
      return { vr, value: trimPadding(raw) };
    }
    if (isNumberVr(vr)) {
      const size = NUMBER_VR_SIZE[vr];
      if ((end - start) % size !== 0) throw new DatasetDecodeError(`${formatTag(t)} ${vr} length ${end - start} is not a multiple of ${size}`);
      const values: number[] = [];
      for (let p = start; p < end; p += size) values.push(readNumber(buf, vr, p));
      return { vr, value: values };
    }
    // A copy, so a small binary value does not pin the whole received PDU in memory.
    return { vr: vr as BinaryVr, value: Buffer.from(buf.subarray(start, end)) };
  }

  private need(pos: number, n: number, end: number): void {
    if (pos + n > end) throw new DatasetDecodeError(`truncated dataset: ${n} bytes needed at offset ${pos}`);
  }
}

function readNumber(buf: Buffer, vr: string, p: number): number {
  switch (vr) {
    case 'US':
      return buf.readUInt16LE(p);
    case 'SS':
      return buf.readInt16LE(p);
    case 'UL':
      return buf.readUInt32LE(p);
    case 'SL':
      return buf.readInt32LE(p);
    case 'FL':
      return buf.readFloatLE(p);
    case 'FD':
      return buf.readDoubleLE(p);
    default:
      return ((buf.readUInt16LE(p) << 16) | buf.readUInt16LE(p + 2)) >>> 0;
  }
}

/** Strips the even-length padding (space, or NUL for UI) and any trailing run of either. */
function trimPadding(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x00) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}
