import { FieldUpdate, IssuerRef, ProcedureStepInput, RequestedProcedureInput } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { checkAeTitle, checkAeTitleCount, checkModality, checkShortString, checkUid } from './dicom-values.validator';
import { firstOf, toCodedEntries, toCodedEntry, toEntityIdentifier } from './hl7-types.mapper';
import { MappingWarnings } from './leniency';
import { locate } from './mapping.errors';
import type { AccessionSource } from '../inbound/sender-profile';
import { readAccession, STYLE_ACCESSION_SOURCE } from './order-accession.mapper';
import { ObrSlice, OrcSegmentGroup } from './order-segments';
import { StepTiming, toStepTiming } from './order-timing.mapper';
import { cnnToPersonName } from './xpn.mapper';

export interface ProcedureMappingOptions {
  /** Scheduled Station AE Title by modality, for messages that do not carry one (ORM; OMI without IPC-9). */
  stationAeByModality?: Record<string, string>;
  /**
   * ORM has no standard field for the station AE: ORC-18 (entering device) is the documented option
   * (hl7-orders-to-mwl.md §2.4); OBR-21 is a site convention some RIS use (and the peer harness).
   */
  ormStationAeField?: 'ORC-18' | 'OBR-21';
  /** Scheduled Station AE Title by the patient's point of care (PV1-3.1); outranks the modality's. */
  stationAeByLocation?: Record<string, string>;
  /** Where the accession is read, first valued wins; OBR-18 (ORM) or IPC-1 (OMI) when unset. */
  accessionSources?: readonly AccessionSource[];
  /** The sender's modality codes → DICOM defined terms (sender profile), e.g. NMR → MR. */
  modalityAliases?: Readonly<Record<string, string>>;
  /** The message's leniency rules and the warnings they record; every rule strict when unset. */
  warnings?: MappingWarnings;
}

/** One OBR (ORM) or one IPC (OMI): one requested procedure with one step, before grouping. */
export interface ProcedureRow {
  accessionNumber?: string;
  accessionIssuer?: IssuerRef;
  procedure: RequestedProcedureInput;
  /** Where the accession is (OBR-18 / IPC-1) and where the Study Instance UID is (ZDS-1 / IPC-3). */
  accessionLocation: Hl7ErrorLocation;
  uidLocation: Hl7ErrorLocation;
}

/**
 * ORM^O01 (IHE SWF, v2.3.1/2.4): OBR-18 accession, OBR-19 RP ID, OBR-20 SPS ID, OBR-24 modality,
 * ZDS-1.1 Study Instance UID; OBR-44 requested procedure code, OBR-4.4-6 protocol code.
 */
export function ormProcedureRow(msg: Hl7Message, group: OrcSegmentGroup, slice: ObrSlice, options: ProcedureMappingOptions): ProcedureRow {
  const { obr, zds } = slice;
  const at = (field: number) => locate(msg, obr, field);
  const uidLocation = zds ? locate(msg, zds, 1) : { segment: 'ZDS' };
  const modality = readModality(obr.get(24), at(24), options);
  const protocol = toCodedEntry(obr, 4, 0, 4);
  const timing = toStepTiming(msg, { tq1: group.tq1, orc: group.orc, obr }, options.warnings);
  const step: ProcedureStepInput = {
    ...stepCommon(msg, group, obr, timing),
    spsId: optionalSh(obr.text(20), 'scheduled procedure step ID (OBR-20)', at(20), options),
    modality,
    stationAeTitles: stationAes(ormStationAes(msg, group.orc, obr, options), modality, pointOfCare(msg), options),
    description: firstOf(obr.get(4, 5), obr.get(4, 2)),
    protocolCodes: protocol ? [protocol] : [],
  };
  const { accessionLocation, ...accession } = readAccession(msg, group, { obr }, options.accessionSources ?? [STYLE_ACCESSION_SOURCE.ORM], options.warnings);
  return {
    ...accession,
    procedure: {
      ...procedureCommon(msg, group, slice, timing),
      requestedProcedureId: optionalSh(obr.text(19), 'requested procedure ID (OBR-19)', at(19), options),
      studyInstanceUid: optionalUid(zds?.text(1), uidLocation),
      description: firstOf(obr.get(44, 2), obr.get(4, 5), obr.get(4, 2)),
      steps: [step],
    },
    accessionLocation,
    uidLocation,
  };
}

/**
 * OMI^O23 (IHE SWF.b, v2.5.1): IPC-1 accession (EI, with issuer), IPC-2 RP ID, IPC-3 Study
 * Instance UID, IPC-4 SPS ID, IPC-5 modality, IPC-6 protocol codes (each repetition), IPC-7 station
 * name, IPC-8 SPS location, IPC-9 station AE titles (each repetition).
 */
export function omiProcedureRow(msg: Hl7Message, group: OrcSegmentGroup, ipc: Hl7Segment, options: ProcedureMappingOptions): ProcedureRow {
  const slice = group.obrs[0];
  const obr = slice?.obr;
  const at = (field: number) => locate(msg, ipc, field);
  const modality = readModality(ipc.get(5, 1), at(5), options);
  const protocolCodes = toCodedEntries(ipc, 6);
  const timing = toStepTiming(msg, { tq1: group.tq1, orc: group.orc, obr }, options.warnings);
  const step: ProcedureStepInput = {
    ...stepCommon(msg, group, obr, timing),
    spsId: optionalSh(ipc.text(4, 1), 'scheduled procedure step ID (IPC-4)', at(4), options),
    modality,
    stationAeTitles: stationAes(ipcStationAes(msg, ipc), modality, pointOfCare(msg), options),
    stationName: ipc.get(7, 1),
    location: ipc.get(8, 1),
    // OBR-4.2 fills in when IPC-6 has no text: the description or the protocol code is type 1C.
    description: firstOf(ipc.get(6, 2), obr?.get(4, 2)),
    protocolCodes,
    origin: locate(msg, ipc),
  };
  const { accessionLocation, ...accession } = readAccession(msg, group, { obr, ipc }, options.accessionSources ?? [STYLE_ACCESSION_SOURCE.OMI], options.warnings);
  return {
    ...accession,
    procedure: {
      ...procedureCommon(msg, group, slice, timing),
      requestedProcedureId: optionalSh(ipc.text(2, 1), 'requested procedure ID (IPC-2)', at(2), options),
      studyInstanceUid: optionalUid(ipc.text(3, 1), at(3)),
      description: firstOf(obr?.get(44, 2), obr?.get(4, 2)),
      steps: [step],
      origin: locate(msg, ipc),
    },
    accessionLocation,
    uidLocation: at(3),
  };
}

/** Requested procedure fields shared by ORM and OMI (hl7-orders-to-mwl.md §2.3). */
function procedureCommon(msg: Hl7Message, group: OrcSegmentGroup, slice: ObrSlice | undefined, timing: StepTiming): Omit<RequestedProcedureInput, 'steps'> {
  const obr = slice?.obr;
  const out: Omit<RequestedProcedureInput, 'steps'> = {
    priority: timing.priority,
    transportArrangements: obr?.get(30),
    comments: slice ? notesText(slice.notes) : undefined,
    origin: obr ? locate(msg, obr) : locate(msg, group.orc),
  };
  // OBR-44 is the requested procedure code; many RIS send only OBR-4.1-3 (universal service ID) for it.
  const code = obr ? (toCodedEntry(obr, 44) ?? toCodedEntry(obr, 4)) : undefined;
  if (code) out.code = code;
  return out;
}

/** Step fields shared by ORM and OMI (hl7-orders-to-mwl.md §2.4). */
function stepCommon(msg: Hl7Message, group: OrcSegmentGroup, obr: Hl7Segment | undefined, timing: StepTiming): ProcedureStepInput {
  const step: ProcedureStepInput = {
    endDate: timing.end ? timing.end.date : timing.end,
    endTime: timing.end ? timing.end.time : timing.end,
    performingPhysician: obr ? cnnToPersonName(obr, 34) : undefined,
    origin: obr ? locate(msg, obr) : locate(msg, group.orc),
  };
  if (timing.start?.date) {
    step.startDate = timing.start.date;
    if (timing.start.time !== undefined) step.startTime = timing.start.time;
    if (timing.start.offset !== undefined) step.timezoneOffset = timing.start.offset;
  }
  return step;
}

/** NTE-3 (FT, repeating) of the NTEs after an OBR, one line each. */
export function notesText(notes: Hl7Segment[]): FieldUpdate<string> {
  const values = notes.flatMap((nte) => nte.repetitions(3).map((_, rep) => nte.get(3, 1, 1, rep)));
  const lines = values.filter((v): v is string => typeof v === 'string');
  if (lines.length > 0) return lines.join('\n');
  return values.some((v) => v === null) ? null : undefined;
}

function ormStationAes(msg: Hl7Message, orc: Hl7Segment, obr: Hl7Segment, options: ProcedureMappingOptions): FieldUpdate<string[]> {
  if (!options.ormStationAeField) return undefined;
  const [seg, field] = options.ormStationAeField === 'ORC-18' ? [orc, 18] : [obr, 21];
  const ae = seg.get(field, 1);
  return typeof ae === 'string' ? [checkAeTitle(ae, 'station AE title', locate(msg, seg, field))] : ae;
}

function ipcStationAes(msg: Hl7Message, ipc: Hl7Segment): FieldUpdate<string[]> {
  if (ipc.isNull(9)) return null;
  const aes = ipc
    .repetitions(9)
    .map((_, rep) => ipc.text(9, 1, 1, rep))
    .filter((ae): ae is string => ae !== undefined)
    .map((ae) => checkAeTitle(ae, 'station AE title (IPC-9)', locate(msg, ipc, 9)));
  checkAeTitleCount(aes, locate(msg, ipc, 9));
  return aes.length > 0 ? aes : undefined;
}

/**
 * The message's AE titles, else the one configured for the patient's point of care, else the one
 * for the modality; an HL7 null clears them.
 */
function stationAes(fromMessage: FieldUpdate<string[]>, modality: FieldUpdate<string>, location: string | undefined, options: ProcedureMappingOptions): string[] | undefined {
  if (fromMessage === null) return [];
  if (fromMessage !== undefined) return fromMessage;
  const configured = ownValue(options.stationAeByLocation, location) ?? ownValue(options.stationAeByModality, typeof modality === 'string' ? modality : undefined);
  return configured ? [configured] : undefined;
}

/** A sender's text as a key: `constructor` or `__proto__` must not find Object.prototype's members. */
function ownValue(map: Record<string, string> | undefined, key: string | undefined): string | undefined {
  return map !== undefined && key !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** PV1-3.1, the point of care (ward or unit) the patient is in. */
function pointOfCare(msg: Hl7Message): string | undefined {
  return msg.segment('PV1')?.text(3, 1);
}

function readModality(value: FieldUpdate<string>, at: Hl7ErrorLocation, options: ProcedureMappingOptions): FieldUpdate<string> {
  return typeof value === 'string' ? checkModality(value, at, options.warnings, options.modalityAliases) : value;
}

function optionalSh(value: string | undefined, what: string, at: Hl7ErrorLocation, options: ProcedureMappingOptions): string | undefined {
  return value === undefined ? undefined : checkShortString(value, what, at, options.warnings);
}

function optionalUid(value: string | undefined, at: Hl7ErrorLocation): string | undefined {
  return value === undefined ? undefined : checkUid(value, 'study instance UID', at);
}
