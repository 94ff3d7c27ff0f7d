import { inflateRawSync } from 'node:zlib';
import { decodeDataset } from '../dimse/dataset-decoder';
import { DatasetDecodeError } from '../dimse/dataset.errors';
import { DicomDataset, getString, tag } from '../dimse/dicom-dataset';

const TRANSFER_SYNTAX_UID = tag(0x0002, 0x0010);
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

/**
 * Reads one worklist file as DCMTK wlmscpfs and Orthanc keep them (`*.wl`): a Part 10 file
 * (128-byte preamble, `DICM`, group 0002 in Explicit VR LE, then the dataset in the transfer
 * syntax the meta names). Files written without meta information (older `dump2dcm` output) are
 * read as a bare dataset, explicit or implicit VR as the first element shows.
 */
export function readWorklistFile(bytes: Uint8Array): DicomDataset {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = buf.length >= 132 && buf.toString('latin1', 128, 132) === 'DICM' ? 132 : buf.toString('latin1', 0, 4) === 'DICM' ? 4 : -1;
  if (start < 0) return decodeDataset(buf, { explicitVr: looksExplicit(buf, 0) });
  const metaEnd = endOfMeta(buf, start);
  const meta = decodeDataset(buf.subarray(start, metaEnd), { explicitVr: true });
  const ts = (getString(meta, TRANSFER_SYNTAX_UID) ?? EXPLICIT_LE).replace(/\0/g, '').trim();
  const body = buf.subarray(metaEnd);
  switch (ts) {
    case IMPLICIT_LE:
      return decodeDataset(body, { explicitVr: false });
    case EXPLICIT_LE:
      return decodeDataset(body, { explicitVr: true });
    case DEFLATED_LE:
      return decodeDataset(inflateRawSync(body), { explicitVr: true });
    case EXPLICIT_BE:
      throw new DatasetDecodeError('Explicit VR Big Endian (retired) is not supported');
    default:
      // Encapsulated syntaxes only change Pixel Data, which a worklist has none of.
      return decodeDataset(body, { explicitVr: true });
  }
}

/** Where group 0002 ends: from its group length when present, else by walking its elements. */
function endOfMeta(buf: Buffer, start: number): number {
  if (buf.length >= start + 12 && buf.readUInt16LE(start) === 0x0002 && buf.readUInt16LE(start + 2) === 0x0000) {
    return start + 12 + buf.readUInt32LE(start + 8);
  }
  let pos = start;
  while (pos + 8 <= buf.length && buf.readUInt16LE(pos) === 0x0002) {
    const vr = buf.toString('latin1', pos + 4, pos + 6);
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR'].includes(vr)) pos += 12 + buf.readUInt32LE(pos + 8);
    else pos += 8 + buf.readUInt16LE(pos + 6);
  }
  if (pos > buf.length) throw new DatasetDecodeError('truncated file meta information');
  return pos;
}

/** Explicit VR when bytes 4-5 of the first element are two upper-case letters (a VR code). */
function looksExplicit(buf: Buffer, pos: number): boolean {
  if (buf.length < pos + 8) return true;
  const a = buf[pos + 4];
  const b = buf[pos + 5];
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}
