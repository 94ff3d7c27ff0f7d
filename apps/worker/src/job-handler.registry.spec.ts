import { UnrecoverableError, type Job } from 'bullmq';
import { JobData, JobName, QueueName } from '@radflow/queue';
import { JobHandlerRegistry, JobProcessor, JobRegistryError, OnJob } from './job-handler.registry';
import { PatientEventsProcessor } from './processors/patient-events.processor';
import { WorkflowEventsProcessor } from './processors/workflow-events.processor';
import { Logger, NULL_LOGGER } from '@radflow/observability';

/** A job of the events with these outbox ids, as the relay builds it (ids only). */
const job = (name: string, ...outboxIds: string[]) =>
  ({
    name,
    id: `outbox-${outboxIds[0] ?? '1'}-${name}`,
    progress: 0,
    updateProgress: async () => undefined,
    data: { events: (outboxIds.length ? outboxIds : ['1']).map((outboxId) => ({ outboxId, aggregateId: `a-${outboxId}`, payload: { priorRef: 'p', orders: 1, steps: 1 } })) },
  }) as unknown as Job<JobData>;

function recordingLogger(lines: Array<Record<string, unknown>>): Logger {
  const put = (obj: object) => void lines.push({ ...obj });
  const log: Logger = { debug: put, info: put, warn: put, error: put, child: () => log };
  return log;
}

function problemsOf(processors: object[]): string[] {
  try {
    JobHandlerRegistry.fromProcessors(processors);
  } catch (e) {
    expect(e).toBeInstanceOf(JobRegistryError);
    return (e as JobRegistryError).problems;
  }
  return [];
}

describe('JobHandlerRegistry', () => {
  const real = () => [new WorkflowEventsProcessor(NULL_LOGGER), new PatientEventsProcessor(NULL_LOGGER)];

  it('accepts the worker’s processors: every job has exactly one handler', () => {
    expect(problemsOf(real())).toEqual([]);
  });

  it('refuses to boot when a job has no handler', () => {
    expect(problemsOf([new WorkflowEventsProcessor(NULL_LOGGER)])).toEqual([
      'no handler for job "patient.updated" (queue patient-events)',
      'no handler for job "patient.merged" (queue patient-events)',
      'no handler for job "patient.identifier-changed" (queue patient-events)',
    ]);
  });

  it('refuses to boot when a job has two handlers', () => {
    @JobProcessor(QueueName.WorkflowEvents)
    class Second {
      @OnJob(JobName.ProcedureStepChanged)
      async again(): Promise<void> {}
    }
    expect(problemsOf([...real(), new Second()])).toEqual([
      'job "procedure-step.changed" has 2 handlers: WorkflowEventsProcessor.procedureStepChanged, Second.again',
    ]);
  });

  it('refuses a handler on another queue than its job’s, and a processor without a queue', () => {
    @JobProcessor(QueueName.PatientEvents)
    class Misplaced {
      @OnJob(JobName.ProcedureStepChanged)
      async step(): Promise<void> {}
    }
    class Bare {}
    const problems = problemsOf([new PatientEventsProcessor(NULL_LOGGER), new Misplaced(), new Bare()]);
    expect(problems).toEqual([
      'Misplaced.step handles "procedure-step.changed" on queue patient-events, but that job is on workflow-events',
      'Bare has no @JobProcessor(queue) naming a known queue',
      'no handler for job "study.changed" (queue workflow-events)',
      'no handler for job "report.received" (queue workflow-events)',
    ]);
  });

  it('dispatches by job name to the handler, bound to its processor', async () => {
    const calls: string[] = [];
    @JobProcessor(QueueName.WorkflowEvents)
    class Recording {
      readonly tag = 'rec';
      @OnJob(JobName.ProcedureStepChanged)
      async step(j: Job<JobData>): Promise<void> {
        calls.push(`${this.tag}:${j.data.events.map((e) => e.outboxId).join(',')}`);
      }
      @OnJob(JobName.StudyChanged)
      async study(): Promise<void> {}
      @OnJob(JobName.ReportReceived)
      async report(): Promise<void> {}
    }
    const registry = JobHandlerRegistry.fromProcessors([new Recording(), new PatientEventsProcessor(NULL_LOGGER)]);
    await registry.dispatch(QueueName.WorkflowEvents, job('procedure-step.changed', '7', '8'));
    expect(calls).toEqual(['rec:7,8']);
  });

  it.each([
    [QueueName.WorkflowEvents, JobName.ProcedureStepChanged],
    [QueueName.WorkflowEvents, JobName.StudyChanged],
    [QueueName.WorkflowEvents, JobName.ReportReceived],
    [QueueName.PatientEvents, JobName.PatientUpdated],
    [QueueName.PatientEvents, JobName.PatientMerged],
    [QueueName.PatientEvents, JobName.PatientIdentifierChanged],
  ])('the processor of %s handles each event of a %s job once, in order', async (queue, name) => {
    const lines: Array<Record<string, unknown>> = [];
    const log = recordingLogger(lines);
    const registry = JobHandlerRegistry.fromProcessors([new WorkflowEventsProcessor(log), new PatientEventsProcessor(log)]);
    await registry.dispatch(queue, job(name, '3', '5', '9007199254740993'));
    expect(lines.filter((l) => l.event === 'job.ran').map((l) => [l.job, l.outboxId])).toEqual([
      [name, '3'],
      [name, '5'],
      [name, '9007199254740993'],
    ]);
  });

  it('fails an unknown job without retries', async () => {
    const registry = JobHandlerRegistry.fromProcessors(real());
    await expect(registry.dispatch(QueueName.WorkflowEvents, job('order.teleported'))).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(registry.dispatch(QueueName.WorkflowEvents, job('patient.updated'))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
