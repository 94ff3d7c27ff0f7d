/**
 * The application layer: every use case an edge may call, each in a file of its own.
 *
 * | use case | file |
 * |---|---|
 * | place, change, cancel, discontinue, hold, release orders; status reports | `place-orders.use-case.ts` (the order lifecycle in `orders/order.service.ts`) |
 * | register a patient, merge patients, rename a patient | `patient.use-cases.ts` |
 * | check in (and undo) | `check-in.use-case.ts` |
 * | claim and release a study for reading | `reading.use-cases.ts` |
 * | start and update a performed procedure step (MPPS) | `performed-steps/start-performed-step.use-case.ts`, `update-performed-step.use-case.ts` |
 * | record a report | `reports/record-report.use-case.ts` |
 * | import a worklist item | `orders/import-worklist-item.use-case.ts` |
 * | flag stale steps | `housekeeping/flag-stale-steps.use-case.ts` |
 *
 * Each runs inside the caller's transaction; `runUseCase` gives one of its own.
 */
export * from './use-case';
export * from './place-orders.use-case';
export * from './patient.use-cases';
export * from './check-in.use-case';
export * from './reading.use-cases';
