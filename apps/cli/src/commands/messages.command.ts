import { Env } from '@radflow/config';
import { formatMessageList, messageListJson } from '../message-log/message-log.format';
import { parseMessagesArgs, UsageError, DEFAULT_LIMIT, MAX_LIMIT } from '../message-log/message-log.options';
import { withMessageLog } from '../message-log/message-log.session';
import { cliAccess } from '../cli-user';

export const MESSAGES_HELP = `usage: npm run cli -- messages [options]
Lists stored HL7 messages, newest first, without PHI: received time, id, peer, sender, control id,
type, version, ACK code, outcome, warnings and error.
  --since 30m|1h|2d|<ISO>   received at or after (relative to now, or an ISO 8601 date/time)
  --sender APP^FAC          namespace ids of MSH-3 and MSH-4 (APP alone: any facility)
  --outcome applied|warning|refused
                            applied: AA/CA without warnings; warning: AA/CA with warnings;
                            refused: AE/AR/CE/CR
  --control-id X            MSH-10
  --limit N                 at most N messages (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})
  --show-phi                add the patient id and name each message names; this access is
                            written to the audit trail (user, messages shown)
  --user NAME               the user the audit trail names (default: the OS user)
  --json                    machine-readable output
`;

/** `messages [filters]`: the message log, PHI-free unless --show-phi (audited). */
export async function messagesCommand(env: Readonly<Env>, args: string[]): Promise<number> {
  let options;
  try {
    options = parseMessagesArgs(args, new Date());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`messages: ${e.message} (see --help)\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(MESSAGES_HELP);
    return 0;
  }
  const { filter, showPhi, json, user } = options;
  const messages = await withMessageLog(env, (log) => log.list(filter, showPhi ? cliAccess(user) : undefined));
  process.stdout.write(json ? messageListJson(messages) : formatMessageList(messages, filter.limit));
  if (showPhi && messages.length) process.stderr.write(`PHI shown for ${messages.length} message(s); recorded in the audit trail\n`);
  return 0;
}
