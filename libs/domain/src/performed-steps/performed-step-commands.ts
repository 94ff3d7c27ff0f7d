import type { InputOrigin } from '../common';
import type { CodedValue, FixedPerformedValues, PerformedPatient, PerformedSeries, RadiationDose, ScheduledStepReference } from './performed-step';

/**
 * The modality started a performed step. Required values arrive as the modality sent them (an
 * empty string is "sent without a value"); the use case checks them.
 */
export interface StartPerformedStepCommand {
  instanceUid: string;
  /** As sent; only IN PROGRESS may start a performed step. */
  status?: string;
  references: ScheduledStepReference[];
  /** The modality's patient identity: what an unscheduled step is reconciled with. */
  patient: PerformedPatient;
  modality?: string;
  stationAeTitle?: string;
  stationName?: string;
  location?: string;
  performedStepId?: string;
  startDate?: string;
  startTime?: string;
  description?: string;
  procedureTypeDescription?: string;
  studyId?: string;
  comments?: string;
  series: PerformedSeries[];
  dose?: RadiationDose;
  /** Every attribute received, in the edge's own serialisation: kept whole for later reads. */
  receivedAttributes: Record<string, unknown>;
  /** Where the edge read each domain attribute, by its name (for errors). */
  origin?: InputOrigin;
}

/**
 * The modality updated or finished a performed step. Undefined keeps the stored value; a given
 * series list replaces the stored one as a whole.
 */
export interface UpdatePerformedStepCommand {
  instanceUid: string;
  /** As sent; IN PROGRESS, COMPLETED or DISCONTINUED. */
  status?: string;
  endDate?: string;
  endTime?: string;
  description?: string;
  procedureTypeDescription?: string;
  comments?: string;
  series?: PerformedSeries[];
  dose?: RadiationDose;
  discontinuationReason?: CodedValue;
  /** Values of attributes that are fixed at creation, where the modality sent them again. */
  fixed: FixedPerformedValues;
  /** The attributes received in this update, merged over the stored ones (each replaces its namesake). */
  receivedAttributes: Record<string, unknown>;
  origin?: InputOrigin;
}
