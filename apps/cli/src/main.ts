import { ConfigError, Env, loadEnv } from '@radflow/config';
import { migrateCommand } from './commands/migrate.command';
import { importWorklistCommand } from './commands/import-worklist.command';
import { messagesCommand } from './commands/messages.command';
import { messageCommand } from './commands/message.command';
import { historyCommand } from './commands/history.command';

type Command = { run: (env: Readonly<Env>, args: string[]) => Promise<number>; usage: string };

/** Administrative commands: `npm run cli -- <command> …`, with the same variables as the service. */
const COMMANDS: Record<string, Command> = {
  migrate: { run: (env) => migrateCommand(env), usage: 'migrate                      apply pending database migrations' },
  'import-worklist': { run: (env, args) => importWorklistCommand(env, args), usage: 'import-worklist <folder>     load DICOM worklist files (.wl) as scheduled steps' },
  messages: { run: (env, args) => messagesCommand(env, args), usage: 'messages [--since 1h] …      list stored HL7 messages without PHI (--help for filters)' },
  message: { run: (env, args) => messageCommand(env, args), usage: 'message <id>                 one stored HL7 message in full (PHI: audited)' },
  history: { run: (env, args) => historyCommand(env, args), usage: 'history <accession|uid>      the lifecycle history of a study (audited)' },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <command>\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n`);
    return 2;
  }
  let env: Readonly<Env>;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return command.run(env, args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
