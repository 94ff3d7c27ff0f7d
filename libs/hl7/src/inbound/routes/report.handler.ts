import { recordReport, ReportOutcome, TransactionContext } from '@radflow/domain';
import { Hl7ErrorCode, Hl7ErrorLocation } from '../../ack/hl7-error';
import { MappingWarnings } from '../../mapping/leniency';
import { originOf } from '../../mapping/mapping.errors';
import { toRecordReportCommand } from '../../mapping/report-message.mapper';
import { Hl7Message } from '../../parser';
import { Hl7RouteContext, Hl7RouteHandler } from './hl7-route-handler';

/**
 * ORU^R01 (mpps-and-status.md §4, the reporting system's results): each report moves its study
 * through the lifecycle and is stored as the study's next version. What the use case only tells
 * (no such study, a stale report, a report before the images) is a warning on an AA: the sender
 * cannot fix it, and an AE would stop its queue (hl7-inbound.md, leniency).
 */
export class ReportHandler implements Hl7RouteHandler {
  readonly name = 'reports';
  readonly types = ['ORU^R01'];

  async apply(tx: TransactionContext, msg: Hl7Message, ctx: Hl7RouteContext): Promise<void> {
    const cmd = toRecordReportCommand(msg, { accessionSources: ctx.profile.accessionSources, warnings: ctx.warnings });
    for (const outcome of await recordReport(tx, cmd, ctx.source)) warnOf(outcome, ctx.warnings);
  }
}

function warnOf(outcome: ReportOutcome, warnings: MappingWarnings): void {
  const obr = originOf(outcome.origin) ?? { segment: 'OBR' };
  const at = (field: number): Hl7ErrorLocation => ({ ...obr, field });
  switch (outcome.kind) {
    case 'unknown-study':
      warnings.add({ code: Hl7ErrorCode.UnknownKeyIdentifier, location: at(3), text: 'no study for the report (filler number, accession, study instance UID); nothing changed' });
      return;
    case 'ignored':
      warnings.add({ code: Hl7ErrorCode.MessageAccepted, location: at(25), text: `${outcome.reason}; report not recorded` });
      return;
    case 'recorded':
      if (outcome.note) warnings.add({ code: Hl7ErrorCode.MessageAccepted, location: at(25), text: `${outcome.note}; report recorded` });
      return;
  }
}
