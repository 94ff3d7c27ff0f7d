/**
 * The leniency rules of hl7-inbound.md (its opening paragraph): each is accepted, stored as sent and
 * recorded as a warning, unless the sender's profile makes it strict (then AE at the field).
 */
export const LeniencyRule = {
  /** MSH-7 unreadable: the receipt time is used. */
  MessageTimestamp: 'message-timestamp',
  /** A birth date that is not a date: none is stored. */
  BirthDate: 'birth-date',
  /** A value longer than its DICOM VR allows: kept as sent up to a ceiling (dicom-text-bounds.ts, dicom-values.validator.ts), cut there. */
  ValueTooLong: 'value-too-long',
  /** A modality code that is not a DICOM defined term: a known alias is mapped, else kept. */
  ModalityCode: 'modality-code',
  /** No accession number (it is Type 2 in the worklist). */
  MissingAccession: 'missing-accession',
  /** A priority outside table 0027. */
  Priority: 'priority',
  /** Other values outside their HL7 tables. */
  TableValue: 'table-value',
  /** A merge or identifier change whose prior patient is unknown: the surviving patient is created or updated. */
  UnknownPriorPatient: 'unknown-prior-patient',
  /** A result message's report without its status (OBR-25): that report changes nothing. */
  MissingReportStatus: 'missing-report-status',
} as const;
export type LeniencyRule = (typeof LeniencyRule)[keyof typeof LeniencyRule];
export type LeniencyMode = 'warn' | 'strict';

/** Where the accession number is read from, in order of preference. */
export type AccessionSource = 'OBR-18' | 'IPC-1' | 'filler' | 'placer';

/**
 * IPC-1 where the message has IPCs (OMI), else OBR-18 (ORM): IHE's homes for it. The order numbers
 * are no default: a sender whose accession is its filler number says so in its profile, and an
 * order without an accession stays visible as such.
 */
export const DEFAULT_ACCESSION_SOURCES: readonly AccessionSource[] = ['IPC-1', 'OBR-18'];

/** How a sender is acknowledged: original mode (AA/AE/AR after commit, the default) or true enhanced mode. */
export type AckMode = 'original' | 'enhanced';

/** One sending system's choices (MSH-3/MSH-4), or the default profile every other sender gets. */
export interface SenderProfile {
  /** The profile's name in the file (`default` for the default one): for logs and errors. */
  name: string;
  /** Charset assumed when MSH-18 is empty or disagrees with the bytes. */
  charset: string;
  ackMode: AckMode;
  /** Enhanced mode only: where application ACKs go when MSH-16 asks for them (`mllp://host:port`). */
  applicationAckUrl?: string;
  leniency: Readonly<Record<LeniencyRule, LeniencyMode>>;
  accessionSources: readonly AccessionSource[];
  stationAeByModality: Readonly<Record<string, string>>;
  stationAeByLocation: Readonly<Record<string, string>>;
  /** Sender's modality code → DICOM defined term, e.g. NMR → MR. */
  modalityAliases: Readonly<Record<string, string>>;
  processingIds: readonly string[];
  newOrderWhenExists: 'reject' | 'update';
}

/** Picks the profile for a message from its sending application and facility (HD namespace ids). */
export interface SenderProfiles {
  profileFor(sendingApplication: string, sendingFacility: string): SenderProfile;
}

export const ALL_LENIENT: Readonly<Record<LeniencyRule, LeniencyMode>> = Object.fromEntries(
  Object.values(LeniencyRule).map((rule) => [rule, 'warn']),
) as Record<LeniencyRule, LeniencyMode>;

export const DEFAULT_MODALITY_ALIASES: Readonly<Record<string, string>> = { NMR: 'MR' };

/** The profile the options' own fields describe: for a service built without profiles (tests, tools). */
export function profileFromOptions(o: { defaultCharset: string; processingIds: readonly string[]; stationAeByModality: Record<string, string>; orderPolicy: { newOrderWhenExists: 'reject' | 'update' } }): SenderProfile {
  return {
    name: 'default',
    charset: o.defaultCharset,
    ackMode: 'original',
    leniency: ALL_LENIENT,
    accessionSources: DEFAULT_ACCESSION_SOURCES,
    stationAeByModality: o.stationAeByModality,
    stationAeByLocation: {},
    modalityAliases: DEFAULT_MODALITY_ALIASES,
    processingIds: o.processingIds,
    newOrderWhenExists: o.orderPolicy.newOrderWhenExists,
  };
}

/** Every sender gets the same profile: the one built from the environment when no profile file is set. */
export function singleProfile(profile: SenderProfile): SenderProfiles {
  return { profileFor: () => profile };
}
