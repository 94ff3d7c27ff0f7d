import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from '@radflow/observability';
import { JobData, JobName, QueueName } from '@radflow/queue';
import { JobProcessor, OnJob } from '../job-handler.registry';
import { WORKER_LOGGER } from '../worker-module.options';

/** Jobs of the `patient-events` queue. For now each handler records that it ran (ids only). */
@Injectable()
@JobProcessor(QueueName.PatientEvents)
export class PatientEventsProcessor {
  constructor(@Inject(WORKER_LOGGER) private readonly log: Logger) {}

  @OnJob(JobName.PatientUpdated)
  async patientUpdated(job: Job<JobData<typeof JobName.PatientUpdated>>): Promise<void> {
    this.ran(job, { patientRef: job.data.aggregateId });
  }

  @OnJob(JobName.PatientMerged)
  async patientMerged(job: Job<JobData<typeof JobName.PatientMerged>>): Promise<void> {
    const { aggregateId, payload } = job.data;
    this.ran(job, { patientRef: aggregateId, priorRef: payload.priorRef, orders: payload.orders, steps: payload.steps });
  }

  @OnJob(JobName.PatientIdentifierChanged)
  async patientIdentifierChanged(job: Job<JobData<typeof JobName.PatientIdentifierChanged>>): Promise<void> {
    this.ran(job, { patientRef: job.data.aggregateId });
  }

  private ran(job: Job<JobData>, ids: Record<string, unknown>): void {
    this.log.debug({ event: 'job.ran', job: job.name, jobId: job.id, outboxId: job.data.outboxId, ...ids }, 'patient event');
  }
}
