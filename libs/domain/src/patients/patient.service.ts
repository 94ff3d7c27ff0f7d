import { DomainError, DomainErrorCode, subjectOf } from '../common';
import { VisitInput } from '../orders';
import { ChangeSource, WorkflowStore } from '../workflow';
import { ChangePatientIdCommand, MergePatientsCommand, PatientChangeOutcome, PatientDemographics, UnknownPriorPatientPolicy } from './patient';

/** ADT use cases: registration and updates, merges, identifier changes. ADT never creates worklist items. */
export class PatientService {
  async upsert(store: WorkflowStore, patient: PatientDemographics, visit: VisitInput | undefined, source: ChangeSource): Promise<string> {
    const ref = await store.upsertPatient(patient);
    if (visit) await store.updateVisitOnOpenOrders(ref, visit);
    await store.addOutbox({ topic: 'patient.updated', aggregateId: ref, payload: { source: source.kind } });
    return ref;
  }

  /**
   * A40/A34/A36: the prior patient's orders and steps move to the survivor; the prior record is
   * retired. A prior patient we never heard of has nothing to move: refused, or (keep-surviving)
   * the surviving patient is created or updated and the outcome says the prior was unknown.
   */
  async merge(store: WorkflowStore, cmd: MergePatientsCommand, source: ChangeSource, unknownPrior: UnknownPriorPatientPolicy = 'refuse'): Promise<PatientChangeOutcome> {
    const at = subjectOf('prior-patient', 'identifier', cmd.origin);
    if (cmd.prior.issuer !== cmd.surviving.identifier.issuer) {
      throw new DomainError(DomainErrorCode.InvalidValue, 'merge across assigning authorities is a link, not a merge', at);
    }
    const prior = await store.resolvePatient(cmd.prior);
    if (!prior) {
      if (unknownPrior === 'refuse') throw new DomainError(DomainErrorCode.UnknownPatient, 'prior patient not found', at);
      await this.upsert(store, cmd.surviving, undefined, source);
      return 'prior-unknown';
    }
    const survivingRef = await store.upsertPatient(cmd.surviving);
    if (prior.ref === survivingRef) return 'already-applied'; // resent merge
    const moved = await store.mergePatient(prior.ref, survivingRef);
    await store.addOutbox({ topic: 'patient.merged', aggregateId: survivingRef, payload: { priorRef: prior.ref, ...moved, source: source.kind } });
    return 'applied';
  }

  /** A47: the patient known by the prior identifier is now known by the new one. */
  async changeIdentifier(store: WorkflowStore, cmd: ChangePatientIdCommand, source: ChangeSource, unknownPrior: UnknownPriorPatientPolicy = 'refuse'): Promise<PatientChangeOutcome> {
    const prior = await store.findPatient(cmd.prior);
    const taken = await store.findPatient(cmd.newIdentifier);
    if (!prior) {
      if (taken) return 'already-applied'; // resent change
      if (unknownPrior === 'refuse') throw new DomainError(DomainErrorCode.UnknownPatient, 'prior patient identifier not found', subjectOf('prior-patient', 'identifier', cmd.origin));
      await this.upsert(store, { ...cmd.demographics, identifier: cmd.newIdentifier }, undefined, source);
      return 'prior-unknown';
    }
    if (taken) throw new DomainError(DomainErrorCode.DuplicatePatient, 'new identifier already in use', subjectOf('patient', 'identifier'));
    await store.changePatientIdentifier(prior.ref, cmd.newIdentifier);
    await store.upsertPatient({ ...cmd.demographics, identifier: cmd.newIdentifier });
    await store.addOutbox({ topic: 'patient.identifier-changed', aggregateId: prior.ref, payload: { source: source.kind } });
    return 'applied';
  }
}
