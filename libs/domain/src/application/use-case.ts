import { ChangeSource, TransactionContext, UnitOfWork } from '../workflow';

/**
 * A use case: one command in the domain's words, applied inside the caller's transaction. Every edge
 * (HL7, DIMSE, REST, CLI) calls use cases; none writes tables itself. The HL7 edge runs them in the
 * transaction that also stores the message; the others through `runUseCase`.
 */
export type UseCase<C, R> = (tx: TransactionContext, cmd: C, source: ChangeSource) => Promise<R>;

/**
 * Runs a use case in a transaction of its own. Give it a unit of work that retries lost races
 * (a lifecycle transition that found its row moved fails with a retryable conflict): the retry
 * meets the lifecycle table again with the state that won.
 */
export function runUseCase<C, R>(uow: UnitOfWork, useCase: UseCase<C, R>, cmd: C, source: ChangeSource): Promise<R> {
  return uow.run((tx) => useCase(tx, cmd, source));
}
