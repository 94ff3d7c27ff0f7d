import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { DimseCommand, encodeCommand } from './command-set';
import type { AssociationInfo, DimseLogger } from './dimse-handler';
import { DimseMessage, encodeMessage, MessageAssembler } from './dimse-message';
import { AcceptedContext, negotiate, NegotiationPolicy } from './association-negotiation';
import { AbortReason, AbortSource, AssociateRqPdu, decodePdu, encodePdu, PDataTfPdu, Pdu, PduError, PduType } from './pdu';
import { PduReader } from './pdu-reader';

/** PS3.8 9.2 states an acceptor goes through (Sta3/Sta7/Sta9-12 collapse: we answer synchronously and never request release). */
export type AssociationState = 'Sta1' | 'Sta2' | 'Sta6' | 'Sta8' | 'Sta13';
type Action = 'negotiate' | 'deliver' | 'release' | 'closeTransport' | 'abortUnexpected' | 'ignore';

/**
 * PS3.8 Table 9-10, acceptor rows, as data. Anything not listed takes the state's default:
 * AA-1/AA-8 (A-ABORT "unexpected PDU") while the association lives, AA-6 (ignore) in Sta13.
 */
const TRANSITIONS: Readonly<Record<AssociationState, Readonly<Partial<Record<number, Action>>>>> = {
  Sta1: {},
  Sta2: { [PduType.AssociateRq]: 'negotiate', [PduType.Abort]: 'closeTransport' },
  Sta6: { [PduType.PDataTf]: 'deliver', [PduType.ReleaseRq]: 'release', [PduType.Abort]: 'closeTransport' },
  Sta8: { [PduType.Abort]: 'closeTransport' },
  Sta13: { [PduType.Abort]: 'closeTransport' },
};
const DEFAULT_ACTION: Readonly<Record<AssociationState, Action>> = { Sta1: 'ignore', Sta2: 'abortUnexpected', Sta6: 'abortUnexpected', Sta8: 'abortUnexpected', Sta13: 'ignore' };

export type AssociationOutcome = 'released' | 'aborted' | 'rejected' | 'dropped';

/** What runs DIMSE operations on an established association (see DimseService). */
export interface AssociationService {
  handle(message: DimseMessage): void;
  readonly busy: boolean;
  /** Resolves once no operation is running or queued. */
  idle(): Promise<void>;
  /** The association is gone: cancel whatever still runs. */
  dispose(): void;
}

export interface AssociationOptions {
  policy: NegotiationPolicy;
  artimTimeoutMs: number;
  idleTimeoutMs: number;
  logger: DimseLogger;
  /** Whether the limits leave room for this association, evicting an idle one if need be. */
  makeRoomFor(association: Association): boolean;
  createService(association: Association): AssociationService;
  onClosed(association: Association, outcome: AssociationOutcome): void;
}

export class AssociationClosedError extends Error {
  override readonly name = 'AssociationClosedError';
}

/** One TCP connection through the DICOM Upper Layer state machine, acceptor side. */
export class Association {
  readonly id = randomUUID();
  readonly peerAddress: string;
  state: AssociationState = 'Sta2';
  info: AssociationInfo;
  private readonly reader: PduReader;
  private readonly assembler = new MessageAssembler();
  private contexts = new Map<number, AcceptedContext>();
  private peerMaxLength = 0;
  private service: AssociationService | undefined;
  private timer: NodeJS.Timeout | undefined;
  private outcome: AssociationOutcome = 'dropped';
  private closing = false;
  private unframeable = false;
  private established = false;
  private lastActivityAt = performance.now();
  /** Writes waiting for 'drain': woken when the association ends, so no operation waits for a peer that is gone. */
  private readonly drainWaiters = new Set<() => void>();
  private resolveClosed!: () => void;
  /** Resolves when the TCP connection is gone. */
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(
    private readonly socket: Socket,
    private readonly options: AssociationOptions,
  ) {
    this.peerAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.info = { id: this.id, callingAeTitle: '', calledAeTitle: '', peerAddress: this.peerAddress };
    this.reader = new PduReader(options.policy.maxPduLength);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => options.logger.debug({ event: 'dimse.socket-error', association: this.id, code: (err as NodeJS.ErrnoException).code }, 'socket error'));
    socket.on('close', () => this.onTransportClosed());
    this.arm(options.artimTimeoutMs, () => this.closeTransport());
  }

  get wasEstablished(): boolean {
    return this.established;
  }

  /** Counts against the association limits: established and not yet on its way out. */
  get isLive(): boolean {
    return this.state === 'Sta6' || this.state === 'Sta8';
  }

  /** When the last PDU went either way, if the association is open with no operation running; else undefined. */
  get idleSince(): number | undefined {
    return this.state === 'Sta6' && !this.service?.busy ? this.lastActivityAt : undefined;
  }

  /** Resolves when no DIMSE operation is running (at once if the association never got that far). */
  drain(): Promise<void> {
    return this.service?.idle() ?? Promise.resolve();
  }

  /** Drops the connection without protocol (shutdown backstop). */
  destroy(): void {
    this.socket.destroy();
  }

  context(id: number): AcceptedContext | undefined {
    return this.contexts.get(id);
  }

  /** Sends one DIMSE message; resolves once the socket accepted it (waits for 'drain' under backpressure). */
  send(contextId: number, command: DimseCommand, dataset?: Buffer): Promise<void> {
    if (this.state !== 'Sta6' && this.state !== 'Sta8') return Promise.reject(new AssociationClosedError('association is not established'));
    return this.write(encodeMessage(contextId, encodeCommand(command), dataset, this.peerMaxLength));
  }

  /** A-ABORT from our side (source: service user), e.g. on server shutdown. */
  abort(source: number = AbortSource.ServiceUser, reason: number = AbortReason.NotSpecified): void {
    if (this.state === 'Sta1' || this.state === 'Sta13') return;
    this.outcome = 'aborted';
    this.writeQuietly(encodePdu({ type: PduType.Abort, source, reason }));
    this.enterSta13();
  }

  private onData(chunk: Buffer): void {
    // After a framing error the byte stream has no usable boundaries left; ARTIM will close it.
    if (this.unframeable) return;
    // refresh() re-arms the idle timer without allocating a new one per TCP segment.
    if (this.state === 'Sta6') this.timer?.refresh();
    this.lastActivityAt = performance.now();
    this.reader.push(chunk);
    try {
      for (let raw = this.reader.next(); raw && this.state !== 'Sta1'; raw = this.reader.next()) {
        this.dispatch(decodePdu(raw.type, raw.body));
      }
    } catch (err) {
      const reason = err instanceof PduError ? err.reason : AbortReason.NotSpecified;
      this.unframeable = true;
      this.options.logger.warn({ event: 'dimse.protocol-error', association: this.id, state: this.state, reason, error: (err as Error).message }, 'aborting association');
      this.abort(AbortSource.ServiceProvider, reason);
    }
  }

  private dispatch(pdu: Pdu): void {
    const action = TRANSITIONS[this.state][pdu.type] ?? DEFAULT_ACTION[this.state];
    switch (action) {
      case 'negotiate':
        return this.onAssociateRq(pdu as AssociateRqPdu);
      case 'deliver':
        return this.onPData(pdu as PDataTfPdu);
      case 'release':
        return void this.onReleaseRq();
      case 'closeTransport':
        if (this.state !== 'Sta13') this.outcome = 'aborted';
        return this.closeTransport();
      case 'abortUnexpected':
        this.options.logger.warn({ event: 'dimse.unexpected-pdu', association: this.id, state: this.state, pduType: pdu.type }, 'unexpected PDU');
        return this.abort(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu);
      case 'ignore':
        return;
    }
  }

  private onAssociateRq(rq: AssociateRqPdu): void {
    this.info = { id: this.id, callingAeTitle: rq.callingAeTitle, calledAeTitle: rq.calledAeTitle, peerAddress: this.peerAddress };
    const result = negotiate(rq, this.options.policy, { address: this.peerAddress, hasRoom: () => this.options.makeRoomFor(this) });
    const log = { event: 'dimse.associate', association: this.id, callingAeTitle: rq.callingAeTitle, calledAeTitle: rq.calledAeTitle, peer: this.peerAddress };
    this.writeQuietly(encodePdu(result.pdu));
    if (!result.accepted) {
      this.options.logger.info({ ...log, result: result.pdu.result, source: result.pdu.source, reason: result.pdu.reason, why: result.why }, 'association rejected');
      this.outcome = 'rejected';
      return this.enterSta13();
    }
    this.contexts = result.contexts;
    this.peerMaxLength = rq.userInformation.maxLength;
    this.state = 'Sta6';
    this.service = this.options.createService(this);
    this.established = true;
    this.arm(this.options.idleTimeoutMs, () => this.onIdle());
    this.options.logger.info({ ...log, contexts: result.contexts.size, peerMaxPdu: this.peerMaxLength }, 'association accepted');
  }

  private onPData(pdu: PDataTfPdu): void {
    for (const pdv of pdu.pdvs) {
      if (!this.contexts.has(pdv.contextId)) throw new PduError(AbortReason.InvalidPduParameterValue, `PDV on presentation context ${pdv.contextId}, which was not accepted`);
      const message = this.assembler.push(pdv);
      if (message) this.service?.handle(message);
    }
  }

  /** AR-2 then AR-4 once in-flight operations have answered: PS3.8 lets us keep sending P-DATA in Sta8. */
  private async onReleaseRq(): Promise<void> {
    this.state = 'Sta8';
    this.clearTimer();
    await this.service?.idle();
    if (this.state !== 'Sta8') return;
    this.outcome = 'released';
    this.writeQuietly(encodePdu({ type: PduType.ReleaseRp }));
    this.enterSta13();
  }

  private onIdle(): void {
    if (this.service?.busy) return this.arm(this.options.idleTimeoutMs, () => this.onIdle());
    this.options.logger.info({ event: 'dimse.idle-timeout', association: this.id, ms: this.options.idleTimeoutMs }, 'idle association aborted');
    this.abort(AbortSource.ServiceProvider, AbortReason.NotSpecified);
  }

  /** Sta13: wait for the peer to close, ARTIM as the backstop. */
  private enterSta13(): void {
    this.state = 'Sta13';
    this.wakeDrainWaiters();
    this.service?.dispose();
    this.socket.end();
    this.arm(this.options.artimTimeoutMs, () => this.closeTransport());
  }

  private closeTransport(): void {
    this.socket.destroy();
  }

  private onTransportClosed(): void {
    if (this.closing) return;
    this.closing = true;
    this.state = 'Sta1';
    this.clearTimer();
    this.wakeDrainWaiters();
    this.service?.dispose();
    this.options.onClosed(this, this.outcome);
    this.resolveClosed();
  }

  private write(bytes: Buffer): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.reject(new AssociationClosedError('socket closed'));
    this.lastActivityAt = performance.now();
    if (this.socket.write(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        this.drainWaiters.delete(done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
      this.drainWaiters.add(done);
    });
  }

  /** The next send() sees the state and throws AssociationClosedError: the operation ends, its finally blocks run. */
  private wakeDrainWaiters(): void {
    for (const done of [...this.drainWaiters]) done();
  }

  /** Control PDUs: if the socket is already gone there is nobody left to tell. */
  private writeQuietly(bytes: Buffer): void {
    this.write(bytes).catch(() => undefined);
  }

  private arm(ms: number, onExpire: () => void): void {
    this.clearTimer();
    if (ms > 0) this.timer = setTimeout(onExpire, ms).unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
