import { decodeDataset } from './dataset-decoder';
import { encodeDataset } from './dataset-encoder';
import { DatasetDecodeError } from './dataset.errors';
import { DicomDataset, getNumbers, getString } from './dicom-dataset';
import { Tags } from './dicom-dictionary';

/** PS3.7 E.1: Command Field values. */
export const CommandField = {
  CStoreRq: 0x0001,
  CStoreRsp: 0x8001,
  CGetRq: 0x0010,
  CFindRq: 0x0020,
  CFindRsp: 0x8020,
  CMoveRq: 0x0021,
  CEchoRq: 0x0030,
  CEchoRsp: 0x8030,
  NEventReportRq: 0x0100,
  NGetRq: 0x0110,
  NSetRq: 0x0120,
  NSetRsp: 0x8120,
  NActionRq: 0x0130,
  NCreateRq: 0x0140,
  NCreateRsp: 0x8140,
  NDeleteRq: 0x0150,
  CCancelRq: 0x0fff,
} as const;

/** CommandDataSetType (0000,0800) value meaning "no data set follows"; anything else means one does. */
export const NO_DATASET = 0x0101;

/** A decoded group-0000 command set; only the elements Radflow uses as an SCP. */
export interface DimseCommand {
  commandField: number;
  hasDataset: boolean;
  messageId?: number;
  messageIdBeingRespondedTo?: number;
  affectedSopClassUid?: string;
  requestedSopClassUid?: string;
  affectedSopInstanceUid?: string;
  requestedSopInstanceUid?: string;
  priority?: number;
  status?: number;
  offendingElement?: number[];
  errorComment?: string;
  errorId?: number;
  attributeIdentifierList?: number[];
}

type Field = readonly [keyof DimseCommand, number, 'UI' | 'US' | 'AT' | 'LO'];
// Ascending tag order, which is also the order the encoder writes.
const FIELDS: readonly Field[] = [
  ['affectedSopClassUid', Tags.AffectedSOPClassUID, 'UI'],
  ['requestedSopClassUid', Tags.RequestedSOPClassUID, 'UI'],
  ['commandField', Tags.CommandField, 'US'],
  ['messageId', Tags.MessageID, 'US'],
  ['messageIdBeingRespondedTo', Tags.MessageIDBeingRespondedTo, 'US'],
  ['priority', Tags.Priority, 'US'],
  ['status', Tags.Status, 'US'],
  ['offendingElement', Tags.OffendingElement, 'AT'],
  ['errorComment', Tags.ErrorComment, 'LO'],
  ['errorId', Tags.ErrorID, 'US'],
  ['affectedSopInstanceUid', Tags.AffectedSOPInstanceUID, 'UI'],
  ['requestedSopInstanceUid', Tags.RequestedSOPInstanceUID, 'UI'],
  ['attributeIdentifierList', Tags.AttributeIdentifierList, 'AT'],
];

/**
 * Command sets are always Implicit VR Little Endian (PS3.7 6.3.1) and start with
 * CommandGroupLength, the byte count of the elements after it.
 */
export function encodeCommand(cmd: DimseCommand): Buffer {
  const ds: DicomDataset = new Map();
  ds.set(Tags.CommandGroupLength, { vr: 'UL', value: [0] });
  for (const [key, t, vr] of FIELDS) {
    const v = cmd[key];
    if (v === undefined) continue;
    if (vr === 'UI') ds.set(t, { vr, value: v as string });
    else if (vr === 'LO') ds.set(t, { vr, value: errorCommentText(v as string) });
    else ds.set(t, { vr, value: Array.isArray(v) ? v : [v as number] });
    if (key === 'commandField') ds.set(Tags.CommandDataSetType, { vr: 'US', value: [cmd.hasDataset ? 0x0000 : NO_DATASET] });
  }
  const bytes = encodeDataset(ds, { explicitVr: false });
  bytes.writeUInt32LE(bytes.length - 12, 8);
  return bytes;
}

export function decodeCommand(bytes: Buffer): DimseCommand {
  const ds = decodeDataset(bytes, { explicitVr: false });
  const field = getNumbers(ds, Tags.CommandField)?.[0];
  if (field === undefined) throw new DatasetDecodeError('command set without CommandField');
  const cmd: DimseCommand = { commandField: field, hasDataset: (getNumbers(ds, Tags.CommandDataSetType)?.[0] ?? NO_DATASET) !== NO_DATASET };
  const target = cmd as unknown as Record<string, unknown>;
  for (const [key, t, vr] of FIELDS) {
    if (key === 'commandField' || !ds.has(t)) continue;
    if (vr === 'UI' || vr === 'LO') target[key] = getString(ds, t);
    else if (vr === 'AT') target[key] = getNumbers(ds, t);
    else target[key] = getNumbers(ds, t)?.[0];
  }
  return cmd;
}

/** Error Comment is LO (≤64 chars, default repertoire) and is our own text, so we fit it rather than fail. */
function errorCommentText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/\\/g, '/').slice(0, 64);
}
