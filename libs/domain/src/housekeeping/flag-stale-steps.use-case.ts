import { SpsStatus } from '../procedure-steps';
import { ChangeSource, UnitOfWork } from '../workflow';
import { StaleStep } from './housekeeping.store';

export const HousekeepingEvent = {
  StaleArrived: 'housekeeping.stale-arrived',
  StaleInProgress: 'housekeeping.stale-in-progress',
} as const;
export type HousekeepingEvent = (typeof HousekeepingEvent)[keyof typeof HousekeepingEvent];

export const HOUSEKEEPING_SOURCE: ChangeSource = { kind: 'system', ref: 'housekeeping' };

/** Minutes a step may stay in a state before it is flagged; 0 turns that check off. */
export interface StaleStepThresholds {
  arrivedAfterMinutes: number;
  inProgressAfterMinutes: number;
}

export interface FlagStaleStepsCommand {
  now: Date;
  thresholds: StaleStepThresholds;
}

export type FlagStaleStepsResult = Record<HousekeepingEvent, number>;

interface StaleRule {
  event: HousekeepingEvent;
  /** READY is a kind of arrived (STEP_STATES). */
  statuses: readonly SpsStatus[];
  minutes(t: StaleStepThresholds): number;
}

/** Which states go stale, after how long, and the flag each gets. */
const STALE_RULES: readonly StaleRule[] = [
  { event: HousekeepingEvent.StaleArrived, statuses: [SpsStatus.Arrived, SpsStatus.Ready], minutes: (t) => t.arrivedAfterMinutes },
  { event: HousekeepingEvent.StaleInProgress, statuses: [SpsStatus.Started], minutes: (t) => t.inProgressAfterMinutes },
];

const MINUTE_MS = 60_000;

/**
 * Flags steps left checked in or under way for too long: one flag (a history row that changes no
 * state) per step per stay in that state, so someone looks at it. Nothing else changes. A step that
 * moves on and comes back starts a new stay and is flagged again when it goes stale again.
 * The clock of a stay restarts when the step changes (an order update to it counts).
 */
export class FlagStaleSteps {
  constructor(
    private readonly uow: UnitOfWork,
    /** Steps flagged per transaction. */
    private readonly batchSize = 500,
  ) {}

  async execute({ now, thresholds }: FlagStaleStepsCommand): Promise<FlagStaleStepsResult> {
    const result = { [HousekeepingEvent.StaleArrived]: 0, [HousekeepingEvent.StaleInProgress]: 0 };
    for (const rule of STALE_RULES) {
      const minutes = rule.minutes(thresholds);
      if (minutes <= 0) continue;
      const unchangedSince = new Date(now.getTime() - minutes * MINUTE_MS);
      for (;;) {
        const flagged = await this.uow.run(async (tx) => {
          const steps = await tx.housekeeping.findStaleSteps({ statuses: rule.statuses, unchangedSince, flaggedAs: rule.event, limit: this.batchSize });
          for (const step of steps) {
            await tx.workflow.recordFlag({ procedureRef: step.procedureRef, stepRef: step.ref, state: step.status, event: rule.event, source: HOUSEKEEPING_SOURCE, note: staleNote(step, now, minutes) });
          }
          return steps.length;
        });
        result[rule.event] += flagged;
        if (flagged < this.batchSize) break;
      }
    }
    return result;
  }
}

/** `ARRIVED for 5 h 12 min (flagged after 240 min)`: how long, in words a person reads. */
export function staleNote(step: StaleStep, now: Date, thresholdMinutes: number): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - step.since.getTime()) / MINUTE_MS));
  const span = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return `${step.status} for ${span} (flagged after ${thresholdMinutes} min)`;
}
