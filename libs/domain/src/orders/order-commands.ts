import { FieldUpdate, InputOrigin } from '../common';
import { PatientDemographics } from '../patients';
import { DicomPriority } from './priority';
import { OrderEvent } from './order-event';

/** A coded entry: value, coding scheme, meaning. */
export interface CodedEntry {
  value: string;
  scheme?: string;
  meaning?: string;
  version?: string;
}

/** Who issued a number: a namespace, or a universal id with its type. */
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
  /** Where the edge read the step (handed back in errors). */
  origin?: InputOrigin;
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
  location?: FieldUpdate<string>;
  comments?: FieldUpdate<string>;
  steps: ProcedureStepInput[];
  origin?: InputOrigin;
}

/** One order of an order message: its numbers, its procedures and their steps. */
export interface OrderGroupCommand {
  /** What the group asks for: place the order, change it, call it off, hold it, or report a status. */
  event: OrderEvent;
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
  /** Where the edge read the group (handed back in errors). */
  origin?: InputOrigin;
}

/** Visit data carried with orders and patient updates. */
export interface VisitInput {
  admissionId?: FieldUpdate<string>;
  currentPatientLocation?: FieldUpdate<string>;
  referringPhysician?: FieldUpdate<string>;
  pregnancyStatus?: FieldUpdate<number>;
  allergies?: FieldUpdate<string>;
}

/** An order message: one patient, one or more orders. */
export interface PlaceOrdersCommand {
  patient: PatientDemographics;
  visit: VisitInput;
  groups: OrderGroupCommand[];
  /** The placing system, which with the placer order number names an order that has no accession. */
  sendingApplication: string;
  /** When the message was sent: the schedule time of last resort. */
  messageTime?: { date: string; time?: string };
}
