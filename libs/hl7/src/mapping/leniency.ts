import { DomainError, DomainErrorCode } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import { Hl7ErrorCode, Hl7Warning } from '../ack/hl7-error';
import { valueTooLongCode } from '../ack/domain-error.mapper';
import { locateSubject } from '../ack/error-subject.locator';
import { LeniencyMode, LeniencyRule } from '../inbound/sender-profile';

/** What a refusal would have been, turned into a warning when the rule is lenient. */
const WARNING_CODE: Readonly<Record<DomainErrorCode, Hl7ErrorCode>> = {
  [DomainErrorCode.RequiredFieldMissing]: Hl7ErrorCode.RequiredFieldMissing,
  [DomainErrorCode.InvalidValue]: Hl7ErrorCode.DataTypeError,
  [DomainErrorCode.ValueTooLong]: Hl7ErrorCode.ValueTooLong,
  [DomainErrorCode.UnknownOrder]: Hl7ErrorCode.UnknownKeyIdentifier,
  [DomainErrorCode.UnknownPatient]: Hl7ErrorCode.UnknownKeyIdentifier,
  [DomainErrorCode.UnknownStudy]: Hl7ErrorCode.UnknownKeyIdentifier,
  [DomainErrorCode.UnknownPerformedStep]: Hl7ErrorCode.UnknownKeyIdentifier,
  [DomainErrorCode.DuplicatePerformedStep]: Hl7ErrorCode.DuplicateKeyIdentifier,
  [DomainErrorCode.UnchangeableValue]: Hl7ErrorCode.ApplicationInternalError,
  [DomainErrorCode.DuplicateOrder]: Hl7ErrorCode.DuplicateKeyIdentifier,
  [DomainErrorCode.DuplicatePatient]: Hl7ErrorCode.DuplicateKeyIdentifier,
  [DomainErrorCode.DuplicateMessage]: Hl7ErrorCode.DuplicateKeyIdentifier,
  [DomainErrorCode.InvalidTransition]: Hl7ErrorCode.ApplicationInternalError,
  [DomainErrorCode.UnsupportedMessage]: Hl7ErrorCode.UnsupportedMessageType,
};

/**
 * The leniency rules of one message (hl7-inbound.md, "be liberal in what you accept"), driven by
 * the sender's profile. A mapper that finds something cosmetic asks `tolerate`: under a strict rule
 * the refusal is thrown (AE at the field, as before), under a lenient one it becomes a warning and
 * the mapper goes on with its lenient value. Warnings are PHI-free: a field location and our text.
 */
export class MappingWarnings {
  private readonly warnings: Hl7Warning[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly modes: Readonly<Partial<Record<LeniencyRule, LeniencyMode>>>,
    /** MSH-12.1: 104 "value too long" exists from v2.7 on; earlier versions get 102. */
    private readonly version?: string,
  ) {}

  /** Every rule strict: the behaviour of a mapper called without a profile (and of a strict sender). */
  static strict(): MappingWarnings {
    return new MappingWarnings({});
  }

  isLenient(rule: LeniencyRule): boolean {
    return this.modes[rule] === 'warn';
  }

  /** Throws `refusal` when `rule` is strict; records a warning in its place when lenient. */
  tolerate(rule: LeniencyRule, refusal: DomainError, text: string, code?: Hl7ErrorCode): void {
    if (!this.isLenient(rule)) throw refusal;
    this.add({ code: code ?? this.codeOf(refusal.code), location: locateSubject(refusal.subject), text });
  }

  /** A warning whatever the mode: what was done is worth telling, but never refused. */
  add(warning: { code: Hl7ErrorCode; location?: Hl7ErrorLocation; text: string }): void {
    const code = warning.code === Hl7ErrorCode.ValueTooLong ? valueTooLongCode(this.version) : warning.code;
    const location = warning.location ? { ...warning.location } : undefined;
    // Timing and priority are read once per row: one warning per place, not one per read.
    const key = JSON.stringify([code, location, warning.text]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push(location ? { code, location, text: warning.text } : { code, text: warning.text });
  }

  list(): readonly Hl7Warning[] {
    return this.warnings;
  }

  private codeOf(domainCode: DomainErrorCode): Hl7ErrorCode {
    return WARNING_CODE[domainCode];
  }
}
