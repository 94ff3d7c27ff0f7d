import { ChangePatientIdCommand, MergePatientsCommand, PatientDemographics, VisitInput } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { boundPatientTexts, boundVisitTexts, ignoreTruncation, OnTruncated } from './dicom-text-bounds';
import { MappingWarnings } from './leniency';
import { locate, requiredFieldMissing, unsupportedMessage } from './mapping.errors';
import { toMessageTime } from './order-timing.mapper';
import { PatientMappingOptions, requirePid, toPatientDemographics, toPriorIdentifier, toVisitInput } from './patient.mapper';

/** What an ADT message asks of the worklist (hl7-inbound.md §7). `event` is the trigger, e.g. A08. */
export type AdtCommand =
  | { kind: 'upsert-patient'; event: string; patient: PatientDemographics; visit: VisitInput }
  | { kind: 'update-visit'; event: string; patient: PatientDemographics; visit: VisitInput }
  | { kind: 'merge'; event: string; pairs: MergePatientsCommand[] }
  | { kind: 'change-id'; event: string; pairs: ChangePatientIdCommand[] }
  | { kind: 'ignore'; event: string; reason: string };

export interface AdtMappingOptions extends PatientMappingOptions {
  /** ADT reads no time from MSH-7, but an unreadable one is still told (or refused when strict). */
  receivedAt?: Date;
}

interface AdtEventRule {
  kind: AdtCommand['kind'];
  /** A28/A31 carry a person, not a visit: their PV1 is a placeholder and is not read. */
  personOnly?: boolean;
  /** A49 changes the account number; only when it names a prior patient ID is it an ID change. */
  priorOptional?: boolean;
  reason?: string;
}

/** Trigger → action, as data (hl7-inbound.md §7). Triggers not listed are acknowledged and ignored. */
export const ADT_EVENT_TABLE: Readonly<Record<string, AdtEventRule>> = {
  A01: { kind: 'upsert-patient' },
  A04: { kind: 'upsert-patient' },
  A05: { kind: 'upsert-patient' },
  A08: { kind: 'upsert-patient' },
  A28: { kind: 'upsert-patient', personOnly: true },
  A31: { kind: 'upsert-patient', personOnly: true },
  A02: { kind: 'update-visit' },
  A03: { kind: 'update-visit' },
  A11: { kind: 'update-visit' },
  A13: { kind: 'update-visit' },
  A34: { kind: 'merge' },
  A36: { kind: 'merge' },
  A40: { kind: 'merge' },
  A35: { kind: 'ignore', reason: 'account number merge only; patients unchanged' },
  A46: { kind: 'change-id' },
  A47: { kind: 'change-id' },
  A49: { kind: 'change-id', priorOptional: true },
};

/** ADT → the command for the domain. Throws DomainError for what the message itself gets wrong. */
export function toAdtCommand(msg: Hl7Message, options: AdtMappingOptions = {}): AdtCommand {
  toMessageTime(msg, options.warnings, options.receivedAt);
  const cmd = readAdtCommand(msg, options);
  boundAdtTexts(cmd, options.onTruncated ?? ignoreTruncation, options.warnings);
  return cmd;
}

/** Descriptive texts of every patient and visit the command carries, cut to their DICOM maximum. */
function boundAdtTexts(cmd: AdtCommand, report: OnTruncated, warnings?: MappingWarnings): void {
  if (cmd.kind === 'upsert-patient' || cmd.kind === 'update-visit') {
    boundPatientTexts(cmd.patient, report, warnings);
    boundVisitTexts(cmd.visit, report, warnings);
  } else if (cmd.kind === 'merge') for (const pair of cmd.pairs) boundPatientTexts(pair.surviving, report, warnings);
  else if (cmd.kind === 'change-id') for (const pair of cmd.pairs) boundPatientTexts(pair.demographics, report, warnings);
}

function readAdtCommand(msg: Hl7Message, options: AdtMappingOptions): AdtCommand {
  if (msg.msh.text(9, 1)?.toUpperCase() !== 'ADT') {
    throw unsupportedMessage('message type for ADT', { segment: 'MSH', sequence: 1, field: 9 });
  }
  // v2.3.1 senders may leave MSH-9.2 empty and put the trigger in EVN-1.
  const event = (msg.msh.text(9, 2) ?? msg.segment('EVN')?.text(1) ?? '').toUpperCase();
  const rule = ADT_EVENT_TABLE[event];
  if (!rule) return { kind: 'ignore', event, reason: 'event not used by the worklist' };

  switch (rule.kind) {
    case 'upsert-patient':
    case 'update-visit': {
      const pid = requirePid(msg);
      const pv1 = rule.personOnly ? undefined : msg.segment('PV1');
      return { kind: rule.kind, event, patient: toPatientDemographics(msg, pid, options), visit: toVisitInput(pv1, pid, msg.all('AL1')) };
    }
    case 'merge':
      return {
        kind: 'merge',
        event,
        pairs: pidMrgPairs(msg, options).map(({ surviving, prior, origin }) => ({ surviving, prior, origin })),
      };
    case 'change-id': {
      if (rule.priorOptional && !msg.all('MRG').some(hasPriorPatientId)) {
        return { kind: 'ignore', event, reason: 'account number change only; no prior patient ID' };
      }
      return {
        kind: 'change-id',
        event,
        pairs: pidMrgPairs(msg, options).map(({ surviving, prior, origin }) => ({ newIdentifier: surviving.identifier, prior, demographics: surviving, origin })),
      };
    }
    case 'ignore':
      return { kind: 'ignore', event, reason: rule.reason ?? 'event not used by the worklist' };
  }
}

/**
 * ADT_A39 / ADT_A30 carry one or more PID+MRG pairs (hl7-inbound.md §7): each PID is the surviving
 * (or renamed) patient, the MRG after it, before the next PID, names the prior identifier.
 */
function pidMrgPairs(msg: Hl7Message, options: AdtMappingOptions): { surviving: PatientDemographics; prior: MergePatientsCommand['prior']; origin: Hl7ErrorLocation }[] {
  const pairs: { pid: Hl7Segment; mrg?: Hl7Segment }[] = [];
  for (const seg of msg.segments) {
    if (seg.name === 'PID') pairs.push({ pid: seg });
    else if (seg.name === 'MRG' && pairs.length > 0 && !pairs[pairs.length - 1].mrg) pairs[pairs.length - 1].mrg = seg;
  }
  if (pairs.length === 0) throw requiredFieldMissing('PID segment', { segment: 'PID' });
  return pairs.map(({ pid, mrg }, i) => {
    if (!mrg) throw requiredFieldMissing('MRG segment', { segment: 'MRG', sequence: i + 1 });
    return { surviving: toPatientDemographics(msg, pid, options), prior: toPriorIdentifier(msg, mrg, options), origin: locate(msg, mrg, 1) };
  });
}

function hasPriorPatientId(mrg: Hl7Segment): boolean {
  return mrg.repetitions(1).some((_, rep) => mrg.text(1, 1, 1, rep) !== undefined) || mrg.text(4) !== undefined;
}
