import { VisitInput } from '../orders';
import { ChangePatientIdCommand, MergePatientsCommand, PatientChangeOutcome, PatientDemographics, PatientService, UnknownPriorPatientPolicy } from '../patients';
import { UseCase } from './use-case';

const patients = new PatientService();

export interface RegisterPatientCommand {
  patient: PatientDemographics;
  visit?: VisitInput;
}

/** Register or update a patient and the visit data on their open orders. */
export const registerPatient: UseCase<RegisterPatientCommand, string> = (tx, cmd, source) => patients.upsert(tx.workflow, cmd.patient, cmd.visit, source);

/** Merge a prior patient into a surviving one: orders and steps move, the prior record is retired. */
export function mergePatients(unknownPrior: UnknownPriorPatientPolicy = 'refuse'): UseCase<MergePatientsCommand, PatientChangeOutcome> {
  return (tx, cmd, source) => patients.merge(tx.workflow, cmd, source, unknownPrior);
}

/** Rename a patient: the patient known by the prior identifier is known by the new one. */
export function renamePatient(unknownPrior: UnknownPriorPatientPolicy = 'refuse'): UseCase<ChangePatientIdCommand, PatientChangeOutcome> {
  return (tx, cmd, source) => patients.changeIdentifier(tx.workflow, cmd, source, unknownPrior);
}
