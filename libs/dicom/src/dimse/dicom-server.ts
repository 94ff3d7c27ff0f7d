import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { Association, AssociationOutcome } from './association';
import { AbortReason, AbortSource } from './pdu';
import type { NegotiationPolicy } from './association-negotiation';
import type { DimseLogger, FindHandler, NHandler } from './dimse-handler';
import { DimseService } from './dimse-service';
import { RADFLOW_IMPLEMENTATION_CLASS_UID, RADFLOW_IMPLEMENTATION_VERSION_NAME, SopClass } from './uids';

export interface DicomServerOptions {
  aeTitle: string;
  /** 'reject' (default): A-ASSOCIATE-RJ unless the called AE title is ours. */
  calledAeCheck?: 'reject' | 'any';
  /** Empty or absent: any calling AE title. */
  allowedCallingAeTitles?: string[];
  /** Exact peer IP addresses (IPv4-mapped IPv6 is unwrapped); empty or absent: any host. */
  allowedHosts?: string[];
  /**
   * Established associations at once. At the limit a new one evicts the longest-idle association
   * (A-ABORT; one with no operation running); with none idle it is rejected as transient "local
   * limit exceeded". Default 32.
   */
  maxAssociations?: number;
  /** The same, counted per peer IP address: a peer at its limit can only evict its own idle associations. Default 16. */
  maxAssociationsPerPeer?: number;
  /** Maximum Length we announce and enforce for incoming P-DATA-TF. Default 65536. */
  maxPduLength?: number;
  /** No incoming PDU for this long and no operation running: A-ABORT. Default 60 s. */
  idleTimeoutMs?: number;
  /** PS3.8 ARTIM: wait for A-ASSOCIATE-RQ after connect, and for the peer to close after RJ/RP/ABORT. Default 10 s. */
  artimTimeoutMs?: number;
  findHandler: FindHandler;
  /** Serves MPPS (N-CREATE/N-SET); the MPPS SOP class is only negotiated when present. */
  nHandler?: NHandler;
  logger?: DimseLogger;
}

/** Counters for /health and /metrics. */
export interface DicomServerStats {
  associationsOpen: number;
  associationsTotal: number;
  associationsReleased: number;
  associationsAborted: number;
  associationsRejected: number;
  associationsDropped: number;
  /** Idle associations aborted to make room for a new one. */
  associationsEvicted: number;
  /** New associations refused because a limit was reached and nothing was idle. */
  associationsRefusedAtLimit: number;
}

type LimitScope = 'peer' | 'total';

const SILENT: DimseLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** DICOM Upper Layer acceptor on node:net serving C-ECHO, MWL C-FIND and (optionally) MPPS. */
export class DicomServer {
  private readonly server: Server;
  private readonly associations = new Set<Association>();
  private readonly logger: DimseLogger;
  private readonly policy: NegotiationPolicy;
  private readonly counters: DicomServerStats = {
    associationsOpen: 0,
    associationsTotal: 0,
    associationsReleased: 0,
    associationsAborted: 0,
    associationsRejected: 0,
    associationsDropped: 0,
    associationsEvicted: 0,
    associationsRefusedAtLimit: 0,
  };

  constructor(private readonly options: DicomServerOptions) {
    this.logger = options.logger ?? SILENT;
    const abstractSyntaxes = new Set<string>([SopClass.Verification, SopClass.ModalityWorklistInformationModelFind]);
    if (options.nHandler) abstractSyntaxes.add(SopClass.ModalityPerformedProcedureStep);
    this.policy = {
      aeTitle: options.aeTitle,
      calledAeCheck: options.calledAeCheck ?? 'reject',
      allowedCallingAeTitles: options.allowedCallingAeTitles ?? [],
      allowedHosts: options.allowedHosts ?? [],
      abstractSyntaxes,
      maxPduLength: options.maxPduLength ?? 65536,
      implementationClassUid: RADFLOW_IMPLEMENTATION_CLASS_UID,
      implementationVersionName: RADFLOW_IMPLEMENTATION_VERSION_NAME,
    };
    this.server = createServer((socket) => this.accept(socket));
    // Crude flood guard: sockets that never associate still cost memory until ARTIM fires.
    this.server.maxConnections = (options.maxAssociations ?? 32) * 2 + 16;
  }

  /** True while the listening socket is open (readiness). */
  get listening(): boolean {
    return this.server.listening;
  }

  get stats(): DicomServerStats {
    return { ...this.counters, associationsOpen: this.associations.size };
  }

  listen(port: number, host?: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.logger.info({ event: 'dimse.listening', aeTitle: this.options.aeTitle, port: address.port, host: address.address }, 'DICOM listener up');
        resolve(address);
      });
    });
  }

  /**
   * Stops accepting, aborts idle associations at once, lets running operations finish for up to
   * `graceMs`, then aborts whatever is left.
   */
  async close(graceMs = 10_000): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + graceMs;
    await Promise.all(
      Array.from(this.associations, async (a) => {
        await Promise.race([a.drain(), delay(Math.max(0, deadline - Date.now()))]);
        a.abort();
      }),
    );
    // The peer normally closes right after our A-ABORT; do not wait a whole ARTIM period for stragglers.
    await Promise.race([Promise.all(Array.from(this.associations, (a) => a.closed)), delay(1000)]);
    for (const a of this.associations) a.destroy();
    await stopped;
    this.logger.info({ event: 'dimse.closed', ...this.stats }, 'DICOM listener closed');
  }

  private accept(socket: Socket): void {
    this.counters.associationsTotal++;
    const association = new Association(socket, {
      policy: this.policy,
      artimTimeoutMs: this.options.artimTimeoutMs ?? 10_000,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 60_000,
      logger: this.logger,
      makeRoomFor: (a) => this.makeRoomFor(a),
      createService: (a) => new DimseService(a, { findHandler: this.options.findHandler, nHandler: this.options.nHandler, logger: this.logger }),
      onClosed: (a, outcome) => this.onClosed(a, outcome),
    });
    this.associations.add(association);
  }

  /**
   * Per-peer limit first, then the total: for each one that is full, pick its longest-idle member.
   * Nobody is evicted unless every full limit has a victim, so a refused peer costs nobody anything.
   */
  private makeRoomFor(candidate: Association): boolean {
    const limits: ReadonlyArray<[LimitScope, number, (a: Association) => boolean]> = [
      ['peer', this.options.maxAssociationsPerPeer ?? 16, (a) => a.peerAddress === candidate.peerAddress],
      ['total', this.options.maxAssociations ?? 32, () => true],
    ];
    const victims = new Map<Association, LimitScope>();
    for (const [scope, limit, inScope] of limits) {
      const members = Array.from(this.associations).filter((a) => a !== candidate && a.isLive && !victims.has(a) && inScope(a));
      if (members.length < limit) continue;
      const victim = longestIdle(members);
      if (!victim) {
        this.counters.associationsRefusedAtLimit++;
        this.logger.warn({ event: 'dimse.association-limit', association: candidate.id, peer: candidate.peerAddress, scope, limit }, 'association limit reached, none idle to evict');
        return false;
      }
      victims.set(victim, scope);
    }
    for (const [victim, scope] of victims) {
      this.counters.associationsEvicted++;
      const idleMs = Math.round(performance.now() - (victim.idleSince ?? performance.now()));
      this.logger.info({ event: 'dimse.association-evicted', association: victim.id, peer: victim.peerAddress, callingAeTitle: victim.info.callingAeTitle, for: candidate.id, scope, idleMs }, 'idle association aborted to make room');
      victim.abort(AbortSource.ServiceProvider, AbortReason.NotSpecified);
    }
    return true;
  }

  private onClosed(association: Association, outcome: AssociationOutcome): void {
    this.associations.delete(association);
    const key = ({ released: 'associationsReleased', aborted: 'associationsAborted', rejected: 'associationsRejected', dropped: 'associationsDropped' } as const)[outcome];
    this.counters[key]++;
    this.logger.info({ event: 'dimse.association-closed', association: association.id, callingAeTitle: association.info.callingAeTitle, outcome }, 'association closed');
  }
}

/** The idle association that has waited longest, if any. */
function longestIdle(candidates: readonly Association[]): Association | undefined {
  let oldest: Association | undefined;
  for (const a of candidates) {
    const since = a.idleSince;
    if (since !== undefined && (oldest === undefined || since < (oldest.idleSince as number))) oldest = a;
  }
  return oldest;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
