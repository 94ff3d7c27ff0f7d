import { envSchema, Env } from './env';

export class ConfigError extends Error {}

/** Parses the environment once; a bad value throws one error with a line per variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Readonly<Env> {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      return `invalid environment variable ${key}=${JSON.stringify(source[key] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  return Object.freeze(result.data);
}

let cached: Readonly<Env> | undefined;

export function getEnv(): Readonly<Env> {
  cached ??= loadEnv();
  return cached;
}

/** Tests change the environment between cases. */
export function clearEnvCache(): void {
  cached = undefined;
}

/** For start-up logs: never print secrets (passwords in URLs). */
export function describeEnv(env: Env): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...env };
  for (const key of ['DATABASE_URL', 'REDIS_URL'] as const) {
    if (env[key]) masked[key] = env[key]!.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
  return masked;
}
