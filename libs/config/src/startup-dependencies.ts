/**
 * A service the process cannot start without (PostgreSQL at DATABASE_URL, Redis at REDIS_URL).
 * Start-up waits for each, with backoff, up to STARTUP_RETRY_DEADLINE_MS: in a compose file or
 * after a host reboot the database often comes up a few seconds after us.
 */
export interface StartupDependency {
  /** The variable it comes from; every line printed names it. */
  variable: string;
  /** `host:port` only: never the user or password of the URL. */
  target: string;
  /** Resolves once the dependency answers; `timeoutMs` bounds one attempt. */
  probe(timeoutMs: number): Promise<void>;
}

export interface AwaitDependenciesOptions {
  deadlineMs: number;
  /** One line each: first failure, a changed reason, success after a failure, giving up. */
  write: (line: string) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Longest single attempt. */
  attemptTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The one-line error start-up ends with when a dependency stayed out of reach. */
export class StartupDependencyError extends Error {}

/** `host:port` of a URL, with the scheme's default port; the credentials are left out. */
export function urlTarget(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || defaultPort}`;
  } catch {
    return 'an unparseable URL';
  }
}

/** Why an attempt failed, in a few words: an errno code, a SQLSTATE, or the error's class. */
export function describeFailure(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code !== '') return SQLSTATE_TEXT[code] ? `${code} ${SQLSTATE_TEXT[code]}` : code;
  const message = e instanceof Error ? e.message : '';
  if (/timeout|timed out/i.test(message)) return 'timeout';
  if (/WRONGPASS|NOAUTH|auth/i.test(message)) return 'authentication failed';
  if (/terminated|closed|ended/i.test(message)) return 'connection closed';
  return e instanceof Error ? e.name : 'unknown error';
}

/** The SQLSTATEs a bad or starting server answers with (messages left out: they may echo the user). */
const SQLSTATE_TEXT: Readonly<Record<string, string>> = {
  '28P01': 'authentication failed',
  '28000': 'authorization rejected',
  '3D000': 'database does not exist',
  '57P03': 'database is starting up',
  '53300': 'too many connections',
};

/** Waits for each dependency in turn, all within one deadline; throws StartupDependencyError at it. */
export async function awaitDependencies(dependencies: StartupDependency[], options: AwaitDependenciesOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.deadlineMs;
  for (const dependency of dependencies) await awaitOne(dependency, deadline, options, now);
}

async function awaitOne(dep: StartupDependency, deadline: number, o: AwaitDependenciesOptions, now: () => number): Promise<void> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  let delay = o.firstDelayMs ?? 500;
  let lastReason: string | null = null;
  for (;;) {
    const remaining = Math.max(0, deadline - now());
    try {
      await dep.probe(Math.max(1, Math.min(o.attemptTimeoutMs ?? 5000, remaining)));
      if (lastReason !== null) o.write(`${dep.variable}: reached ${dep.target} after ${seconds(now() - started)} s`);
      return;
    } catch (e) {
      const reason = describeFailure(e);
      const left = deadline - now();
      if (left <= 0) {
        const line = `${dep.variable}: cannot reach ${dep.target} (${reason}); gave up after ${seconds(now() - started)} s (STARTUP_RETRY_DEADLINE_MS)`;
        o.write(line);
        throw new StartupDependencyError(line);
      }
      if (reason !== lastReason) {
        o.write(`${dep.variable}: cannot reach ${dep.target} (${reason}); ${lastReason === null ? `retrying for up to ${seconds(left)} s` : 'still retrying'}`);
        lastReason = reason;
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, o.maxDelayMs ?? 5000);
    }
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
