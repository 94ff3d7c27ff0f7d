import { FieldUpdate, InputOrigin } from '../common';

/** A patient identifier with its assigning authority (HL7 CX: ID ^^^ authority ^ type). */
export interface PatientIdentifier {
  id: string;
  /** CX.4.1 namespace; '' when the sender gave none. */
  issuer: string;
  universalId?: string;
  universalIdType?: string;
  typeCode?: string;
}

/** Demographics as a sender stated them; every field follows FieldUpdate rules. */
export interface PatientDemographics {
  identifier: PatientIdentifier;
  otherIdentifiers?: PatientIdentifier[];
  /** DICOM PN, alphabetic group: family^given^middle^prefix^suffix */
  name?: FieldUpdate<string>;
  nameIdeographic?: FieldUpdate<string>;
  namePhonetic?: FieldUpdate<string>;
  /** DICOM DA (YYYYMMDD) */
  birthDate?: FieldUpdate<string>;
  birthTime?: FieldUpdate<string>;
  /** DICOM CS: M, F, O */
  sex?: FieldUpdate<string>;
  motherBirthName?: FieldUpdate<string>;
}

export interface Patient {
  ref: string;
  identifier: PatientIdentifier;
  name: string | null;
  birthDate: string | null;
  sex: string | null;
  mergedInto: string | null;
}

export interface MergePatientsCommand {
  surviving: PatientDemographics;
  prior: PatientIdentifier;
  /** Where the edge read the prior identifier, handed back in errors and outcomes. */
  origin?: InputOrigin;
}

export interface ChangePatientIdCommand {
  newIdentifier: PatientIdentifier;
  prior: PatientIdentifier;
  demographics: PatientDemographics;
  origin?: InputOrigin;
}

/**
 * What to do when the patient a merge or identifier change starts from is not known: refuse
 * (UNKNOWN_PATIENT), or create/update the surviving patient, there being nothing else to move.
 */
export type UnknownPriorPatientPolicy = 'refuse' | 'keep-surviving';

/** How a merge or identifier change went: `prior-unknown` when only the surviving patient was written. */
export type PatientChangeOutcome = 'applied' | 'already-applied' | 'prior-unknown';
