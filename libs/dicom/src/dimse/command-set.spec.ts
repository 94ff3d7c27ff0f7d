import { CommandField, decodeCommand, encodeCommand } from './command-set';
import { decodeDataset } from './dataset-decoder';
import { getNumbers } from './dicom-dataset';
import { Tags } from './dicom-dictionary';

describe('command set', () => {
  it('writes the Attribute Identifier List (0000,1005) of an N-SET response as AT values and reads it back', () => {
    const bytes = encodeCommand({
      commandField: CommandField.NSetRsp, messageIdBeingRespondedTo: 7, affectedSopClassUid: '1.2.840.10008.3.1.2.3.3', affectedSopInstanceUid: '1.2.3',
      status: 0x0106, attributeIdentifierList: [0x00400252, 0x00080060], hasDataset: false,
    });
    const raw = decodeDataset(bytes, { explicitVr: false });
    expect(getNumbers(raw, Tags.AttributeIdentifierList)).toEqual([0x00400252, 0x00080060]);
    // AT is group then element, each little endian: (0040,0252) → 40 00 52 02
    const at = bytes.indexOf(Buffer.from([0x00, 0x00, 0x05, 0x10]));
    expect(bytes.subarray(at + 8, at + 12)).toEqual(Buffer.from([0x40, 0x00, 0x52, 0x02]));
    expect(raw.get(Tags.CommandGroupLength)?.value).toEqual([bytes.length - 12]);
    expect(decodeCommand(bytes)).toMatchObject({ status: 0x0106, attributeIdentifierList: [0x00400252, 0x00080060], messageIdBeingRespondedTo: 7 });
  });

  it('leaves it out when there is none', () => {
    const bytes = encodeCommand({ commandField: CommandField.NCreateRsp, messageIdBeingRespondedTo: 1, status: 0, hasDataset: false });
    expect(decodeDataset(bytes, { explicitVr: false }).has(Tags.AttributeIdentifierList)).toBe(false);
  });
});
