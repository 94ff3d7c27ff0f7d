import { Env } from '@radflow/config';
import { UsageError } from '../cli-args';
import { cliAccess } from '../cli-user';
import { formatHistory, historyJsonLines } from '../history/history.format';
import { parseHistoryArgs } from '../history/history.options';
import { withStudyHistory } from '../history/history.session';

export const HISTORY_HELP = `usage: npm run cli -- history <accession number | Study Instance UID> [options]
Prints the lifecycle history of the study (or every study of the order): each change of its
steps and of the study, and each flag, oldest first: time (UTC), scope (step, study, flag), the
step's SPS ID, from -> to, event, source (kind and id), note.
This shows patient data: every use is written to the audit trail (user, procedures shown).
  --user NAME    the user the audit trail names (default: the OS user)
  --json         JSON lines, one history row a line
`;

/** `history <accession|study-uid>`: a study's history. Always audited. */
export async function historyCommand(env: Readonly<Env>, args: string[]): Promise<number> {
  let options;
  try {
    options = parseHistoryArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`history: ${e.message} (see --help)\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(HISTORY_HELP);
    return 0;
  }
  const { key, json, user } = options;
  const studies = await withStudyHistory(env, (history) => history.read(key, cliAccess(user)));
  if (studies.length === 0) {
    process.stderr.write(`history: no study with accession number or Study Instance UID ${JSON.stringify(key)}\n`);
    return 1;
  }
  process.stdout.write(json ? historyJsonLines(studies) : formatHistory(studies));
  process.stderr.write('patient data shown; recorded in the audit trail\n');
  return 0;
}
