import { MESSAGE_OUTCOMES, MessageLogFilter, MessageOutcome } from '@radflow/domain';
import { Flag, readFlags, UsageError, userOption } from '../cli-args';

export { UsageError };

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface MessagesOptions {
  filter: MessageLogFilter;
  showPhi: boolean;
  json: boolean;
  user?: string;
  help: boolean;
}

export interface MessageOptions {
  id: string;
  json: boolean;
  hex: boolean;
  user?: string;
  help: boolean;
}

const MESSAGES_FLAGS: Record<string, Flag> = {
  '--since': { takesValue: true }, '--sender': { takesValue: true }, '--outcome': { takesValue: true },
  '--control-id': { takesValue: true }, '--limit': { takesValue: true }, '--user': { takesValue: true },
  '--show-phi': { takesValue: false }, '--json': { takesValue: false }, '--help': { takesValue: false },
};

const MESSAGE_FLAGS: Record<string, Flag> = {
  '--user': { takesValue: true }, '--json': { takesValue: false }, '--hex': { takesValue: false }, '--help': { takesValue: false },
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^(\d+)([mhd])$/;
const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `30m`, `1h`, `2d` before `now`, or an ISO 8601 date or timestamp (no zone: local time). */
export function parseSince(value: string, now: Date): Date {
  const relative = RELATIVE.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]]);
  const at = ISO.test(value) ? new Date(value.length === 10 ? `${value}T00:00:00` : value) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new UsageError(`--since: expected 30m, 1h, 2d or an ISO timestamp, got "${value}"`);
  return at;
}

/** `APP^FAC` or `APP`: the namespace ids of MSH-3 and MSH-4. */
export function parseSender(value: string): { sendingApplication: string; sendingFacility?: string } {
  const parts = value.split('^');
  if (parts.length > 2 || parts[0] === '') throw new UsageError(`--sender: expected APP^FAC or APP, got "${value}"`);
  return parts.length === 2 && parts[1] !== '' ? { sendingApplication: parts[0], sendingFacility: parts[1] } : { sendingApplication: parts[0] };
}

function parseOutcome(value: string): MessageOutcome {
  if (!(MESSAGE_OUTCOMES as readonly string[]).includes(value)) throw new UsageError(`--outcome: expected ${MESSAGE_OUTCOMES.join(', ')}, got "${value}"`);
  return value as MessageOutcome;
}

function parseLimit(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw new UsageError(`--limit: expected a whole number from 1 to ${MAX_LIMIT}, got "${value}"`);
  return n;
}

export function parseMessagesArgs(args: readonly string[], now: Date): MessagesOptions {
  const { values, positionals } = readFlags(args, MESSAGES_FLAGS);
  const help = values.has('--help');
  if (positionals.length && !help) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const get = (name: string) => values.get(name);
  const filter: MessageLogFilter = { limit: DEFAULT_LIMIT };
  if (get('--since') !== undefined) filter.since = parseSince(get('--since')!, now);
  if (get('--sender') !== undefined) Object.assign(filter, parseSender(get('--sender')!));
  if (get('--outcome') !== undefined) filter.outcome = parseOutcome(get('--outcome')!);
  if (get('--control-id') !== undefined) filter.controlId = get('--control-id');
  if (get('--limit') !== undefined) filter.limit = parseLimit(get('--limit')!);
  return { filter, showPhi: values.has('--show-phi'), json: values.has('--json'), user: userOption(get('--user')), help };
}

export function parseMessageArgs(args: readonly string[]): MessageOptions {
  const { values, positionals } = readFlags(args, MESSAGE_FLAGS);
  const help = values.has('--help');
  if (!help && positionals.length !== 1) throw new UsageError(positionals.length ? `expected one message id, got ${positionals.length}` : 'expected a message id');
  return { id: positionals[0] ?? '', json: values.has('--json'), hex: values.has('--hex'), user: userOption(values.get('--user')), help };
}
