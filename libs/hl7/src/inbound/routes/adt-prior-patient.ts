import { PatientChangeOutcome, UnknownPriorPatientPolicy } from '@radflow/domain';
import { Hl7ErrorCode, Hl7ErrorLocation } from '../../ack/hl7-error';
import { MappingWarnings } from '../../mapping';
import { LeniencyRule } from '../sender-profile';

/** What a merge or identifier change does when its prior patient is unknown, per the sender's leniency. */
export function unknownPriorPolicy(warnings: MappingWarnings): UnknownPriorPatientPolicy {
  return warnings.isLenient(LeniencyRule.UnknownPriorPatient) ? 'keep-surviving' : 'refuse';
}

/** The domain's "prior patient unknown" becomes a warning at the MRG it came from (ERR 204, severity W). */
export function noteUnknownPrior(outcome: PatientChangeOutcome, at: Hl7ErrorLocation | undefined, warnings: MappingWarnings): void {
  if (outcome !== 'prior-unknown') return;
  warnings.add({ code: Hl7ErrorCode.UnknownKeyIdentifier, location: at ?? { segment: 'MRG', sequence: 1, field: 1 }, text: 'prior patient unknown; surviving patient created or updated' });
}
