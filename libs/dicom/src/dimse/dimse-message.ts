import { decodeCommand, DimseCommand } from './command-set';
import { PDU_HEADER_LENGTH, PDV_HEADER_LENGTH, PduType } from './pdu.constants';
import type { Pdv } from './pdu';

/** A reassembled DIMSE message; the data set stays raw until the service knows the context's transfer syntax. */
export interface DimseMessage {
  contextId: number;
  command: DimseCommand;
  dataset?: Buffer;
}

/** A PDV sequence that breaks PS3.7/PS3.8 rules: the association must be aborted. */
export class DimseProtocolError extends Error {
  override readonly name = 'DimseProtocolError';
}

/**
 * Collects command and data set fragments (PS3.8 Annex E) into whole messages. Messages arrive one
 * after another on an association; fragments of two messages never interleave.
 */
export class MessageAssembler {
  private contextId = -1;
  private parts: Buffer[] = [];
  private size = 0;
  private command: DimseCommand | undefined;

  constructor(private readonly maxMessageBytes = 16 * 1024 * 1024) {}

  push(pdv: Pdv): DimseMessage | undefined {
    const expectingCommand = this.command === undefined;
    if (pdv.command !== expectingCommand) {
      throw new DimseProtocolError(expectingCommand ? 'data set fragment without a command' : 'command fragment where a data set was due');
    }
    if (this.parts.length > 0 || !expectingCommand) {
      if (pdv.contextId !== this.contextId) throw new DimseProtocolError('presentation context changed inside a message');
    }
    this.contextId = pdv.contextId;
    this.size += pdv.data.length;
    if (this.size > this.maxMessageBytes) throw new DimseProtocolError(`message larger than ${this.maxMessageBytes} bytes`);
    this.parts.push(pdv.data);
    if (!pdv.last) return undefined;
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    if (expectingCommand) {
      const command = decodeCommand(bytes);
      if (command.hasDataset) {
        this.command = command;
        return undefined;
      }
      return { contextId: pdv.contextId, command };
    }
    const message = { contextId: pdv.contextId, command: this.command as DimseCommand, dataset: bytes };
    this.command = undefined;
    return message;
  }
}

/** Used when the peer announces no limit (Maximum Length 0): big enough to amortise headers. */
const UNLIMITED_PDU_BODY = 256 * 1024;

/**
 * P-DATA-TF PDUs for one message, as one buffer (one socket write). No PDU body exceeds the peer's
 * Maximum Length; the command and a small data set share one PDU in separate PDVs.
 */
export function encodeMessage(contextId: number, command: Buffer, dataset: Buffer | undefined, peerMaxLength: number): Buffer {
  const maxBody = peerMaxLength > 0 ? Math.max(peerMaxLength, PDV_HEADER_LENGTH + 2) : UNLIMITED_PDU_BODY;
  const maxFragment = maxBody - PDV_HEADER_LENGTH;
  const fragments: Pdv[] = [];
  const split = (data: Buffer, isCommand: boolean): void => {
    for (let off = 0; off < data.length || off === 0; off += maxFragment) {
      const end = Math.min(off + maxFragment, data.length);
      fragments.push({ contextId, command: isCommand, last: end === data.length, data: data.subarray(off, end) });
      if (end === data.length) break;
    }
  };
  split(command, true);
  if (dataset) split(dataset, false);

  const pdus: Pdv[][] = [];
  let current: Pdv[] = [];
  let body = 0;
  for (const f of fragments) {
    const size = PDV_HEADER_LENGTH + f.data.length;
    if (current.length > 0 && body + size > maxBody) {
      pdus.push(current);
      current = [];
      body = 0;
    }
    current.push(f);
    body += size;
  }
  pdus.push(current);

  const total = fragments.reduce((n, f) => n + PDV_HEADER_LENGTH + f.data.length, 0) + pdus.length * PDU_HEADER_LENGTH;
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const pdvs of pdus) {
    const length = pdvs.reduce((n, p) => n + PDV_HEADER_LENGTH + p.data.length, 0);
    out[pos] = PduType.PDataTf;
    out[pos + 1] = 0;
    out.writeUInt32BE(length, pos + 2);
    pos += PDU_HEADER_LENGTH;
    for (const p of pdvs) {
      out.writeUInt32BE(p.data.length + 2, pos);
      out[pos + 4] = p.contextId;
      out[pos + 5] = (p.command ? 1 : 0) | (p.last ? 2 : 0);
      p.data.copy(out, pos + PDV_HEADER_LENGTH);
      pos += PDV_HEADER_LENGTH + p.data.length;
    }
  }
  return out;
}
