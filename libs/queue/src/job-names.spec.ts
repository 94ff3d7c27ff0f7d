import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  JOB_DEFINITIONS, JOB_NAMES, JobName, OUTBOX_ROUTES, OUTBOX_TOPICS, OutboxTopic, isOutboxTopic, jobNamesOfQueue, outboxJobId,
} from './job-names';
import { OutboxRow, planJobs } from './outbox-jobs';
import { QUEUE_NAMES } from './queue-names';

/** Every `topic: '…'` the domain writes into the outbox, read from its sources. */
function topicsWrittenByDomain(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/topic:\s*'([^']+)'/g)) found.add(m[1]);
        // the transition statements write their outbox rows in SQL
        for (const m of text.matchAll(/INSERT INTO outbox \(topic, aggregate_id, payload\) (?:VALUES \(|SELECT )'([^']+)'/g)) found.add(m[1]);
      }
    }
  };
  walk(join(__dirname, '../../domain/src'));
  walk(join(__dirname, '../../persistence/src/repositories'));
  return [...found].sort();
}

describe('outbox topic table', () => {
  it('routes every topic the domain and its stores write', () => {
    const written = topicsWrittenByDomain();
    expect(written).toEqual(expect.arrayContaining(['procedure-step.changed', 'patient.updated', 'patient.merged', 'patient.identifier-changed', 'study.changed', 'report.received']));
    for (const topic of written) expect({ topic, routed: isOutboxTopic(topic) }).toEqual({ topic, routed: true });
  });

  it.each(OUTBOX_TOPICS)('%s maps to at least one job, each named once', (topic) => {
    const jobs = OUTBOX_ROUTES[topic];
    expect(jobs.length).toBeGreaterThan(0);
    // a name listed twice would put the event twice into the batch's job of that name
    expect(new Set(jobs).size).toBe(jobs.length);
  });

  it('maps today’s topics to the job of the same name', () => {
    expect(OUTBOX_ROUTES[OutboxTopic.ProcedureStepChanged]).toEqual([JobName.ProcedureStepChanged]);
    expect(JOB_DEFINITIONS[JobName.ProcedureStepChanged].queue).toBe('workflow-events');
    expect(JOB_DEFINITIONS[JobName.PatientMerged].queue).toBe('patient-events');
  });

  it('uses every job name, each on a known queue with retry and retention options', () => {
    const routed = new Set(Object.values(OUTBOX_ROUTES).flat());
    for (const name of JOB_NAMES) {
      expect(routed.has(name)).toBe(true);
      const def = JOB_DEFINITIONS[name];
      expect(QUEUE_NAMES).toContain(def.queue);
      expect(def.options.attempts).toBeGreaterThan(1);
      expect(def.options.backoff).toMatchObject({ type: 'exponential' });
      expect(def.options.removeOnComplete).toMatchObject({ age: expect.any(Number) });
    }
  });

  it('follows the naming rules: queues kebab-case, jobs domain.verb', () => {
    for (const q of QUEUE_NAMES) expect(q).toMatch(/^[a-z]+(-[a-z]+)*$/);
    for (const j of JOB_NAMES) expect(j).toMatch(/^[a-z]+(-[a-z]+)*\.[a-z]+(-[a-z]+)*$/);
  });

  it('gives every queue at least one job', () => {
    for (const q of QUEUE_NAMES) expect(jobNamesOfQueue(q).length).toBeGreaterThan(0);
  });

  it('rejects unknown topics, including inherited property names', () => {
    expect(isOutboxTopic('order.created')).toBe(false);
    expect(isOutboxTopic('toString')).toBe(false);
  });
});

describe('planJobs', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  const step = (id: string): OutboxRow => ({
    id,
    topic: OutboxTopic.ProcedureStepChanged,
    aggregate_id: `step-${id}`,
    payload: { procedureRef: 'p-1', from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancelled' },
    created_at: at,
  });
  const patient = (id: string, topic: OutboxTopic = OutboxTopic.PatientUpdated): OutboxRow => ({
    id, topic, aggregate_id: `patient-${id}`, payload: { source: 'hl7' }, created_at: at,
  });
  const idsOf = (jobs: ReturnType<typeof planJobs>) => jobs.map((j) => [j.name, j.data.events.map((e) => e.outboxId)]);

  it('builds one job per job name of the batch, its events in outbox id order, ids only, with the options of its definition', () => {
    const big = '9007199254740993'; // beyond Number.MAX_SAFE_INTEGER: must stay a string
    const jobs = planJobs([step('9'), patient('10'), step('11'), patient('12', OutboxTopic.PatientMerged), step(big), patient('13')]);
    expect(idsOf(jobs)).toEqual([
      ['procedure-step.changed', ['9', '11', big]],
      ['patient.updated', ['10', '13']],
      ['patient.merged', ['12']],
    ]);
    const [first] = jobs;
    expect(first.queue).toBe('workflow-events');
    expect(first.opts).toEqual({ ...JOB_DEFINITIONS[JobName.ProcedureStepChanged].options, jobId: outboxJobId(JobName.ProcedureStepChanged, first.data.events) });
    expect(first.opts.jobId).toMatch(new RegExp(`^outbox-9-${big}-procedure-step\\.changed-[0-9a-f]{16}$`));
    expect(first.data.events[0]).toEqual({
      outboxId: '9',
      topic: 'procedure-step.changed',
      aggregateId: 'step-9',
      occurredAt: '2026-11-23T10:00:00.000Z',
      payload: { procedureRef: 'p-1', from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancelled' },
    });
    expect(jobs.map((j) => j.queue)).toEqual(['workflow-events', 'patient-events', 'patient-events']);
  });

  it('gives the same rows the same jobs and ids, in whatever order they come', () => {
    const rows = [step('1'), patient('2'), step('3'), patient('4')];
    expect(planJobs([...rows].reverse())).toEqual(planJobs(rows));
    expect(planJobs(rows.map((r) => ({ ...r })))).toEqual(planJobs(rows));
  });

  it('never gives two different sets of events the same job id, even with the same first and last id', () => {
    // a batch re-read after a crash may hold a row committed late, or lack one another relay took
    const ids = (rows: OutboxRow[]) => planJobs(rows).map((j) => j.opts.jobId);
    const a = ids([step('1'), step('2'), step('4'), step('5')]);
    const b = ids([step('1'), step('2'), step('3'), step('4'), step('5')]);
    const c = ids([step('1'), step('3'), step('4'), step('5')]);
    expect(new Set([...a, ...b, ...c]).size).toBe(3);
    // the job of the names whose events did not change keeps its id
    expect(ids([step('1'), patient('2'), step('3')])[1]).toBe(ids([step('1'), patient('2')])[1]);
  });

  it('gives rows of the same ids written at another time other job ids (a database restored or created anew)', () => {
    const again = (r: OutboxRow): OutboxRow => ({ ...r, created_at: new Date(r.created_at.getTime() + 1) });
    const rows = [step('1'), step('2')];
    expect(planJobs(rows.map(again))[0].opts.jobId).not.toBe(planJobs(rows)[0].opts.jobId);
    expect(planJobs(rows.map(again))[0].opts.jobId).toMatch(/^outbox-1-2-procedure-step\.changed-/);
  });

  it('plans nothing for no rows, and refuses a job without events', () => {
    expect(planJobs([])).toEqual([]);
    expect(() => outboxJobId(JobName.PatientUpdated, [])).toThrow();
  });
});
