import { assertEncodable, CharsetError, getTextCodec, getTextCodecForValue, TextCodec } from '../charset';
import { ByteWriter } from './byte-writer';
import { Tags } from './dicom-dictionary';
import { DicomDataset, DicomElement, formatTag } from './dicom-dataset';
import { DatasetEncodeError, DatasetEncodeReason } from './dataset.errors';
import { LONG_LENGTH_VRS, NUMBER_VR_SIZE, NumberVr, TEXT_VRS } from './vr';

export interface EncodeOptions {
  explicitVr: boolean;
  /** Defined lengths (default) are what older SCUs parse most reliably; undefined uses delimiters. */
  sequenceLength?: 'defined' | 'undefined';
  /** Character set inherited from an enclosing dataset; a dataset's own (0008,0005) wins. */
  charsets?: readonly string[];
}

const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
// One writer for all synchronous encodes on this thread: answers reuse its memory instead of allocating.
const shared = new ByteWriter(64 * 1024);

/**
 * Encodes a dataset in Implicit or Explicit VR Little Endian. Text VRs follow the (0008,0005) of
 * the dataset (or the nearest enclosing one). Anything that cannot be written — a character the
 * declared set cannot represent (reason = the `CharsetError` code), a value too long for its length
 * field — throws `DatasetEncodeError` naming the innermost element; the caller decides what happens.
 */
export function encodeDataset(ds: DicomDataset, options: EncodeOptions): Buffer {
  const start = shared.pos;
  try {
    writeDataset(shared, ds, options, codecFor(ds, getTextCodec(options.charsets ?? [])));
    const out = Buffer.allocUnsafe(shared.pos - start);
    shared.buf.copy(out, 0, start, shared.pos);
    return out;
  } finally {
    shared.pos = start;
  }
}

function codecFor(ds: DicomDataset, inherited: TextCodec): TextCodec {
  const own = ds.get(Tags.SpecificCharacterSet);
  return own && typeof own.value === 'string' ? getTextCodecForValue(own.value) : inherited;
}

function sortedTags(ds: DicomDataset): number[] {
  const tags = Array.from(ds.keys());
  for (let i = 1; i < tags.length; i++) {
    if (tags[i - 1] >>> 0 > tags[i] >>> 0) return tags.sort((a, b) => (a >>> 0) - (b >>> 0));
  }
  return tags;
}

function writeDataset(w: ByteWriter, ds: DicomDataset, opts: EncodeOptions, codec: TextCodec): void {
  for (const t of sortedTags(ds)) writeElement(w, t >>> 0, ds.get(t) as DicomElement, opts, codec);
}

function writeElement(w: ByteWriter, t: number, el: DicomElement, opts: EncodeOptions, codec: TextCodec): void {
  try {
    writeElementAt(w, t, el, opts, codec);
  } catch (err) {
    throw located(err, t);
  }
}

/** The innermost element wins: an item's element that failed is named, not its sequence. */
function located(err: unknown, t: number): unknown {
  if (err instanceof DatasetEncodeError) return err.tag === undefined ? new DatasetEncodeError(err.message, err.reason, t) : err;
  if (err instanceof CharsetError) return new DatasetEncodeError(`${formatTag(t)}: ${err.message}`, err.code, t, { cause: err });
  return err;
}

function writeElementAt(w: ByteWriter, t: number, el: DicomElement, opts: EncodeOptions, codec: TextCodec): void {
  w.tag(t);
  const long = !opts.explicitVr || LONG_LENGTH_VRS.has(el.vr);
  if (opts.explicitVr) {
    w.ensure(2);
    w.buf[w.pos++] = el.vr.charCodeAt(0);
    w.buf[w.pos++] = el.vr.charCodeAt(1);
    if (long) w.u16(0);
  }
  if (el.vr === 'SQ' && opts.sequenceLength === 'undefined') {
    w.u32(UNDEFINED);
    writeItems(w, el.value, opts, codec);
    w.tag(SEQUENCE_DELIMITATION);
    w.u32(0);
    return;
  }
  const lengthAt = w.pos;
  if (long) w.u32(0);
  else w.u16(0);
  const start = w.pos;
  writeValue(w, t, el, opts, codec);
  const length = w.pos - start;
  if (long) w.patchU32(lengthAt, length);
  else if (length > 0xffff) throw new DatasetEncodeError(`${formatTag(t)} ${el.vr} value of ${length} bytes exceeds the 16-bit length field`, DatasetEncodeReason.ValueTooLong, t);
  else w.patchU16(lengthAt, length);
}

function writeValue(w: ByteWriter, t: number, el: DicomElement, opts: EncodeOptions, codec: TextCodec): void {
  const { vr, value } = el;
  if (vr === 'SQ') return writeItems(w, checked(t, el, Array.isArray(value)) as DicomDataset[], opts, codec);
  if (typeof value === 'string') {
    writeString(w, vr, value, codec);
    if ((w.pos & 1) === 1) w.u8(vr === 'UI' ? 0x00 : 0x20);
    return;
  }
  if (Array.isArray(value)) return writeNumbers(w, t, vr as NumberVr, value as number[]);
  w.bytes(checked(t, el, value instanceof Uint8Array) as Uint8Array);
  if ((w.pos & 1) === 1) w.u8(0);
}

function checked(t: number, el: DicomElement, ok: boolean): DicomElement['value'] {
  if (!ok) throw new DatasetEncodeError(`${formatTag(t)} value does not fit VR ${el.vr}`, DatasetEncodeReason.ValueDoesNotFitVr, t);
  return el.value;
}

function writeString(w: ByteWriter, vr: string, value: string, codec: TextCodec): void {
  if (!TEXT_VRS.has(vr)) {
    // AE, CS, DA, UI, ...: default repertoire only (PS3.5 6.1.2.3), whatever (0008,0005) says.
    assertEncodable('ascii', value, []);
    w.text(value, 'latin1');
  } else if (codec.simple) {
    assertEncodable(codec.simple, value, codec.terms);
    w.text(value, codec.simple);
  } else {
    w.bytes(codec.encode(value, vr === 'PN'));
  }
}

function writeNumbers(w: ByteWriter, t: number, vr: NumberVr, values: number[]): void {
  const size = NUMBER_VR_SIZE[vr];
  if (!size) throw new DatasetEncodeError(`${formatTag(t)} numbers given for VR ${vr}`, DatasetEncodeReason.ValueDoesNotFitVr, t);
  w.ensure(size * values.length);
  const b = w.buf;
  for (const v of values) {
    if (vr === 'US') b.writeUInt16LE(v, w.pos);
    else if (vr === 'SS') b.writeInt16LE(v, w.pos);
    else if (vr === 'UL') b.writeUInt32LE(v, w.pos);
    else if (vr === 'SL') b.writeInt32LE(v, w.pos);
    else if (vr === 'FL') b.writeFloatLE(v, w.pos);
    else if (vr === 'FD') b.writeDoubleLE(v, w.pos);
    else {
      b.writeUInt16LE(v >>> 16, w.pos);
      b.writeUInt16LE(v & 0xffff, w.pos + 2);
    }
    w.pos += size;
  }
}

function writeItems(w: ByteWriter, items: DicomDataset[], opts: EncodeOptions, parent: TextCodec): void {
  for (const item of items) {
    w.tag(ITEM);
    const codec = codecFor(item, parent);
    if (opts.sequenceLength === 'undefined') {
      w.u32(UNDEFINED);
      writeDataset(w, item, opts, codec);
      w.tag(ITEM_DELIMITATION);
      w.u32(0);
    } else {
      const lengthAt = w.pos;
      w.u32(0);
      writeDataset(w, item, opts, codec);
      w.patchU32(lengthAt, w.pos - lengthAt - 4);
    }
  }
}
