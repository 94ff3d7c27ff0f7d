/** The log of every inbound message, stored as received (DESIGN.md §3). */
export interface InboundMessageRecord {
  peer: string;
  sendingApplication: string;
  sendingFacility: string;
  controlId: string | null;
  messageType: string | null;
  version: string | null;
  charset: string | null;
  raw: Buffer;
  payloadSha256: Buffer;
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
  findDuplicate(key: { sendingApplication: string; sendingFacility: string; controlId: string; payloadSha256: Buffer }): Promise<StoredAck | null>;
  /** True when the same sender and control id arrived before with other content. */
  controlIdSeenWithOtherContent(key: { sendingApplication: string; sendingFacility: string; controlId: string; payloadSha256: Buffer }): Promise<boolean>;
  /**
   * Stores the message; returns null when a concurrent transaction stored the same message first
   * (the caller then answers with that message's ACK).
   */
  insert(record: InboundMessageRecord): Promise<string | null>;
  /** Stores the ACK that answers the message, in the same transaction. */
  recordAck(messageRef: string, ack: AckRecord): Promise<void>;
}
