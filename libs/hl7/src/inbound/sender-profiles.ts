import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { LeniencyRule, SenderProfile, SenderProfiles } from './sender-profile';
import { ProfileOverrides, SenderProfileEntry, senderProfilesFileSchema } from './sender-profiles.schema';

/** A profile file that cannot be used; the message is one line naming the profile and the field. */
export class SenderProfilesError extends Error {}

export type SenderProfilesFormat = 'json' | 'yaml';

/**
 * The profile for a message: the sender whose match names both its MSH-3 and MSH-4 namespace ids,
 * else the one naming its application, else the one naming its facility, else the default. A match
 * may be named once only (checked at load), so the file's order never decides.
 */
export class SenderProfileTable implements SenderProfiles {
  private readonly byBoth = new Map<string, SenderProfile>();
  private readonly byApplication = new Map<string, SenderProfile>();
  private readonly byFacility = new Map<string, SenderProfile>();

  constructor(
    readonly fallback: SenderProfile,
    senders: ReadonlyArray<{ application?: string; facility?: string; profile: SenderProfile }> = [],
  ) {
    for (const { application, facility, profile } of senders) {
      const [map, key] = this.slotOf(application, facility);
      const taken = map.get(key);
      if (taken) throw new SenderProfilesError(`profile "${profile.name}" field match: same match as profile "${taken.name}"`);
      map.set(key, profile);
    }
  }

  get size(): number {
    return this.byBoth.size + this.byApplication.size + this.byFacility.size;
  }

  profileFor(sendingApplication: string, sendingFacility: string): SenderProfile {
    return (
      this.byBoth.get(bothKey(sendingApplication, sendingFacility)) ??
      this.byApplication.get(sendingApplication) ??
      this.byFacility.get(sendingFacility) ??
      this.fallback
    );
  }

  private slotOf(application?: string, facility?: string): [Map<string, SenderProfile>, string] {
    if (application !== undefined && facility !== undefined) return [this.byBoth, bothKey(application, facility)];
    return application !== undefined ? [this.byApplication, application] : [this.byFacility, facility!];
  }
}

const bothKey = (application: string, facility: string) => `${application}\u0000${facility}`;

/**
 * Reads a profile file over `base` (the environment's profile).
 * @throws SenderProfilesError one line: `profile "LAB_RIS" field leniency.birth-date: expected "warn" or "strict"`
 */
export function parseSenderProfiles(text: string, format: SenderProfilesFormat, base: SenderProfile): SenderProfileTable {
  const raw = readDocument(text, format);
  const result = senderProfilesFileSchema.safeParse(raw ?? {});
  if (!result.success) throw new SenderProfilesError(describeIssue(result.error.issues[0], raw));
  const fallback = checked(overlay(base, 'default', result.data.default ?? {}));
  const names = new Set<string>(['default']);
  const senders = result.data.senders.map((entry) => {
    if (names.has(entry.name)) throw new SenderProfilesError(`profile "${entry.name}" field name: used by another profile`);
    names.add(entry.name);
    return { ...entry.match, profile: checked(overlay(fallback, entry.name, overridesOf(entry))) };
  });
  return new SenderProfileTable(fallback, senders);
}

function readDocument(text: string, format: SenderProfilesFormat): unknown {
  try {
    return format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    // The parser's own words carry the line and column; they quote no more than the file, which holds no patient data.
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new SenderProfilesError(`not valid ${format === 'yaml' ? 'YAML' : 'JSON'}: ${detail}`);
  }
}

function overridesOf(entry: SenderProfileEntry): ProfileOverrides {
  const { name: _name, match: _match, ...rest } = entry;
  return rest;
}

/** Scalars and lists replace the base's; maps (leniency, station AEs, aliases) are merged over it. */
function overlay(base: SenderProfile, name: string, o: ProfileOverrides): SenderProfile {
  return {
    ...base,
    ...definedOnly({ charset: o.charset, ackMode: o.ackMode, applicationAckUrl: o.applicationAckUrl, accessionSources: o.accessionSources, processingIds: o.processingIds, newOrderWhenExists: o.newOrderWhenExists }),
    name,
    leniency: { ...base.leniency, ...definedOnly(o.leniency ?? {}) } as Record<LeniencyRule, 'warn' | 'strict'>,
    stationAeByModality: { ...base.stationAeByModality, ...o.stationAeByModality },
    stationAeByLocation: { ...base.stationAeByLocation, ...o.stationAeByLocation },
    modalityAliases: { ...base.modalityAliases, ...o.modalityAliases },
  };
}

function checked(profile: SenderProfile): SenderProfile {
  if (profile.ackMode === 'enhanced' && !profile.applicationAckUrl) {
    throw new SenderProfilesError(`profile "${profile.name}" field applicationAckUrl: required when ackMode is "enhanced"`);
  }
  return profile;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `profile "<name>" field <path>: <what was expected>` from the first zod issue. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  let subject: string;
  let fieldPath: string[];
  if (path[0] === 'senders' && path.length >= 2) {
    const entry = (raw as { senders?: unknown[] })?.senders?.[Number(path[1])] as { name?: unknown } | undefined;
    subject = typeof entry?.name === 'string' && entry.name.trim() !== '' ? `profile "${entry.name.trim()}"` : `profile #${Number(path[1]) + 1} of senders`;
    fieldPath = path.slice(2);
  } else if (path[0] === 'default') {
    subject = 'profile "default"';
    fieldPath = path.slice(1);
  } else {
    subject = 'file';
    fieldPath = path;
  }
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    fieldPath = [...fieldPath, issue.keys[0]];
    message = fieldPath[fieldPath.length - 2] === 'leniency' ? `unknown rule: expected one of ${Object.values(LeniencyRule).join(', ')}` : 'unknown field';
  }
  return fieldPath.length > 0 ? `${subject} field ${fieldPath.join('.')}: ${message}` : `${subject}: ${message}`;
}
