import { Pool } from 'pg';
import { FlagStaleSteps, Lifecycle, StepEvent } from '@radflow/domain';
import { PgUnitOfWork } from '@radflow/persistence';
import { insertMwlItem } from '../../libs/testing/src/factories/mwl-rows';
import { createScratchDatabase, ScratchDatabase } from '../support/scratch-database';

/**
 * Housekeeping on real Postgres: steps left ARRIVED or STARTED too long get one flag per stay in
 * that state, through the real lifecycle and history; nothing about the steps changes. "Long ago"
 * is made by moving a step's times and history back, as if it had happened then.
 */

let db: ScratchDatabase;
let sql: Pool;
let uow: PgUnitOfWork;
const SOURCE = { kind: 'user' as const, ref: 'desk-1' };
const THRESHOLDS = { arrivedAfterMinutes: 240, inProgressAfterMinutes: 240 };

beforeAll(async () => {
  db = await createScratchDatabase();
  sql = new Pool({ connectionString: db.url, max: 2 });
  uow = new PgUnitOfWork(db.url, 2);
});
afterAll(async () => {
  await uow?.close();
  await sql?.end();
  await db?.drop();
});

const q = async (text: string, params: unknown[] = []) => (await sql.query(text, params)).rows;

/** A step with its creation in the history, moved through `events` by the lifecycle. */
async function stepThrough(accession: string, events: StepEvent[]): Promise<{ stepRef: string; procedureRef: string }> {
  const { stepRef, procedureRef } = await insertMwlItem(sql, { accessionNumber: accession });
  await q(`INSERT INTO study_transitions (procedure_ref, step_ref, from_status, to_status, event, source_kind, source_ref, scope) VALUES ($1, $2, NULL, 'SCHEDULED', 'order.placed', 'hl7', 'm1', 'step')`, [procedureRef, stepRef]);
  await move(procedureRef, events);
  return { stepRef, procedureRef };
}

async function move(procedureRef: string, events: StepEvent[]): Promise<void> {
  for (const event of events) {
    await uow.run(async (tx) => {
      const [step] = await tx.workflow.findSteps(procedureRef);
      await Lifecycle.step(tx.workflow, step, event, SOURCE);
    });
  }
}

/** As if everything that happened to the step so far had happened `minutes` earlier. */
async function age(stepRef: string, minutes: number): Promise<void> {
  await q(`UPDATE scheduled_procedure_steps SET created_at = created_at - make_interval(mins => $2), updated_at = updated_at - make_interval(mins => $2) WHERE id = $1`, [stepRef, minutes]);
  await q(`UPDATE study_transitions SET at = at - make_interval(mins => $2) WHERE step_ref = $1`, [stepRef, minutes]);
}

const flagsOf = async (stepRef: string) =>
  q(`SELECT event, from_status, to_status, source_kind, source_ref, note FROM study_transitions WHERE step_ref = $1 AND scope = 'flag' ORDER BY id`, [stepRef]);
const housekeep = () => new FlagStaleSteps(uow).execute({ now: new Date(), thresholds: THRESHOLDS });

describe('flagging stale steps', () => {
  it('flags stale ARRIVED and STARTED steps once, leaves fresh and finished ones, and changes nothing else', async () => {
    const arrived = await stepThrough('HK-ARRIVED', [StepEvent.CheckedIn]);
    const started = await stepThrough('HK-STARTED', [StepEvent.CheckedIn, StepEvent.PerformedStarted]);
    const fresh = await stepThrough('HK-FRESH', [StepEvent.CheckedIn]);
    const completed = await stepThrough('HK-DONE', [StepEvent.PerformedStarted, StepEvent.PerformedCompleted]);
    const cancelled = await stepThrough('HK-CANCELLED', [StepEvent.CheckedIn, StepEvent.Cancelled]);
    const scheduled = await stepThrough('HK-SCHEDULED', []);
    for (const s of [arrived, started, completed, cancelled, scheduled]) await age(s.stepRef, 300);
    await age(fresh.stepRef, 200);
    const before = await q(`SELECT id, status, held, updated_at FROM scheduled_procedure_steps ORDER BY id`);
    const outboxBefore = await q(`SELECT count(*)::int AS n FROM outbox`);

    expect(await housekeep()).toEqual({ 'housekeeping.stale-arrived': 1, 'housekeeping.stale-in-progress': 1 });
    expect(await flagsOf(arrived.stepRef)).toEqual([
      { event: 'housekeeping.stale-arrived', from_status: 'ARRIVED', to_status: 'ARRIVED', source_kind: 'system', source_ref: 'housekeeping', note: expect.stringMatching(/^ARRIVED for 5 h 0 min \(flagged after 240 min\)$/) },
    ]);
    expect(await flagsOf(started.stepRef)).toEqual([expect.objectContaining({ event: 'housekeeping.stale-in-progress', to_status: 'STARTED', note: expect.stringMatching(/^STARTED for 5 h 0 min/) })]);
    for (const s of [fresh, completed, cancelled, scheduled]) expect(await flagsOf(s.stepRef)).toEqual([]);
    // a flag is a history row only: no state, no time of change, no event out
    expect(await q(`SELECT id, status, held, updated_at FROM scheduled_procedure_steps ORDER BY id`)).toEqual(before);
    expect(await q(`SELECT count(*)::int AS n FROM outbox`)).toEqual(outboxBefore);

    expect(await housekeep()).toEqual({ 'housekeeping.stale-arrived': 0, 'housekeeping.stale-in-progress': 0 });
    expect(await flagsOf(arrived.stepRef)).toHaveLength(1);

    await age(fresh.stepRef, 60); // now 260 minutes checked in
    expect(await housekeep()).toEqual({ 'housekeeping.stale-arrived': 1, 'housekeeping.stale-in-progress': 0 });
    expect(await flagsOf(fresh.stepRef)).toHaveLength(1);
  });

  it('flags a step again when it moved on and came back, once per stay', async () => {
    const step = await stepThrough('HK-AGAIN', [StepEvent.CheckedIn]);
    await age(step.stepRef, 300);
    expect((await housekeep())['housekeeping.stale-arrived']).toBe(1);
    // back to scheduled and checked in again: a new stay, not stale yet
    await move(step.procedureRef, [StepEvent.CheckInUndone, StepEvent.CheckedIn]);
    expect((await housekeep())['housekeeping.stale-arrived']).toBe(0);
    await age(step.stepRef, 250);
    expect((await housekeep())['housekeeping.stale-arrived']).toBe(1);
    expect((await housekeep())['housekeeping.stale-arrived']).toBe(0);
    const flags = await flagsOf(step.stepRef);
    expect(flags.map((f) => f.event)).toEqual(['housekeeping.stale-arrived', 'housekeeping.stale-arrived']);
    expect(flags[1].note).toMatch(/^ARRIVED for 4 h 10 min/);
  });

  it('does not flag a held or released step again for the same stay', async () => {
    const step = await stepThrough('HK-HELD', [StepEvent.CheckedIn, StepEvent.PerformedStarted]);
    await age(step.stepRef, 300);
    expect((await housekeep())['housekeeping.stale-in-progress']).toBe(1);
    await move(step.procedureRef, [StepEvent.Held, StepEvent.Released]);
    await age(step.stepRef, 300);
    expect((await housekeep())['housekeeping.stale-in-progress']).toBe(0);
    expect(await flagsOf(step.stepRef)).toHaveLength(1);
  });

  it('can read the candidates from the partial index of ARRIVED/READY/STARTED steps', async () => {
    const client = await sql.connect();
    try {
      // a table this small is cheaper to scan: what matters is that the predicate matches the index
      await client.query('BEGIN; SET LOCAL enable_seqscan = off');
      const plan = await client.query(`EXPLAIN (FORMAT JSON) SELECT id FROM scheduled_procedure_steps
        WHERE status = ANY('{ARRIVED,READY}'::text[]) AND status IN ('ARRIVED', 'READY', 'STARTED') AND updated_at <= now() - interval '4 hours'`);
      expect(JSON.stringify(plan.rows[0]['QUERY PLAN'])).toContain('scheduled_procedure_steps_stale_candidates');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
