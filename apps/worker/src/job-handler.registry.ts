import 'reflect-metadata';
import { UnrecoverableError, type Job } from 'bullmq';
import { JOB_DEFINITIONS, JOB_NAMES, JobData, JobName, QUEUE_NAMES, QueueName } from '@radflow/queue';

const PROCESSOR_QUEUE = Symbol('PROCESSOR_QUEUE');
const JOB_HANDLERS = Symbol('JOB_HANDLERS');

interface HandlerMark {
  job: JobName;
  method: string | symbol;
}

/** Marks a class as the processor of one queue (STYLE §7: one processor per queue). */
export function JobProcessor(queue: QueueName): ClassDecorator {
  return (target) => Reflect.defineMetadata(PROCESSOR_QUEUE, queue, target);
}

/** Marks a method as the handler of one job name. */
export function OnJob(job: JobName): MethodDecorator {
  return (target, method) => {
    const marks: HandlerMark[] = Reflect.getMetadata(JOB_HANDLERS, target.constructor) ?? [];
    Reflect.defineMetadata(JOB_HANDLERS, [...marks, { job, method }], target.constructor);
  };
}

export type JobHandler = (job: Job<JobData>) => Promise<void>;

export class JobRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`job handler registry is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'JobRegistryError';
  }
}

/**
 * Job name → handler, built from the processors' decorators and checked before any worker
 * starts: a job name with no handler, with two, or handled on another queue than the one its
 * definition names stops the boot (immich's job repository does the same).
 */
export class JobHandlerRegistry {
  private constructor(private readonly handlers: ReadonlyMap<JobName, { queue: QueueName; handle: JobHandler }>) {}

  static fromProcessors(processors: readonly object[]): JobHandlerRegistry {
    const problems: string[] = [];
    const found = new Map<JobName, Array<{ queue: QueueName; owner: string; handle: JobHandler }>>();
    for (const processor of processors) {
      const type = processor.constructor;
      const queue: QueueName | undefined = Reflect.getMetadata(PROCESSOR_QUEUE, type);
      if (!queue || !QUEUE_NAMES.includes(queue)) {
        problems.push(`${type.name} has no @JobProcessor(queue) naming a known queue`);
        continue;
      }
      for (const { job, method } of (Reflect.getMetadata(JOB_HANDLERS, type) ?? []) as HandlerMark[]) {
        const owner = `${type.name}.${String(method)}`;
        if (!JOB_NAMES.includes(job)) {
          problems.push(`${owner} handles unknown job "${job}"`);
          continue;
        }
        if (JOB_DEFINITIONS[job].queue !== queue) {
          problems.push(`${owner} handles "${job}" on queue ${queue}, but that job is on ${JOB_DEFINITIONS[job].queue}`);
        }
        const fn = (processor as Record<string | symbol, unknown>)[method];
        if (typeof fn !== 'function') {
          problems.push(`${owner} is not a method`);
          continue;
        }
        const list = found.get(job) ?? [];
        list.push({ queue, owner, handle: (j) => Promise.resolve(fn.call(processor, j)) });
        found.set(job, list);
      }
    }
    for (const job of JOB_NAMES) {
      const list = found.get(job) ?? [];
      if (list.length === 0) problems.push(`no handler for job "${job}" (queue ${JOB_DEFINITIONS[job].queue})`);
      if (list.length > 1) problems.push(`job "${job}" has ${list.length} handlers: ${list.map((h) => h.owner).join(', ')}`);
    }
    if (problems.length) throw new JobRegistryError(problems);
    return new JobHandlerRegistry(new Map([...found].map(([job, [h]]) => [job, { queue: h.queue, handle: h.handle }])));
  }

  /** Runs the job's handler. A job no handler knows is not retried: retrying cannot help it. */
  dispatch(queue: QueueName, job: Job<JobData>): Promise<void> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler || handler.queue !== queue) {
      return Promise.reject(new UnrecoverableError(`no handler for job "${job.name}" on queue ${queue}`));
    }
    return handler.handle(job);
  }
}
