import { SpsStatus } from '../procedure-steps';

/** A step that has stayed in one state for a while. */
export interface StaleStep {
  ref: string;
  procedureRef: string;
  status: SpsStatus;
  /** When it entered `status` (its latest history row into it). */
  since: Date;
}

export interface StaleStepQuery {
  statuses: readonly SpsStatus[];
  /** Only steps unchanged since before this instant. */
  unchangedSince: Date;
  /** Steps already flagged with this event since they entered their state are left out. */
  flaggedAs: string;
  limit: number;
}

/** Port: what housekeeping reads, bound to one transaction. Implemented in libs/persistence. */
export interface HousekeepingStore {
  /**
   * Steps in one of `statuses`, not changed since `unchangedSince` (neither a transition nor an
   * order update), that carry no `flaggedAs` flag since they entered their state; oldest change
   * first. The rows are locked for the transaction; rows another run holds are skipped.
   */
  findStaleSteps(query: StaleStepQuery): Promise<StaleStep[]>;
}
