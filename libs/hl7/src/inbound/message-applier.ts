import { ChangeSource, OrderPolicy, OrderService, PatientChangeOutcome, PatientService, TransactionContext } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Logger } from '@radflow/observability';
import { Hl7ErrorCode } from '../ack';
import { MappingWarnings, toAdtCommand, toPlaceOrdersCommand, TruncatedText } from '../mapping';
import { originOf } from '../mapping/mapping.errors';
import { MshInfo } from '../msh';
import { Hl7Message } from '../parser';
import { Hl7InboundOptions } from './hl7-inbound.options';
import { routeOf } from './message-routes';
import { LeniencyRule, SenderProfile } from './sender-profile';

type MissingAccession = NonNullable<OrderPolicy['missingAccession']>;

/**
 * Applies one checked message to the domain inside the caller's transaction: maps it with its
 * sender's profile, records what it accepted with a warning, and calls the order or patient use case.
 */
export class MessageApplier {
  /** One per profile answer to a second NW and to a missing accession; the services hold no state. */
  private readonly orders: Record<SenderProfile['newOrderWhenExists'], Record<MissingAccession, OrderService>>;
  private readonly patients = new PatientService();

  constructor(
    private readonly options: Hl7InboundOptions,
    private readonly log: Logger,
  ) {
    const service = (newOrderWhenExists: OrderPolicy['newOrderWhenExists'], missingAccession: MissingAccession) => new OrderService({ ...options.orderPolicy, newOrderWhenExists, missingAccession });
    this.orders = {
      reject: { refuse: service('reject', 'refuse'), accept: service('reject', 'accept') },
      update: { refuse: service('update', 'refuse'), accept: service('update', 'accept') },
    };
  }

  async apply(tx: TransactionContext, msg: Hl7Message, info: MshInfo, messageRef: string, profile: SenderProfile, warnings: MappingWarnings): Promise<void> {
    const source: ChangeSource = { kind: 'hl7', ref: messageRef };
    const route = routeOf(info.messageCode, info.triggerEvent, this.options.unhandledAdt);
    const onTruncated = (t: TruncatedText) =>
      this.log.warn({ event: 'hl7.value-truncated', controlId: info.controlId, messageRef, attribute: t.attribute, vr: t.vr, max: t.max }, 'text cut');
    const mapOptions = {
      localIssuer: this.options.localIssuer,
      stationAeByModality: profile.stationAeByModality,
      stationAeByLocation: profile.stationAeByLocation,
      accessionSources: profile.accessionSources,
      modalityAliases: profile.modalityAliases,
      onTruncated,
      warnings,
      receivedAt: new Date(),
    };
    if (route === 'order') {
      const missingAccession = warnings.isLenient(LeniencyRule.MissingAccession) ? 'accept' : 'refuse';
      await this.orders[profile.newOrderWhenExists][missingAccession].apply(tx.workflow, toPlaceOrdersCommand(msg, mapOptions), source);
      return;
    }
    if (route !== 'adt') return; // acknowledged, changes nothing
    const cmd = toAdtCommand(msg, mapOptions);
    const unknownPrior = warnings.isLenient(LeniencyRule.UnknownPriorPatient) ? 'keep-surviving' : 'refuse';
    switch (cmd.kind) {
      case 'upsert-patient':
      case 'update-visit':
        await this.patients.upsert(tx.workflow, cmd.patient, cmd.visit, source);
        return;
      case 'merge':
        for (const pair of cmd.pairs) noteUnknownPrior(await this.patients.merge(tx.workflow, pair, source, unknownPrior), originOf(pair.origin), warnings);
        return;
      case 'change-id':
        for (const pair of cmd.pairs) noteUnknownPrior(await this.patients.changeIdentifier(tx.workflow, pair, source, unknownPrior), originOf(pair.origin), warnings);
        return;
      default:
        return;
    }
  }
}

/** The domain's "prior patient unknown" becomes a warning at the MRG it came from (ERR 204, severity W). */
function noteUnknownPrior(outcome: PatientChangeOutcome, at: Hl7ErrorLocation | undefined, warnings: MappingWarnings): void {
  if (outcome !== 'prior-unknown') return;
  warnings.add({ code: Hl7ErrorCode.UnknownKeyIdentifier, location: at ?? { segment: 'MRG', sequence: 1, field: 1 }, text: 'prior patient unknown; surviving patient created or updated' });
}
