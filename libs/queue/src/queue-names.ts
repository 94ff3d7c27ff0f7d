/**
 * BullMQ queues (STYLE §4: kebab-case). One queue per kind of work, so a slow consumer
 * (HL7 out to a RIS that is down) never holds back another (live push); one worker per queue.
 */
export const QueueName = {
  /** Procedure step and study changes: state machine steps, HL7 status out, worklist push. */
  WorkflowEvents: 'workflow-events',
  /** Patient registration, updates, merges and identifier changes. */
  PatientEvents: 'patient-events',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);
