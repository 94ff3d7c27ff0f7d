import { Flag, readFlags, UsageError, userOption } from '../cli-args';

export interface HistoryOptions {
  /** An accession number or a Study Instance UID. */
  key: string;
  json: boolean;
  user?: string;
  help: boolean;
}

const HISTORY_FLAGS: Record<string, Flag> = {
  '--user': { takesValue: true }, '--json': { takesValue: false }, '--help': { takesValue: false },
};

export function parseHistoryArgs(args: readonly string[]): HistoryOptions {
  const { values, positionals } = readFlags(args, HISTORY_FLAGS);
  const help = values.has('--help');
  if (!help && positionals.length !== 1) {
    throw new UsageError(positionals.length ? `expected one accession number or Study Instance UID, got ${positionals.length}` : 'expected an accession number or a Study Instance UID');
  }
  const key = positionals[0] ?? '';
  if (!help && key.trim() === '') throw new UsageError('expected an accession number or a Study Instance UID, got an empty one');
  return { key, json: values.has('--json'), user: userOption(values.get('--user')), help };
}
