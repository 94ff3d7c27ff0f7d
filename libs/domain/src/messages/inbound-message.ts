/** The log of every inbound message, stored as received (DESIGN.md §3). */
export interface InboundMessageRecord {
  /** Chosen before the changes are made, so history rows can name the message. */
  id: string;
  peer: string;
  sendingApplication: string;
  sendingFacility: string;
  controlId: string | null;
  messageType: string | null;
  version: string | null;
  charset: string | null;
  raw: Buffer;
  payloadSha256: Buffer;
  ack: AckRecord;
}

export interface AckRecord {
  ackCode: string;
  ack: Buffer;
  errorCode: string | null;
  errorText: string | null;
}

export interface StoredAck {
  messageRef: string;
  ackCode: string;
  ack: Buffer;
}

/** Port: the message log, inside the same transaction as the changes a message makes. */
export interface InboundMessageStore {
  /** The stored ACK of an earlier message with the same sender, control id and payload. */
  findDuplicate(key: MessageKey): Promise<StoredAck | null>;
  /** True when the same sender and control id arrived before with other content. */
  controlIdSeenWithOtherContent(key: MessageKey): Promise<boolean>;
  /**
   * Stores the message with the ACK that answers it. Returns false when the same message (sender,
   * control id, bytes) is already stored, or was stored by a concurrent transaction that committed
   * first: the caller must then roll back and answer with that message's ACK.
   */
  insert(record: InboundMessageRecord): Promise<boolean>;
}

export interface MessageKey {
  sendingApplication: string;
  sendingFacility: string;
  controlId: string;
  payloadSha256: Buffer;
}
