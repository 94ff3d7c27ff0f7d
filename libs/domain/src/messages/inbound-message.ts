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
  /** What was accepted as sent but worth telling (leniency rules); empty when nothing was. */
  warnings?: readonly MessageWarning[];
}

/** One warning on a stored message: a wire code (HL7 table 0357), where, and a PHI-free text. */
export interface MessageWarning {
  code: number;
  location?: { segment: string; sequence?: number; field?: number; component?: number; subcomponent?: number; repetition?: number };
  text: string;
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

/** An application ACK owed to a sender's return link (true enhanced mode), kept until it is taken. */
export interface PendingApplicationAck {
  /** The message it answers. */
  messageRef: string;
  /** `mllp://host:port` */
  url: string;
  /** The sender profile's name: for logs. */
  profile: string;
  ackCode: string;
  ack: Buffer;
  /** MSH-10 of the message it answers (from the message row): for logs. */
  controlId?: string | null;
}

/** Port: the message log, inside the same transaction as the changes a message makes. */
export interface InboundMessageStore {
  /** The stored ACK of an earlier message with the same sender, control id and payload. */
  findDuplicate(key: MessageKey): Promise<StoredAck | null>;
  /** True when the same sender and control id arrived before with other content. */
  controlIdSeenWithOtherContent(key: MessageKey): Promise<boolean>;
  /**
   * Stores the message with the ACK that answers it. When the same message (sender, control id,
   * bytes) is stored already, or a concurrent transaction stores it first, the transaction fails
   * with MessageAlreadyStored: nothing it changed is kept, and the caller answers with the stored ACK.
   */
  insert(record: InboundMessageRecord): Promise<void>;
  /** Keeps an application ACK to send after the commit; after insert() of the message it answers. */
  insertApplicationAck(ack: PendingApplicationAck): Promise<void>;
  markApplicationAckSent(messageRef: string): Promise<void>;
  /** The oldest application ACKs not yet taken by their return link. */
  pendingApplicationAcks(limit: number): Promise<PendingApplicationAck[]>;
}

/** The message is a resend of one already stored. */
export class MessageAlreadyStored extends Error {
  constructor() {
    super('message already stored');
    this.name = 'MessageAlreadyStored';
  }
}

export interface MessageKey {
  sendingApplication: string;
  sendingFacility: string;
  controlId: string;
  payloadSha256: Buffer;
}
