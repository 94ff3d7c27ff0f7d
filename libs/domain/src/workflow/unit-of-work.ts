import type { HousekeepingStore } from '../housekeeping/housekeeping.store';
import { InboundMessageStore } from '../messages';
import type { WorklistImportStore } from '../orders/import-worklist-item.use-case';
import { PerformedStepStore } from '../performed-steps';
import { ReportStore } from '../reports';
import { WorkflowStore } from './workflow-store';

export interface TransactionContext {
  workflow: WorkflowStore;
  messages: InboundMessageStore;
  performedSteps: PerformedStepStore;
  reports: ReportStore;
  worklistImport: WorklistImportStore;
  housekeeping: HousekeepingStore;
}

/** Port: runs work in one database transaction; commits when it resolves, rolls back when it throws. */
export interface UnitOfWork {
  run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T>;
}

export const UNIT_OF_WORK = Symbol('UNIT_OF_WORK');
