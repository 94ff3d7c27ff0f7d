/** A part of the process that must be up for it to be ready (database, queue backend, a listener). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when up; rejects (or times out) when not. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

/** Collects the checks of every module in the process; /health reads it. */
export class ReadinessRegistry {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async report(timeoutMs = 2000): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((c) => withTimeout(c.check(), timeoutMs).then(() => 'up' as const, () => 'down' as const)));
    const checks: Record<string, 'up' | 'down'> = {};
    this.checks.forEach((c, i) => (checks[c.name] = results[i]));
    return { ready: this.checks.length > 0 && results.every((r) => r === 'up'), checks };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

/** For checks that read a flag: rejects when the part is down. */
export function assertUp(up: boolean, what: string): void {
  if (!up) throw new Error(`${what} is down`);
}
