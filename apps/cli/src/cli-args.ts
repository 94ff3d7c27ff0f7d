/** A command line we cannot act on: one line for stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Flag = { takesValue: boolean };

/** `--name value` and `--name=value`; the rest are positionals. */
export function readFlags(args: readonly string[], flags: Record<string, Flag>): { values: Map<string, string>; positionals: string[] } {
  const values = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = flags[name];
    if (!flag) throw new UsageError(`unknown option ${name}`);
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    if (!flag.takesValue) {
      if (eq !== -1) throw new UsageError(`${name} takes no value`);
      values.set(name, '');
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  return { values, positionals };
}

/** `--user NAME`: who the audit trail names. */
export function userOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError('--user: expected a user name');
  return value;
}
