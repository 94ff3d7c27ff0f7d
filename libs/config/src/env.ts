import { z } from 'zod';

/**
 * Every environment variable Radflow reads, with its default. Nothing outside libs/config
 * reads process.env. README.md documents each one; keep the two in step.
 */
const port = z.coerce.number().int().min(1).max(65535);
const bool01 = z.enum(['0', '1']).transform((v) => v === '1');
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
/** Mirrors UnrepresentablePolicy in @radflow/dicom (config does not depend on it). */
const unrepresentable = z.enum(['transliterate', 'replace', 'utf8']);
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

export const envSchema = z.object({
  // contracts (DESIGN.md section 2)
  HL7_PORT: port.default(2575),
  DICOM_PORT: port.default(11112),
  DICOM_AE_TITLE: z.string().min(1).max(16).regex(/^[^\\]*$/, 'no backslash').default('RADFLOW'),
  HTTP_PORT: port.default(3000),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  RIS_HL7_URL: z.string().regex(/^mllp:\/\/[^:/]+:\d+$/, 'expected mllp://host:port').optional(),
  RADFLOW_DEMO_DATA: bool01.optional(),

  // embedded database (used only when DATABASE_URL is unset)
  RADFLOW_DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  DB_POOL_SIZE: positiveInt.max(200).default(16),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(30_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: positiveInt.default(60_000),
  STARTUP_RETRY_DEADLINE_MS: z.coerce.number().int().min(0).default(120_000),

  // HL7 inbound
  HL7_MAX_MESSAGE_BYTES: positiveInt.min(1024).default(4 * 1024 * 1024),
  HL7_IDLE_TIMEOUT_MS: positiveInt.default(600_000),
  HL7_MAX_CONNECTIONS: positiveInt.default(256),
  HL7_MAX_CONNECTIONS_PER_PEER: positiveInt.default(32),
  HL7_MAX_SEGMENTS: positiveInt.default(10_000),
  HL7_MAX_REPETITIONS: positiveInt.default(1_000),
  HL7_MAX_FIELD_CHARS: positiveInt.min(256).default(1_048_576),
  HL7_DEFAULT_CHARSET: z.string().default('UNICODE UTF-8'),
  HL7_PROCESSING_IDS: list.default(['P', 'D', 'T']),
  HL7_NEW_ORDER_EXISTS: z.enum(['reject', 'update']).default('reject'),
  HL7_DUPLICATE_ID_NEW_CONTENT: z.enum(['process', 'reject']).default('process'),
  HL7_UNHANDLED_ADT: z.enum(['accept', 'reject']).default('accept'),
  HL7_RECEIVING_APPLICATION: z.string().default('RADFLOW'),
  HL7_RECEIVING_FACILITY: z.string().default('RADIOLOGY'),
  RADFLOW_UID_ROOT: z
    .string()
    .regex(/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/, 'expected a DICOM UID root such as 1.2.826.0.1.3680043.10.999')
    .refine((v) => v.length <= 24, 'root too long: keep it at most 24 characters')
    .optional(),
  HL7_STATION_AE_BY_MODALITY: z.string().default('').transform((v, ctx) => parseMap(v, ctx)),
  /** Path of the sender profiles file (JSON, or YAML by its .yaml/.yml name); read and checked at start-up. */
  HL7_SENDER_PROFILES: z.string().min(1).optional(),

  // DICOM
  DICOM_CALLED_AE_CHECK: z.enum(['reject', 'any']).default('reject'),
  DICOM_ALLOWED_CALLING_AE: list.default([]),
  DICOM_ALLOWED_HOSTS: list.default([]),
  DICOM_MAX_ASSOCIATIONS: positiveInt.default(64),
  DICOM_MAX_ASSOCIATIONS_PER_PEER: positiveInt.default(16),
  DICOM_MAX_PDU_BYTES: positiveInt.min(4096).default(65536),
  DICOM_IDLE_TIMEOUT_MS: positiveInt.default(60_000),
  MWL_OFFERED_STATUSES: list.default(['SCHEDULED', 'ARRIVED']),
  MWL_NAME_MATCH: z.enum(['insensitive', 'sensitive']).default('insensitive'),
  MWL_MAX_ANSWERS: positiveInt.default(10_000),
  MWL_DEFAULT_CHARSET: z.string().default('ISO_IR 192').transform(asSpecificCharacterSet),
  MWL_CHARSET_BY_AE: z
    .string()
    .default('')
    .transform((v, ctx) => Object.fromEntries(Object.entries(parseMap(v, ctx)).map(([ae, cs]) => [ae, asSpecificCharacterSet(cs)]))),
  MWL_REJECT_UNKNOWN_KEYS_AE: list.default([]),
  MWL_UNREPRESENTABLE: unrepresentable.default('transliterate'),
  MWL_UNREPRESENTABLE_BY_AE: z
    .string()
    .default('')
    .transform((v, ctx) => parseMap(v, ctx))
    .pipe(z.record(z.string(), unrepresentable)),

  // housekeeping (worker): how often it runs, when an ARRIVED/READY or STARTED step is stale; 0 turns each off
  HOUSEKEEPING_INTERVAL_SECONDS: nonNegativeInt.default(300),
  STALE_ARRIVED_AFTER_MINUTES: nonNegativeInt.default(240),
  STALE_IN_PROGRESS_AFTER_MINUTES: nonNegativeInt.default(240),

  // logging
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PHI: bool01.default(false),
});

export type Env = z.infer<typeof envSchema>;

/** `CT=CT01,MR=MR01` → { CT: 'CT01', MR: 'MR01' } */
function parseMap(value: string, ctx: z.RefinementCtx): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected KEY=VALUE pairs, got "${pair}"` });
      return map;
    }
    map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return map;
}

/**
 * The multi-byte ISO 2022 sets (JIS X 0208/0212, KS X 1001, GB 2312) cannot be the first value of
 * Specific Character Set: written alone, `ISO 2022 IR 87` means "ASCII first, then JIS X 0208",
 * which DICOM spells `\ISO 2022 IR 87`. Read it that way rather than encode everything in kanji mode.
 */
export function asSpecificCharacterSet(value: string): string {
  const v = value.trim();
  return /^ISO 2022 IR (87|159|149|58)$/.test(v) ? `\\${v}` : v;
}
