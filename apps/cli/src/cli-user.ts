import { hostname, userInfo } from 'node:os';
import type { PhiAccess } from '@radflow/hl7';

/** Who the audit row names: `--user`, else the OS user running the command. */
export function cliAccess(user: string | undefined): PhiAccess {
  return { user: user ?? osUser(), peer: `cli@${hostname()}` };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry (containers): the uid still says who
    return process.env.USER ?? `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}
