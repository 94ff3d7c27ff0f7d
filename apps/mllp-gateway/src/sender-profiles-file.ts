import { readFileSync } from 'node:fs';
import { ConfigError, Env } from '@radflow/config';
import { parseSenderProfiles, SenderProfile, SenderProfiles, SenderProfilesError, singleProfile } from '@radflow/hl7';

/**
 * The sender profiles of HL7_SENDER_PROFILES laid over `base` (the environment's profile), or
 * `base` for every sender when the variable is unset.
 * @throws ConfigError one line: `HL7_SENDER_PROFILES: profile "LAB_RIS" field leniency.birth-date: …`
 */
export function senderProfilesFrom(env: Env, base: SenderProfile): SenderProfiles {
  const path = env.HL7_SENDER_PROFILES;
  if (!path) return singleProfile(base);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`HL7_SENDER_PROFILES: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseSenderProfiles(text, /\.ya?ml$/i.test(path) ? 'yaml' : 'json', base);
  } catch (e) {
    if (e instanceof SenderProfilesError) throw new ConfigError(`HL7_SENDER_PROFILES: ${e.message}`);
    throw e;
  }
}
