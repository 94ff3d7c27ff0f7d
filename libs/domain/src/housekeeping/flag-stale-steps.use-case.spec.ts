import { SpsStatus } from '../procedure-steps';
import { LifecycleFlag, TransactionContext, UnitOfWork } from '../workflow';
import { FlagStaleSteps, HousekeepingEvent, staleNote } from './flag-stale-steps.use-case';
import { StaleStep, StaleStepQuery } from './housekeeping.store';

const NOW = new Date('2026-12-04T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

interface FakeStep extends StaleStep {
  updatedAt: Date;
}

/** An in-memory store that answers like the SQL does: unchanged since the cutoff, not flagged since entering. */
class FakeWorld implements UnitOfWork {
  readonly steps: FakeStep[] = [];
  readonly flags: Array<LifecycleFlag & { at: Date }> = [];
  readonly queries: StaleStepQuery[] = [];
  transactions = 0;

  step(ref: string, status: SpsStatus, enteredMinutesAgo: number, changedMinutesAgo = enteredMinutesAgo): FakeStep {
    const s = { ref, procedureRef: `rp-${ref}`, status, since: minutesAgo(enteredMinutesAgo), updatedAt: minutesAgo(changedMinutesAgo) };
    this.steps.push(s);
    return s;
  }

  async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    this.transactions++;
    const tx = {
      housekeeping: {
        findStaleSteps: async (q: StaleStepQuery) => {
          this.queries.push(q);
          return this.steps
            .filter((s) => q.statuses.includes(s.status) && s.updatedAt <= q.unchangedSince && s.since <= q.unchangedSince)
            .filter((s) => !this.flags.some((f) => f.stepRef === s.ref && f.event === q.flaggedAs && f.at >= s.since))
            .slice(0, q.limit);
        },
      },
      workflow: { recordFlag: async (f: LifecycleFlag) => void this.flags.push({ ...f, at: NOW }) },
    };
    return work(tx as unknown as TransactionContext);
  }
}

const thresholds = { arrivedAfterMinutes: 240, inProgressAfterMinutes: 120 };

describe('FlagStaleSteps', () => {
  it('flags steps past their state\'s threshold, once, with how long in the note, and leaves fresh ones', async () => {
    const world = new FakeWorld();
    world.step('arrived-old', SpsStatus.Arrived, 312);
    world.step('ready-old', SpsStatus.Ready, 241);
    world.step('arrived-fresh', SpsStatus.Arrived, 239);
    world.step('started-old', SpsStatus.Started, 121);
    world.step('started-fresh', SpsStatus.Started, 119);
    world.step('scheduled-old', SpsStatus.Scheduled, 10_000);
    world.step('completed-old', SpsStatus.Completed, 10_000);
    const useCase = new FlagStaleSteps(world);

    expect(await useCase.execute({ now: NOW, thresholds })).toEqual({ [HousekeepingEvent.StaleArrived]: 2, [HousekeepingEvent.StaleInProgress]: 1 });
    expect(world.flags.map((f) => [f.stepRef, f.event, f.state, f.note])).toEqual([
      ['arrived-old', 'housekeeping.stale-arrived', 'ARRIVED', 'ARRIVED for 5 h 12 min (flagged after 240 min)'],
      ['ready-old', 'housekeeping.stale-arrived', 'READY', 'READY for 4 h 1 min (flagged after 240 min)'],
      ['started-old', 'housekeeping.stale-in-progress', 'STARTED', 'STARTED for 2 h 1 min (flagged after 120 min)'],
    ]);
    expect(world.flags.every((f) => f.source.kind === 'system' && f.source.ref === 'housekeeping')).toBe(true);
    expect(world.queries.map((q) => [q.statuses, q.unchangedSince.toISOString(), q.flaggedAs])).toEqual([
      [['ARRIVED', 'READY'], '2026-12-04T08:00:00.000Z', 'housekeeping.stale-arrived'],
      [['STARTED'], '2026-12-04T10:00:00.000Z', 'housekeeping.stale-in-progress'],
    ]);

    // five minutes on: the flagged ones are not flagged again, the one that went stale meanwhile is
    expect(await useCase.execute({ now: new Date(NOW.getTime() + 300_000), thresholds })).toEqual({ [HousekeepingEvent.StaleArrived]: 1, [HousekeepingEvent.StaleInProgress]: 1 });
    expect(world.flags.slice(3).map((f) => f.stepRef)).toEqual(['arrived-fresh', 'started-fresh']);
  });

  it('skips a check whose threshold is 0', async () => {
    const world = new FakeWorld();
    world.step('arrived-old', SpsStatus.Arrived, 1000);
    world.step('started-old', SpsStatus.Started, 1000);
    expect(await new FlagStaleSteps(world).execute({ now: NOW, thresholds: { arrivedAfterMinutes: 0, inProgressAfterMinutes: 60 } })).toEqual({ [HousekeepingEvent.StaleArrived]: 0, [HousekeepingEvent.StaleInProgress]: 1 });
    expect(world.queries.map((q) => q.flaggedAs)).toEqual(['housekeeping.stale-in-progress']);
  });

  it('works in batches of one transaction each until a batch comes back short', async () => {
    const world = new FakeWorld();
    for (let i = 0; i < 5; i++) world.step(`a${i}`, SpsStatus.Arrived, 500);
    const result = await new FlagStaleSteps(world, 2).execute({ now: NOW, thresholds: { arrivedAfterMinutes: 240, inProgressAfterMinutes: 0 } });
    expect(result[HousekeepingEvent.StaleArrived]).toBe(5);
    expect(world.transactions).toBe(3);
    expect(new Set(world.flags.map((f) => f.stepRef)).size).toBe(5);
  });

  it('writes short spans in minutes', () => {
    expect(staleNote({ ref: 's', procedureRef: 'p', status: SpsStatus.Started, since: minutesAgo(45) }, NOW, 30)).toBe('STARTED for 45 min (flagged after 30 min)');
  });
});
