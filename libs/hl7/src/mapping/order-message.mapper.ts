import { CodedEntry, DomainError, DomainErrorCode, OrderEvent, OrderGroupCommand, PlaceOrdersCommand, ProcedureStepInput, RequestedProcedureInput } from '@radflow/domain';
import { Hl7Message } from '../parser/hl7-message';
import { firstOf, toCodedEntry, toEntityIdentifier, toPhoneNumber } from './hl7-types.mapper';
import { checkAeTitleCount } from './dicom-values.validator';
import { boundOrderTexts, ignoreTruncation } from './dicom-text-bounds';
import { LeniencyRule } from '../inbound/sender-profile';
import { MappingWarnings } from './leniency';
import { invalidValue, locate, originOf, requiredFieldMissing, unsupportedMessage } from './mapping.errors';
import { notesText, omiProcedureRow, ormProcedureRow, ProcedureMappingOptions, ProcedureRow } from './order-procedure.mapper';
import { findOrderControlRule, isKnownOrderControl } from './order-control.table';
import { OrcSegmentGroup, splitOrcGroups } from './order-segments';
import { toMessageTime, toStepTiming } from './order-timing.mapper';
import { PatientMappingOptions, requirePid, toPatientDemographics, toVisitInput } from './patient.mapper';
import { xcnToPersonName } from './xpn.mapper';

export interface OrderMappingOptions extends PatientMappingOptions, ProcedureMappingOptions {
  /** When the message came in: the schedule time of last resort when MSH-7 is unreadable. */
  receivedAt?: Date;
}

/**
 * ORM^O01 (v2.3.1/2.4 + ZDS) or OMI^O23 (v2.5.1 + TQ1/IPC) → PlaceOrdersCommand
 * (hl7-orders-to-mwl.md §2, §5). Checks only what the message alone can tell (required fields,
 * DICOM value rules); the order control table and existence checks are the domain's.
 *
 * Grouping: an ORC group per ORC; ORC groups with the same ORC-1, ORC-5 and accession become one
 * command (one ISR), because IHE ORM sends one ORC+OBR per procedure of the same accession. An
 * OMI group whose IPCs carry several accessions splits into one command per accession. Inside a
 * command, rows with the same RP ID are one requested procedure, rows with the same SPS ID one step
 * whose protocol codes accumulate.
 */
export function toPlaceOrdersCommand(msg: Hl7Message, options: OrderMappingOptions = {}): PlaceOrdersCommand {
  const warnings = options.warnings ?? MappingWarnings.strict();
  const style = orderStyle(msg);
  const pid = requirePid(msg);
  const orcGroups = splitOrcGroups(msg);
  if (orcGroups.length === 0) throw requiredFieldMissing('ORC segment', { segment: 'ORC' });

  const commands = new Map<string, OrderGroupCommand>();
  const rows = new RowIndex();
  for (const group of orcGroups) {
    const header = toGroupHeader(msg, group, warnings);
    if (!header) continue; // a reply or number assignment: acknowledged, changes nothing
    const sequence = msg.sequenceOf(group.orc);
    const groupRows =
      style === 'OMI'
        ? group.ipcs.map((ipc) => omiProcedureRow(msg, group, ipc, options))
        : group.obrs.map((slice) => ormProcedureRow(msg, group, slice, options));
    const isNew = header.event === OrderEvent.Place;
    const detail = style === 'OMI' ? 'IPC' : 'OBR';
    if (isNew && groupRows.length === 0) throw requiredFieldMissing(`${detail} segment`, { segment: detail });
    if (groupRows.length === 0) commands.set(`#${sequence}`, { ...header, procedures: [] });
    for (const row of groupRows) {
      // Accession Number is Type 2 in the worklist: a lenient sender's order goes in without one.
      if (isNew && row.accessionNumber === undefined) {
        warnings.tolerate(LeniencyRule.MissingAccession, requiredFieldMissing('accession number', row.accessionLocation), 'accession number missing; order stored without one');
      }
      // Rows without an accession stay in their own ORC group: the domain finds them by ORC-2.
      const key = [header.event, row.accessionNumber ?? `#${sequence}`].join('\u0000');
      let command = commands.get(key);
      if (!command) {
        command = { ...header, procedures: [] };
        if (row.accessionNumber !== undefined) command.accessionNumber = row.accessionNumber;
        if (row.accessionIssuer) command.accessionIssuer = row.accessionIssuer;
        commands.set(key, command);
      }
      rows.add(command, row);
    }
  }

  const messageTime = toMessageTime(msg, warnings, options.receivedAt);
  const cmd: PlaceOrdersCommand = {
    patient: toPatientDemographics(msg, pid, options),
    visit: toVisitInput(msg.segment('PV1'), pid, msg.all('AL1')),
    groups: [...commands.values()],
    sendingApplication: msg.msh.text(3) ?? '',
    ...(messageTime ? { messageTime } : {}),
  };
  boundOrderTexts(cmd, options.onTruncated ?? ignoreTruncation, warnings);
  return cmd;
}

function orderStyle(msg: Hl7Message): 'ORM' | 'OMI' {
  const code = msg.msh.text(9, 1)?.toUpperCase();
  if (code === 'ORM' || code === 'OMI') return code;
  throw unsupportedMessage('message type for orders', { segment: 'MSH', sequence: 1, field: 9 });
}

/** ISR-level fields from the ORC and its first OBR (hl7-orders-to-mwl.md §2.2). */
function toGroupHeader(msg: Hl7Message, group: OrcSegmentGroup, warnings: MappingWarnings): Omit<OrderGroupCommand, 'procedures'> | null {
  const { orc } = group;
  const first = group.obrs[0];
  const obr = first?.obr;
  const control = orc.text(1);
  if (control === undefined) throw requiredFieldMissing('order control (ORC-1)', locate(msg, orc, 1));
  const rule = findOrderControlRule(control, orc.text(5));
  if (!rule) {
    const field = isKnownOrderControl(control) ? 5 : 1;
    throw new DomainError(DomainErrorCode.InvalidValue, `order control ${control}/${orc.text(5) ?? ''} not supported`, { origin: locate(msg, orc, field) });
  }
  if (rule.event === 'none') return null;
  const header: Omit<OrderGroupCommand, 'procedures'> = {
    event: rule.event,
    priority: toStepTiming(msg, { tq1: group.tq1, orc, obr }, warnings).priority,
    // OBR-16 ordering provider; ORC-12 names the same person and fills in when OBR-16 is empty.
    requestingPhysician: firstOf(obr ? xcnToPersonName(obr, 16) : undefined, xcnToPersonName(orc, 12)),
    requestingService: orc.get(17, 2),
    reasonForProcedure: obr?.get(31, 2),
    orderEnteredBy: xcnToPersonName(orc, 10),
    callbackPhone: toPhoneNumber(orc, 14),
    // dcm4chee: the entering organisation (ORC-17) first, else the sending facility (MSH-4).
    institutionName: firstOf(orc.get(17, 2), msg.msh.get(4, 1)),
    medicalAlerts: obr?.get(13),
    patientState: obr ? firstOf(obr.get(12, 2), obr.get(12, 1)) : undefined,
    confidentialityCode: orc.get(28, 1),
    comments: first ? notesText(first.notes) : undefined,
    origin: locate(msg, orc),
  };
  // ORC-2/ORC-3 are the placer/filler numbers; OBR-2/OBR-3 repeat them and fill in when ORC's are empty.
  const placer = toEntityIdentifier(orc, 2) ?? (obr ? toEntityIdentifier(obr, 2) : undefined);
  const filler = toEntityIdentifier(orc, 3) ?? (obr ? toEntityIdentifier(obr, 3) : undefined);
  if (placer) Object.assign(header, { placerOrderNumber: placer.id }, placer.issuer ? { placerIssuer: placer.issuer } : {});
  if (filler) Object.assign(header, { fillerOrderNumber: filler.id }, filler.issuer ? { fillerIssuer: filler.issuer } : {});
  const reasonCode = obr ? toCodedEntry(obr, 31) : undefined;
  if (reasonCode) header.reasonCode = reasonCode;
  return header;
}

/**
 * Adds rows to commands: same RP ID → same requested procedure; same SPS ID → same step (§5).
 * Lookups go through maps, not list scans: a message may carry thousands of rows.
 */
class RowIndex {
  private readonly procedures = new WeakMap<OrderGroupCommand, Map<string, ProcedureEntry>>();

  add(command: OrderGroupCommand, row: ProcedureRow): void {
    const incoming = row.procedure;
    const rpId = incoming.requestedProcedureId;
    const byRpId = this.procedures.get(command) ?? new Map<string, ProcedureEntry>();
    this.procedures.set(command, byRpId);
    const entry = rpId !== undefined ? byRpId.get(rpId) : undefined;
    if (!entry) {
      command.procedures.push(incoming);
      const added = new ProcedureEntry(incoming);
      if (rpId !== undefined) byRpId.set(rpId, added);
      return;
    }
    const procedure = entry.procedure;
    if (incoming.studyInstanceUid !== undefined) {
      if (procedure.studyInstanceUid === undefined) procedure.studyInstanceUid = incoming.studyInstanceUid;
      else if (procedure.studyInstanceUid !== incoming.studyInstanceUid) {
        throw invalidValue('study instance UID (two for one requested procedure ID)', row.uidLocation);
      }
    }
    for (const step of incoming.steps) entry.addStep(step);
  }
}

/** One requested procedure being assembled, with its steps by SPS ID. */
class ProcedureEntry {
  private readonly steps = new Map<string, StepEntry>();

  constructor(readonly procedure: RequestedProcedureInput) {
    for (const step of procedure.steps) if (step.spsId !== undefined) this.steps.set(step.spsId, new StepEntry(step));
  }

  addStep(step: ProcedureStepInput): void {
    const existing = step.spsId !== undefined ? this.steps.get(step.spsId) : undefined;
    if (existing) return existing.merge(step);
    this.procedure.steps.push(step);
    if (step.spsId !== undefined) this.steps.set(step.spsId, new StepEntry(step));
  }
}

/** The first row's values win; protocol codes and station AE titles accumulate without repeats. */
class StepEntry {
  private readonly codeKeys: Set<string>;

  constructor(private readonly step: ProcedureStepInput) {
    this.codeKeys = new Set((step.protocolCodes ?? []).map(codeKey));
  }

  merge(from: ProcedureStepInput): void {
    const codes = (this.step.protocolCodes ??= []);
    for (const code of from.protocolCodes ?? []) {
      const key = codeKey(code);
      if (this.codeKeys.has(key)) continue;
      this.codeKeys.add(key);
      codes.push(code);
    }
    if (from.stationAeTitles && from.stationAeTitles.length > 0) {
      this.step.stationAeTitles = [...new Set([...(this.step.stationAeTitles ?? []), ...from.stationAeTitles])];
      if (from.origin) checkAeTitleCount(this.step.stationAeTitles, originOf(from.origin)!);
    }
  }
}

function codeKey(code: CodedEntry): string {
  return code.scheme === undefined ? code.value : `${code.value}\u0000${code.scheme}`;
}
