import type { DicomDataset } from './dicom-dataset';

/**
 * The contract between the DIMSE layer and the services behind it (MWL in libs/dicom/src/mwl,
 * MPPS later). Handlers see decoded datasets and return statuses; they never see a socket or PDU.
 */
export interface AssociationInfo {
  id: string;
  callingAeTitle: string;
  calledAeTitle: string;
  peerAddress: string;
}

export interface FindRequest {
  association: AssociationInfo;
  messageId: number;
  affectedSopClassUid: string;
  priority: number;
  /** The decoded query (the C-FIND Identifier). */
  identifier: DicomDataset;
  /**
   * The SCU asked for combined date-time matching through SOP Class Extended Negotiation and we
   * accepted (PS3.4 C.2.2.2.5): only then do a related date and time key form one range.
   */
  combinedDateTimeMatching: boolean;
}

/**
 * One match, sent at once as a Pending response. Put (0008,0005) into `identifier` to choose the
 * answer's character set; its strings are encoded accordingly. A match that cannot be encoded (a
 * character the set cannot represent — the encoder never substitutes a '?'; a handler may, by policy —, a value too long for its VR) is
 * left out and logged with `ref`, the attribute and the reason; the C-FIND goes on with the rest.
 */
export interface FindMatch {
  status: 0xff00 | 0xff01;
  identifier: DicomDataset;
  /** An id of ours for logs (e.g. the procedure step's row id); never patient data. */
  ref?: string;
  /** Something the answer had to change to be sent (for the audit trail): a code and attribute keywords, never values. */
  warning?: { code: string; attributes: readonly string[] };
}

/** Final status of a C-FIND. Error Comment is cut to 64 ASCII characters on the wire. */
export interface FindOutcome {
  status: number;
  errorComment?: string;
  offendingElements?: number[];
}

export interface FindHandler {
  /**
   * Yields matches; returns the final status (0x0000 success when void, 0xA700, 0xA900, 0xC000-range, ...).
   * When the peer sends C-CANCEL the server aborts `signal`, stops pulling matches and answers
   * 0xFE00 itself. Throwing ends the C-FIND with 0xC311 (see DimseStatus), never a dropped association.
   */
  find(req: FindRequest, signal: AbortSignal): AsyncGenerator<FindMatch, FindOutcome | void, void>;
}

export interface NRequest {
  association: AssociationInfo;
  messageId: number;
  sopClassUid: string;
  sopInstanceUid?: string;
  dataset?: DicomDataset;
}

export interface NResponse {
  status: number;
  sopInstanceUid?: string;
  dataset?: DicomDataset;
  errorComment?: string;
  errorId?: number;
  /** Attribute Identifier List (0000,1005): the attributes a failure (0106, 0120, 0121 …) is about. */
  attributeIdentifierList?: number[];
}

/** N-CREATE / N-SET (MPPS). Throwing answers 0x0110 Processing failure. */
export interface NHandler {
  create(req: NRequest): Promise<NResponse>;
  set(req: NRequest): Promise<NResponse>;
}

/** Minimal structured logger. Never pass datasets or patient data: ids, AE titles, statuses, durations only. */
export interface DimseLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}
