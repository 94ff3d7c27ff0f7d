import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ENV, Env } from '@radflow/config';
import { UNIT_OF_WORK, UnitOfWork } from '@radflow/domain';
import { buildFallbackAck, Hl7InboundService, MllpServer, RetryingApplicationAckSender } from '@radflow/hl7';
import { assertUp, LOGGER, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { inboundOptionsFrom } from './inbound-options';

/** Application ACKs resent at start-up, oldest first; the rest wait for the next start. */
const PENDING_ACKS_AT_START = 10_000;

/** The MLLP listener on HL7_PORT, feeding the inbound HL7 service. */
@Injectable()
export class MllpListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: MllpServer;
  private readonly inbound: Hl7InboundService;
  private readonly applicationAcks: RetryingApplicationAckSender;
  private readonly log: Logger;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(LOGGER) logger: Logger,
    @Inject(READINESS) readiness: ReadinessRegistry,
  ) {
    this.log = logger.child({ component: 'mllp' });
    const log = this.log;
    this.applicationAcks = new RetryingApplicationAckSender(log, { onDelivered: (ack) => (ack.messageRef ? uow.run((tx) => tx.messages.markApplicationAckSent(ack.messageRef!)) : Promise.resolve()) });
    const options = { ...inboundOptionsFrom(env), applicationAcks: this.applicationAcks };
    this.inbound = new Hl7InboundService(uow, options, log);
    this.server = new MllpServer({
      port: env.HL7_PORT,
      maxMessageBytes: env.HL7_MAX_MESSAGE_BYTES,
      idleTimeoutMs: env.HL7_IDLE_TIMEOUT_MS,
      maxConnections: env.HL7_MAX_CONNECTIONS,
      maxConnectionsPerPeer: env.HL7_MAX_CONNECTIONS_PER_PEER,
      fallbackAck: (reason) => buildFallbackAck({ reason, ourApplication: options.receivingApplication, ourFacility: options.receivingFacility }),
      logger: log,
      onMessage: (payload, ctx) => this.inbound.handle(payload, ctx),
      onOversize: (ctx, head) => this.inbound.rejectOversize(head, ctx, env.HL7_MAX_MESSAGE_BYTES),
    });
    readiness.register({ name: 'mllp', check: async () => assertUp(this.server.address() !== null, 'MLLP listener') });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.server.listen();
    await this.resendPendingApplicationAcks();
  }

  /**
   * Application ACKs a previous run stored but did not deliver (true enhanced mode). With several
   * gateways on one database each resends them: a return link may see one twice, never none.
   */
  private async resendPendingApplicationAcks(): Promise<void> {
    const pending = await this.uow.run((tx) => tx.messages.pendingApplicationAcks(PENDING_ACKS_AT_START));
    for (const a of pending) this.applicationAcks.send({ url: a.url, bytes: a.ack, code: a.ackCode, controlId: a.controlId ?? undefined, profile: a.profile, messageRef: a.messageRef });
    if (pending.length > 0) this.log.info({ event: 'hl7.application-acks-resent', count: pending.length }, 'pending application ACKs handed to their return links');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.applicationAcks.close();
  }

  stats() {
    return this.server.stats();
  }
}

