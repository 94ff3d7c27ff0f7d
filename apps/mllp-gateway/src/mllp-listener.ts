import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ENV, Env } from '@radflow/config';
import { UNIT_OF_WORK, UnitOfWork } from '@radflow/domain';
import { buildFallbackAck, Hl7InboundService, MllpServer, RetryingApplicationAckSender } from '@radflow/hl7';
import { assertUp, LOGGER, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { inboundOptionsFrom } from './inbound-options';

/** The MLLP listener on HL7_PORT, feeding the inbound HL7 service. */
@Injectable()
export class MllpListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: MllpServer;
  private readonly inbound: Hl7InboundService;
  private readonly applicationAcks: RetryingApplicationAckSender;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(UNIT_OF_WORK) uow: UnitOfWork,
    @Inject(LOGGER) logger: Logger,
    @Inject(READINESS) readiness: ReadinessRegistry,
  ) {
    const log = logger.child({ component: 'mllp' });
    this.applicationAcks = new RetryingApplicationAckSender(log);
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
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close();
    await this.applicationAcks.close();
  }

  stats() {
    return this.server.stats();
  }
}

