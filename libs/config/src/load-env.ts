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
