/**
 * HL7 table 0357 (message error condition codes) as used in MSA-6 (v2.3.1/2.4), ERR-1.4 (ELD) and
 * ERR-3 (v2.5+). The numbers are the wire values; the names keep the standard's wording so they grep.
 */
export const Hl7ErrorCode = {
  MessageAccepted: 0,
  SegmentSequenceError: 100,
  RequiredFieldMissing: 101,
  DataTypeError: 102,
  TableValueNotFound: 103,
  /** Added in later versions (2.7); senders on v2.3–2.5 expect 102 instead. */
  ValueTooLong: 104,
  UnsupportedMessageType: 200,
  UnsupportedEventCode: 201,
  UnsupportedProcessingId: 202,
  UnsupportedVersionId: 203,
  UnknownKeyIdentifier: 204,
  DuplicateKeyIdentifier: 205,
  ApplicationRecordLocked: 206,
  ApplicationInternalError: 207,
} as const;
export type Hl7ErrorCode = (typeof Hl7ErrorCode)[keyof typeof Hl7ErrorCode];

/** The table's own texts: they go into CE/CWE component 2 next to the code. */
export const HL7_ERROR_TEXT: Readonly<Record<Hl7ErrorCode, string>> = {
  0: 'Message accepted',
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  104: 'Value too long',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  206: 'Application record locked',
  207: 'Application internal error',
};

/** Coding system id written after the code, e.g. `101^Required field missing^HL70357`. */
export const HL7_ERROR_CODING_SYSTEM = 'HL70357';

/** AE: "your message is wrong, fix it"; AR: "we could not take it now or at all" (STYLE.md §6). */
export type Hl7ErrorAckCode = 'AE' | 'AR';

/**
 * Where the problem is, in HL7 terms (ERR-2 ERL / ERR-1 ELD). All numbers are 1-based;
 * `repetition` is the field repetition.
 */
export interface Hl7ErrorLocation {
  segment: string;
  sequence?: number;
  field?: number;
  component?: number;
  subcomponent?: number;
  repetition?: number;
}

export interface Hl7ErrorInit {
  ackCode: Hl7ErrorAckCode;
  errorCode: Hl7ErrorCode;
  /** PHI-free text for MSA-3 / ERR-8: internal ids and field names only, never field values. */
  userMessage: string;
  location?: Hl7ErrorLocation;
  /** The original error, for the log; it never reaches the wire. */
  cause?: unknown;
}

/** An error that already knows its ACK: thrown by MSH validation, produced by the domain error mapper. */
export class Hl7Error extends Error {
  readonly ackCode: Hl7ErrorAckCode;
  readonly errorCode: Hl7ErrorCode;
  readonly location?: Hl7ErrorLocation;
  readonly userMessage: string;

  constructor(init: Hl7ErrorInit) {
    super(`${init.ackCode} ${init.errorCode} ${HL7_ERROR_TEXT[init.errorCode]}: ${init.userMessage}`, { cause: init.cause });
    this.name = 'Hl7Error';
    this.ackCode = init.ackCode;
    this.errorCode = init.errorCode;
    this.location = init.location;
    this.userMessage = init.userMessage;
  }

  get errorText(): string {
    return HL7_ERROR_TEXT[this.errorCode];
  }
}


/**
 * Something accepted as sent, but worth telling (hl7-inbound.md, leniency rules): stored on the
 * message and, from v2.5 on, written in the ACK as an ERR with severity W. The text is PHI-free.
 */
export interface Hl7Warning {
  code: Hl7ErrorCode;
  location?: Hl7ErrorLocation;
  text: string;
}
