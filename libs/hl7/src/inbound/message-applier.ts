import { ChangeSource, TransactionContext } from '@radflow/domain';
import { Logger } from '@radflow/observability';
import { MappingWarnings, TruncatedText } from '../mapping';
import { MshInfo } from '../msh';
import { Hl7Message } from '../parser';
import { Hl7InboundOptions } from './hl7-inbound.options';
import { Hl7RouteContext, Hl7RouteRegistry } from './routes';
import { SenderProfile } from './sender-profile';

/**
 * Applies one checked message inside the caller's transaction: builds the route context from its
 * sender's profile and hands the message to the handler its type is registered to.
 */
export class MessageApplier {
  constructor(
    private readonly routes: Hl7RouteRegistry,
    private readonly options: Hl7InboundOptions,
    private readonly log: Logger,
  ) {}

  async apply(tx: TransactionContext, msg: Hl7Message, info: MshInfo, messageRef: string, profile: SenderProfile, warnings: MappingWarnings): Promise<void> {
    // the MSH validator asked the same registry: a message gets here only with a handler
    const handler = this.routes.find(info.type);
    if (!handler) throw new Error(`no HL7 route for ${info.type}`);
    await handler.apply(tx, msg, this.contextOf(info, messageRef, profile, warnings));
  }

  private contextOf(info: MshInfo, messageRef: string, profile: SenderProfile, warnings: MappingWarnings): Hl7RouteContext {
    const source: ChangeSource = { kind: 'hl7', ref: messageRef };
    const onTruncated = (t: TruncatedText) =>
      this.log.warn({ event: 'hl7.value-truncated', controlId: info.controlId, messageRef, attribute: t.attribute, vr: t.vr, max: t.max }, 'text cut');
    const mapping = {
      localIssuer: this.options.localIssuer,
      stationAeByModality: profile.stationAeByModality,
      stationAeByLocation: profile.stationAeByLocation,
      accessionSources: profile.accessionSources,
      modalityAliases: profile.modalityAliases,
      onTruncated,
      warnings,
      receivedAt: new Date(),
    };
    return { info, messageRef, source, profile, warnings, mapping };
  }
}
