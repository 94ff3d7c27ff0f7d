import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from '@radflow/observability';
import { JobData, JobName, QueueName } from '@radflow/queue';
import { forEachEvent } from '../job-events';
import { JobProcessor, OnJob } from '../job-handler.registry';
import { WORKER_LOGGER } from '../worker-module.options';

/**
 * Jobs of the `workflow-events` queue; a job carries the events of one relay batch, handled in
 * order. For now each handler records that it ran; the state machine steps, HL7 status out to
 * the RIS and the live worklist push come here later.
 */
@Injectable()
@JobProcessor(QueueName.WorkflowEvents)
export class WorkflowEventsProcessor {
  constructor(@Inject(WORKER_LOGGER) private readonly log: Logger) {}

  @OnJob(JobName.ProcedureStepChanged)
  async procedureStepChanged(job: Job<JobData<typeof JobName.ProcedureStepChanged>>): Promise<void> {
    await forEachEvent(job, ({ outboxId, aggregateId, payload }) => {
      this.log.debug(
        { event: 'job.ran', job: job.name, jobId: job.id, outboxId, stepRef: aggregateId, procedureRef: payload.procedureRef, from: payload.from, to: payload.to, cause: payload.event },
        'procedure step changed',
      );
    });
  }

  @OnJob(JobName.StudyChanged)
  async studyChanged(job: Job<JobData<typeof JobName.StudyChanged>>): Promise<void> {
    await forEachEvent(job, ({ outboxId, aggregateId, payload }) => {
      this.log.debug({ event: 'job.ran', job: job.name, jobId: job.id, outboxId, procedureRef: aggregateId, from: payload.from, to: payload.to, cause: payload.event }, 'study changed');
    });
  }

  @OnJob(JobName.ReportReceived)
  async reportReceived(job: Job<JobData<typeof JobName.ReportReceived>>): Promise<void> {
    await forEachEvent(job, ({ outboxId, aggregateId, payload }) => {
      this.log.debug({ event: 'job.ran', job: job.name, jobId: job.id, outboxId, procedureRef: aggregateId, version: payload.version, status: payload.status }, 'report received');
    });
  }
}
