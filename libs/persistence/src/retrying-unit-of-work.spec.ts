import { DomainError, DomainErrorCode, TransactionContext, UnitOfWork } from '@radflow/domain';
import { RetryingUnitOfWork } from './retrying-unit-of-work';

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

/** Fails the first `failures.length` runs with those errors, then runs the work. */
function flakyUnitOfWork(failures: unknown[]): UnitOfWork & { attempts: number } {
  const uow = {
    attempts: 0,
    async run<T>(work: (tx: TransactionContext) => Promise<T>): Promise<T> {
      const failure = failures[uow.attempts++];
      if (failure) throw failure;
      return work({} as TransactionContext);
    },
  };
  return uow;
}

describe('RetryingUnitOfWork', () => {
  it.each(['40001', '40P01', '23505'])('runs the work again after %s', async (code) => {
    const inner = flakyUnitOfWork([pgError(code)]);
    const retries: string[] = [];
    await expect(new RetryingUnitOfWork(inner, 3, (_, c) => retries.push(c)).run(async () => 'done')).resolves.toBe('done');
    expect(inner.attempts).toBe(2);
    expect(retries).toEqual([code]);
  });

  it('gives up after three attempts with the last error', async () => {
    const inner = flakyUnitOfWork([pgError('40001'), pgError('40001'), pgError('40P01'), undefined]);
    await expect(new RetryingUnitOfWork(inner).run(async () => 'done')).rejects.toMatchObject({ code: '40P01' });
    expect(inner.attempts).toBe(3);
  });

  it.each([
    ['a domain error', new DomainError(DomainErrorCode.DuplicatePerformedStep, 'exists')],
    ['another database error', pgError('23514')],
  ])('does not retry %s', async (_, error) => {
    const inner = flakyUnitOfWork([error]);
    await expect(new RetryingUnitOfWork(inner).run(async () => 'done')).rejects.toBe(error);
    expect(inner.attempts).toBe(1);
  });
});
