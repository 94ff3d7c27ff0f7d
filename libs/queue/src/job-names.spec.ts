import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  JOB_DEFINITIONS, JOB_NAMES, JobName, OUTBOX_ROUTES, OUTBOX_TOPICS, OutboxTopic, isOutboxTopic, jobNamesOfQueue, outboxJobId,
} from './job-names';
import { toJobs } from './outbox-jobs';
import { QUEUE_NAMES } from './queue-names';

/** Every `topic: '…'` the domain writes into the outbox, read from its sources. */
function topicsWrittenByDomain(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/topic:\s*'([^']+)'/g)) found.add(m[1]);
      }
    }
  };
  walk(join(__dirname, '../../domain/src'));
  return [...found].sort();
}

describe('outbox topic table', () => {
  it('routes every topic the domain writes', () => {
    const written = topicsWrittenByDomain();
    expect(written).toEqual(expect.arrayContaining(['procedure-step.changed', 'patient.updated', 'patient.merged', 'patient.identifier-changed']));
    for (const topic of written) expect({ topic, routed: isOutboxTopic(topic) }).toEqual({ topic, routed: true });
  });

  it.each(OUTBOX_TOPICS)('%s maps to at least one job, at most one per queue', (topic) => {
    const jobs = OUTBOX_ROUTES[topic];
    expect(jobs.length).toBeGreaterThan(0);
    const queues = jobs.map((j) => JOB_DEFINITIONS[j].queue);
    // the job id is outbox-<row id>: two jobs of one row on one queue would collide
    expect(new Set(queues).size).toBe(queues.length);
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

describe('toJobs', () => {
  it('builds the job of a row with its stable id, ids only and the options of its definition', () => {
    const createdAt = new Date('2026-11-23T10:00:00Z');
    const [job] = toJobs({
      id: '9007199254740993', // beyond Number.MAX_SAFE_INTEGER: must stay a string
      topic: OutboxTopic.ProcedureStepChanged,
      aggregate_id: '5b0e6a36-0000-4000-8000-000000000001',
      payload: { procedureRef: 'p-1', from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancel' },
      created_at: createdAt,
    });
    expect(job).toEqual({
      queue: 'workflow-events',
      name: 'procedure-step.changed',
      data: {
        outboxId: '9007199254740993',
        topic: 'procedure-step.changed',
        aggregateId: '5b0e6a36-0000-4000-8000-000000000001',
        occurredAt: '2026-11-23T10:00:00.000Z',
        payload: { procedureRef: 'p-1', from: 'SCHEDULED', to: 'CANCELED', event: 'order.cancel' },
      },
      opts: { ...JOB_DEFINITIONS[JobName.ProcedureStepChanged].options, jobId: 'outbox-9007199254740993' },
    });
    expect(outboxJobId('1')).toBe('outbox-1');
  });
});
