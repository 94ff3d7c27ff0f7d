import { awaitDependencies, describeFailure, StartupDependency, StartupDependencyError, urlTarget } from './startup-dependencies';

/** A fake clock the sleeps advance, so backoff is checked as a sequence, not by waiting. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => (sleeps.push(ms), (t += ms), undefined), sleeps };
}

const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function dependency(failures: unknown[]): StartupDependency & { attempts: number } {
  const dep = {
    variable: 'DATABASE_URL',
    target: 'db.example:5432',
    attempts: 0,
    probe: async () => {
      const failure = failures[dep.attempts++];
      if (failure) throw failure;
    },
  };
  return dep;
}

describe('awaitDependencies', () => {
  it('backs off 0.5 s doubling to 5 s and gives up at the deadline with one final line', async () => {
    const c = clock();
    const lines: string[] = [];
    const dep = dependency(Array(100).fill(refused));
    await expect(awaitDependencies([dep], { deadlineMs: 20_000, write: (l) => lines.push(l), ...c })).rejects.toBeInstanceOf(StartupDependencyError);
    expect(c.sleeps).toEqual([500, 1000, 2000, 4000, 5000, 5000, 2500]);
    expect(lines).toEqual([
      'DATABASE_URL: cannot reach db.example:5432 (ECONNREFUSED); retrying for up to 20 s',
      'DATABASE_URL: cannot reach db.example:5432 (ECONNREFUSED); gave up after 20 s (STARTUP_RETRY_DEADLINE_MS)',
    ]);
  });

  it('says when the reason changes and when the dependency is finally reached', async () => {
    const c = clock();
    const lines: string[] = [];
    const starting = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    await awaitDependencies([dependency([refused, refused, starting])], { deadlineMs: 60_000, write: (l) => lines.push(l), ...c });
    expect(lines).toEqual([
      'DATABASE_URL: cannot reach db.example:5432 (ECONNREFUSED); retrying for up to 60 s',
      'DATABASE_URL: cannot reach db.example:5432 (57P03 database is starting up); still retrying',
      'DATABASE_URL: reached db.example:5432 after 3.5 s',
    ]);
  });

  it('prints nothing when everything answers at once, and tries once with a zero deadline', async () => {
    const lines: string[] = [];
    await awaitDependencies([dependency([])], { deadlineMs: 0, write: (l) => lines.push(l), ...clock() });
    expect(lines).toEqual([]);
    const dep = dependency([refused]);
    await expect(awaitDependencies([dep], { deadlineMs: 0, write: (l) => lines.push(l), ...clock() })).rejects.toThrow(/gave up/);
    expect(dep.attempts).toBe(1);
  });
});

describe('urlTarget and describeFailure', () => {
  it('keeps host and port, never the credentials', () => {
    expect(urlTarget('postgres://user:secret@db.example/radflow', 5432)).toBe('db.example:5432');
    expect(urlTarget('redis://:pw@cache:6380', 6379)).toBe('cache:6380');
    expect(urlTarget('not a url', 5432)).not.toContain('not a url');
  });

  it('names errno codes and SQLSTATEs without the server message', () => {
    expect(describeFailure(refused)).toBe('ECONNREFUSED');
    expect(describeFailure(Object.assign(new Error('password authentication failed for user "bob"'), { code: '28P01' }))).toBe('28P01 authentication failed');
    expect(describeFailure(new Error('timeout expired'))).toBe('timeout');
  });
});
