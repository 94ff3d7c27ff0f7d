import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from '@radflow/observability';
import { JobData, JobName, QueueName } from '@radflow/queue';
import { forEachEvent } from '../job-events';
import { JobProcessor, OnJob } from '../job-handler.registry';
import { WORKER_LOGGER } from '../worker-module.options';

/**
 * Jobs of the `patient-events` queue; a job carries the events of one relay batch, handled in
 * order. For now each handler records that it ran (ids only).
 */
@Injectable()
@JobProcessor(QueueName.PatientEvents)
export class PatientEventsProcessor {
  constructor(@Inject(WORKER_LOGGER) private readonly log: Logger) {}

  @OnJob(JobName.PatientUpdated)
  async patientUpdated(job: Job<JobData<typeof JobName.PatientUpdated>>): Promise<void> {
    await forEachEvent(job, (e) => this.ran(job, e.outboxId, { patientRef: e.aggregateId }));
  }

  @OnJob(JobName.PatientMerged)
  async patientMerged(job: Job<JobData<typeof JobName.PatientMerged>>): Promise<void> {
    await forEachEvent(job, ({ outboxId, aggregateId, payload }) =>
      this.ran(job, outboxId, { patientRef: aggregateId, priorRef: payload.priorRef, orders: payload.orders, steps: payload.steps }),
    );
  }

  @OnJob(JobName.PatientIdentifierChanged)
  async patientIdentifierChanged(job: Job<JobData<typeof JobName.PatientIdentifierChanged>>): Promise<void> {
    await forEachEvent(job, (e) => this.ran(job, e.outboxId, { patientRef: e.aggregateId }));
  }

  private ran(job: Job<JobData>, outboxId: string, ids: Record<string, unknown>): void {
    this.log.debug({ event: 'job.ran', job: job.name, jobId: job.id, outboxId, ...ids }, 'patient event');
  }
}
