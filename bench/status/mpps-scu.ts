import { Socket } from 'node:net';
import { Client, constants, Dataset, log, requests } from 'dcmjs-dimse';
import { PlacedOrder } from './orders';

/**
 * dcmjs-dimse as the modality (an SCU we did not write). Its Client sends the requests it was
 * given on one association, one at a time, then releases it; so one exchange is one association,
 * and the timed part runs from the association being accepted (the first request goes out at
 * once) to the last response, leaving connection set-up and release out.
 */
log.setLevel('error');

export interface DimseTarget {
  port: number;
  calledAe: string;
  callingAe: string;
  /**
   * dcmjs-dimse leaves Nagle's algorithm on and writes a command and its data set as two PDUs, so
   * the data set can wait for the server's delayed ACK (about 40 ms). Sites set TCP_NODELAY on
   * their modalities for this (the peer scripts do for DCMTK); the Client has no option for it,
   * so the bench sets it on the Client's socket when the connection opens.
   */
  noDelay: boolean;
}

export interface Exchange {
  /** Accepted → last response, ms. */
  ms: number;
  /** Accepted → first response, ms: one round trip. */
  firstMs: number;
  statuses: number[];
}

type Request = InstanceType<typeof requests.Request>;

/**
 * Data sets are built in the transfer syntax Radflow accepts first (it prefers Explicit VR LE):
 * a Dataset in another one is transcoded by the Client before every send, SCU CPU a modality
 * built on this library would not spend twice.
 */
const EXPLICIT_VR_LE = constants.TransferSyntax.ExplicitVRLittleEndian;

/** Sends `list` on one association and resolves once it is closed again. */
export function exchange(target: DimseTarget, list: Request[], timeoutMs = 30_000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const at: bigint[] = [];
    const statuses: number[] = [];
    let accepted = 0n;
    for (const r of list) {
      r.on('response', (response: { getStatus(): number }) => (at.push(process.hrtime.bigint()), statuses.push(response.getStatus())));
      client.addRequest(r);
    }
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => (clearTimeout(timer), reject(e));
    client.on('connected', () => target.noDelay && setNoDelay(client));
    client.on('associationAccepted', () => (accepted = process.hrtime.bigint()));
    client.on('associationRejected', (why: unknown) => fail(new Error(`association rejected: ${JSON.stringify(why)}`)));
    client.on('networkError', fail);
    client.on('closed', () => {
      clearTimeout(timer);
      if (at.length !== list.length) return reject(new Error(`${at.length} of ${list.length} responses`));
      const ms = (t: bigint) => Number(t - accepted) / 1e6;
      resolve({ ms: ms(at[at.length - 1]), firstMs: ms(at[0]), statuses });
    });
    client.send('127.0.0.1', target.port, target.callingAe, target.calledAe);
  });
}

let warnedNoSocket = false;

/** The Client's socket is not part of its API: looked up defensively, with one warning if it moved. */
function setNoDelay(client: Client): void {
  const socket = (client as unknown as { network?: { socket?: unknown } }).network?.socket;
  if (socket instanceof Socket) socket.setNoDelay(true);
  else if (!warnedNoSocket) (warnedNoSocket = true), process.stderr.write('WARNING: dcmjs-dimse socket not found: TCP_NODELAY not set on the SCU\n');
}

/** N-CREATE (IN PROGRESS, scheduled: naming the order's step) then N-SET (COMPLETED, one series). */
export function mppsRoundTrip(target: DimseTarget, order: PlacedOrder, ppsUid: string): Promise<Exchange> {
  const create = new requests.NCreateRequest(constants.SopClass.ModalityPerformedProcedureStep, ppsUid);
  create.setDataset(new Dataset(inProgress(order, target.callingAe), EXPLICIT_VR_LE));
  const set = new requests.NSetRequest(constants.SopClass.ModalityPerformedProcedureStep, ppsUid);
  set.setDataset(new Dataset(completed(ppsUid), EXPLICIT_VR_LE));
  return exchange(target, [create, set]);
}

/** The same-run floor: as many C-ECHOs, on an association of the same client, as the MPPS has requests. */
export function echoRoundTrip(target: DimseTarget, count = 2): Promise<Exchange> {
  return exchange(target, Array.from({ length: count }, () => new requests.CEchoRequest()));
}

/** The N-CREATE data set a modality sends for a worklist item (IHE RAD-6), synthetic patient. */
export function inProgress(o: PlacedOrder, stationAe: string): Record<string, unknown> {
  return {
    SpecificCharacterSet: 'ISO_IR 100',
    ScheduledStepAttributesSequence: [{
      StudyInstanceUID: o.studyInstanceUid, ReferencedStudySequence: [], AccessionNumber: o.accession,
      RequestedProcedureID: o.requestedProcedureId, RequestedProcedureDescription: 'CT EXAM',
      ScheduledProcedureStepID: o.spsId, ScheduledProcedureStepDescription: 'CT EXAM', ScheduledProtocolCodeSequence: [],
    }],
    PatientName: 'STATUS^BENCH', PatientID: `P${o.accession.slice(1)}`, PatientBirthDate: '19700101', PatientSex: 'O',
    PerformedProcedureStepID: `PPS${o.spsId.slice(3)}`, PerformedStationAETitle: stationAe, PerformedStationName: 'CT ROOM 1',
    PerformedLocation: '', PerformedProcedureStepStartDate: '20261204', PerformedProcedureStepStartTime: '101500',
    PerformedProcedureStepStatus: 'IN PROGRESS', PerformedProcedureStepDescription: 'CT EXAM', PerformedProcedureTypeDescription: '',
    ProcedureCodeSequence: [], PerformedProcedureStepEndDate: '', PerformedProcedureStepEndTime: '', Modality: 'CT', StudyID: '1',
    PerformedProtocolCodeSequence: [], PerformedSeriesSequence: [],
  };
}

/** The final N-SET (IHE RAD-7): COMPLETED, end date and time, the series acquired. */
export function completed(ppsUid: string): Record<string, unknown> {
  return {
    PerformedProcedureStepStatus: 'COMPLETED', PerformedProcedureStepEndDate: '20261204', PerformedProcedureStepEndTime: '103000',
    PerformedSeriesSequence: [{
      PerformingPhysicianName: '', OperatorsName: 'TECH^ONE', ProtocolName: 'CHEST ROUTINE', SeriesInstanceUID: `${ppsUid}.1`,
      SeriesDescription: 'AXIAL', RetrieveAETitle: 'PACS',
      ReferencedImageSequence: [{ ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2', ReferencedSOPInstanceUID: `${ppsUid}.1.1` }],
      ReferencedNonImageCompositeSOPInstanceSequence: [],
    }],
  };
}
