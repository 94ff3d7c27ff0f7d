import { z } from 'zod';
import { findHl7Charset } from '../charset';
import { LeniencyRule } from './sender-profile';

/*
 * The sender profiles file (HL7_SENDER_PROFILES), as written by a site: every field is optional and
 * overrides the profile it is laid over (the environment's for `default`, `default` for a sender).
 */

const RULES = Object.values(LeniencyRule);
const ACCESSION_SOURCES = ['OBR-18', 'IPC-1', 'filler', 'placer'] as const;

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const oneOf = (values: readonly string[]) => (values.length === 2 ? `expected ${quoted([values[0]])} or ${quoted([values[1]])}` : `expected one of ${quoted(values)}`);

const leniencyMode = z.enum(['warn', 'strict'], { error: oneOf(['warn', 'strict']) });
const aeTitle = z.string({ error: 'expected an AE title' }).regex(/^[^\\]{1,16}$/, 'expected an AE title: 1 to 16 characters, no backslash');
const aeTitleMap = z.record(z.string().min(1, 'expected a non-empty key'), aeTitle, { error: 'expected a map of names to AE titles' });
const charset = z
  .string({ error: 'expected an MSH-18 value such as "8859/1" or "UNICODE UTF-8"' })
  .refine((v) => { const def = findHl7Charset(v); return def !== undefined && def.kind !== 'rejected'; }, 'expected a character set we can read (HL7 table 0211), such as "8859/1" or "UNICODE UTF-8"');

const overrides = {
  charset: charset.optional(),
  ackMode: z.enum(['original', 'enhanced'], { error: oneOf(['original', 'enhanced']) }).optional(),
  applicationAckUrl: z.string({ error: 'expected mllp://host:port' }).regex(/^mllp:\/\/[^:/\s]+:\d{1,5}$/, 'expected mllp://host:port').optional(),
  leniency: z.strictObject(Object.fromEntries(RULES.map((rule) => [rule, leniencyMode.optional()])) as Record<LeniencyRule, z.ZodOptional<typeof leniencyMode>>, { error: 'expected a map of rule names to "warn" or "strict"' }).optional(),
  accessionSources: z
    .array(z.enum(ACCESSION_SOURCES, { error: oneOf(ACCESSION_SOURCES) }), { error: 'expected a list of accession sources' })
    .min(1, 'expected at least one accession source')
    .refine((list) => new Set(list).size === list.length, 'expected each accession source once')
    .optional(),
  stationAeByModality: aeTitleMap.optional(),
  stationAeByLocation: aeTitleMap.optional(),
  modalityAliases: z
    .record(z.string().min(1, 'expected a non-empty key'), z.string({ error: 'expected a DICOM modality' }).regex(/^[A-Z0-9_]{1,16}$/, 'expected a DICOM modality such as "MR"'), { error: 'expected a map of codes to DICOM modalities' })
    .optional(),
  processingIds: z.array(z.enum(['P', 'D', 'T'], { error: oneOf(['P', 'D', 'T']) }), { error: 'expected a list of processing IDs' }).min(1, 'expected at least one processing ID').optional(),
  newOrderWhenExists: z.enum(['reject', 'update'], { error: oneOf(['reject', 'update']) }).optional(),
};

/** A namespace id (HD.1) of MSH-3 or MSH-4, compared as sent. */
const namespaceId = z.string({ error: 'expected the namespace id as sent (HD.1)' }).trim().min(1, 'expected a non-empty namespace id');

export const profileOverridesSchema = z.strictObject(overrides, { error: 'expected a map of profile fields' });

export const senderProfileEntrySchema = z.strictObject(
  {
    name: z.string({ error: 'expected the profile name' }).trim().min(1, 'expected a non-empty name').max(64, 'expected at most 64 characters'),
    match: z.strictObject({ application: namespaceId.optional(), facility: namespaceId.optional() }, { error: 'expected { application, facility }' }).refine((m) => m.application !== undefined || m.facility !== undefined, 'expected an application, a facility or both'),
    ...overrides,
  },
  { error: 'expected a sender profile' },
);

export const senderProfilesFileSchema = z.strictObject(
  {
    default: profileOverridesSchema.optional(),
    senders: z.array(senderProfileEntrySchema, { error: 'expected a list of sender profiles' }).default([]),
  },
  { error: 'expected { default, senders }' },
);

export type ProfileOverrides = z.infer<typeof profileOverridesSchema>;
export type SenderProfileEntry = z.infer<typeof senderProfileEntrySchema>;
export type SenderProfilesFile = z.infer<typeof senderProfilesFileSchema>;
