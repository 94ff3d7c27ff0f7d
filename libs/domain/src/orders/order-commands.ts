import { ErrorLocation, FieldUpdate } from '../common';
import { PatientDemographics } from '../patients';
import { DicomPriority } from './priority';

/** A coded entry (HL7 CE/CWE → DICOM Code Sequence item). */
export interface CodedEntry {
  value: string;
  scheme?: string;
  meaning?: string;
}

/** Hierarchic designator of an issuer (HL7 EI components 2..4). */
export interface IssuerRef {
  namespaceId?: string;
  universalId?: string;
  universalIdType?: string;
}

export interface ProcedureStepInput {
  /** SPS ID (0040,0009); generated when absent. */
  spsId?: string;
  modality?: FieldUpdate<string>;
  stationAeTitles?: string[];
  stationName?: FieldUpdate<string>;
  location?: FieldUpdate<string>;
  /** DICOM DA/TM of the scheduled start, as the sender wrote it (local time of the site). */
  startDate?: string;
  startTime?: string;
  /** UTC offset from the sender's timestamp (+HHMM / -HHMM), when it gave one. */
  timezoneOffset?: string;
  endDate?: FieldUpdate<string>;
  endTime?: FieldUpdate<string>;
  description?: FieldUpdate<string>;
  protocolCodes?: CodedEntry[];
  performingPhysician?: FieldUpdate<string>;
  contrastAgent?: FieldUpdate<string>;
  preMedication?: FieldUpdate<string>;
  comments?: FieldUpdate<string>;
  /** Where the step came from, for error locations (e.g. OBR 2, IPC 3). */
  source?: ErrorLocation;
}

export interface RequestedProcedureInput {
  /** Requested Procedure ID (0040,1001); generated when absent. */
  requestedProcedureId?: string;
  /** Study Instance UID (0020,000D); generated when absent. */
  studyInstanceUid?: string;
  description?: FieldUpdate<string>;
  code?: CodedEntry;
  priority?: FieldUpdate<DicomPriority>;
  transportArrangements?: FieldUpdate<string>;
  comments?: FieldUpdate<string>;
  steps: ProcedureStepInput[];
  source?: ErrorLocation;
}

/** One ORC group of an order message (ORC + OBR/TQ1/IPC/ZDS …). */
export interface OrderGroupCommand {
  /** ORC-1 order control code, as sent. */
  control: string;
  /** ORC-5 order status, as sent. */
  orderStatus?: string;
  accessionNumber?: string;
  accessionIssuer?: IssuerRef;
  placerOrderNumber?: string;
  placerIssuer?: IssuerRef;
  fillerOrderNumber?: string;
  fillerIssuer?: IssuerRef;
  priority?: FieldUpdate<DicomPriority>;
  requestingPhysician?: FieldUpdate<string>;
  requestingService?: FieldUpdate<string>;
  reasonForProcedure?: FieldUpdate<string>;
  reasonCode?: CodedEntry;
  orderEnteredBy?: FieldUpdate<string>;
  callbackPhone?: FieldUpdate<string>;
  institutionName?: FieldUpdate<string>;
  medicalAlerts?: FieldUpdate<string>;
  patientState?: FieldUpdate<string>;
  confidentialityCode?: FieldUpdate<string>;
  comments?: FieldUpdate<string>;
  procedures: RequestedProcedureInput[];
  /** The ORC segment, for error locations. */
  source: ErrorLocation;
}

/** Visit data carried with orders and ADT (PV1). */
export interface VisitInput {
  admissionId?: FieldUpdate<string>;
  currentPatientLocation?: FieldUpdate<string>;
  referringPhysician?: FieldUpdate<string>;
  pregnancyStatus?: FieldUpdate<number>;
  allergies?: FieldUpdate<string>;
}

/** An order message: one patient, one or more ORC groups. */
export interface PlaceOrdersCommand {
  patient: PatientDemographics;
  visit: VisitInput;
  groups: OrderGroupCommand[];
  /** MSH-3, used with the placer order number when the accession is missing. */
  sendingApplication: string;
  /** MSH-7: the schedule time of last resort. */
  messageTime?: { date: string; time?: string };
}
