import { TransactionContext, UnitOfWork } from '@radflow/domain';

/**
 * Serialization failure, deadlock, unique violation: a concurrent transaction won a race (a
 * lifecycle guard that found its row moved raises 40001). Another attempt meets the winner's state.
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

export const DEFAULT_ATTEMPTS = 3;

export function isRetryableConflict(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * A unit of work that runs the work again, in a fresh transaction, when it lost a race. The work
 * must be a function of the database alone (nothing kept from a failed attempt), as use cases are.
 */
export class RetryingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly attempts = DEFAULT_ATTEMPTS,
    private readonly onRetry: (attempt: number, code: string) => void = () => undefined,
  ) {}

  async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inner.run(work);
      } catch (e) {
        if (attempt >= this.attempts || !isRetryableConflict(e)) throw e;
        this.onRetry(attempt, (e as { code: string }).code);
      }
    }
  }
}
