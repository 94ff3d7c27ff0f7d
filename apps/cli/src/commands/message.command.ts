import { Env } from '@radflow/config';
import { formatMessageDetail, messageDetailJson } from '../message-log/message-log.format';
import { parseMessageArgs, UsageError } from '../message-log/message-log.options';
import { withMessageLog } from '../message-log/message-log.session';
import { cliAccess } from '../cli-user';

export const MESSAGE_HELP = `usage: npm run cli -- message <id> [options]
Prints one stored HL7 message: its raw bytes as received, the decoded text (one segment a line),
the ACK sent, warnings and error, and the history rows it changed.
This shows PHI: every use is written to the audit trail (user, message id).
  --hex          raw bytes as a hex dump (default: escaped text, other bytes as \\xNN)
  --user NAME    the user the audit trail names (default: the OS user)
  --json         machine-readable output (raw bytes in base64)
`;

/** `message <id>`: one message in full. Always audited: it is PHI by nature. */
export async function messageCommand(env: Readonly<Env>, args: string[]): Promise<number> {
  let options;
  try {
    options = parseMessageArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`message: ${e.message} (see --help)\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(MESSAGE_HELP);
    return 0;
  }
  const { id, json, hex, user } = options;
  const message = await withMessageLog(env, (log) => log.show(id, cliAccess(user)));
  if (!message) {
    process.stderr.write(`message: no stored message with id ${JSON.stringify(id)}\n`);
    return 1;
  }
  process.stdout.write(json ? messageDetailJson(message) : formatMessageDetail(message, { hex }));
  process.stderr.write('PHI shown; recorded in the audit trail\n');
  return 0;
}
