import { loadEnv, ConfigError } from './load-env';

describe('loadEnv', () => {
  it('applies the documented defaults', () => {
    const env = loadEnv({});
    expect(env.HL7_PORT).toBe(2575);
    expect(env.DICOM_PORT).toBe(11112);
    expect(env.DICOM_AE_TITLE).toBe('RADFLOW');
    expect(env.HTTP_PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.HL7_MAX_MESSAGE_BYTES).toBeGreaterThanOrEqual(1024 * 1024);
    expect(env.MWL_OFFERED_STATUSES).toEqual(['SCHEDULED', 'ARRIVED']);
  });

  it('names every bad variable on its own line', () => {
    expect(() => loadEnv({ HL7_PORT: 'abc', RIS_HL7_URL: 'http://x', DICOM_AE_TITLE: 'A_TITLE_FAR_TOO_LONG' })).toThrow(ConfigError);
    try {
      loadEnv({ HL7_PORT: 'abc', RIS_HL7_URL: 'http://x' });
    } catch (e) {
      const lines = (e as Error).message.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^invalid environment variable HL7_PORT="abc"/);
      expect(lines[1]).toMatch(/^invalid environment variable RIS_HL7_URL=/);
    }
  });

  it('parses key=value maps and lists', () => {
    const env = loadEnv({ HL7_STATION_AE_BY_MODALITY: 'CT=CT01, MR=MR_3T', HL7_PROCESSING_IDS: 'P' });
    expect(env.HL7_STATION_AE_BY_MODALITY).toEqual({ CT: 'CT01', MR: 'MR_3T' });
    expect(env.HL7_PROCESSING_IDS).toEqual(['P']);
  });

  it('reads a multi-byte ISO 2022 set given alone as ASCII first, then that set', () => {
    const env = loadEnv({ MWL_CHARSET_BY_AE: 'JAPAN=ISO 2022 IR 87,KOREA=\\ISO 2022 IR 149,LEGACY=ISO_IR 100', MWL_DEFAULT_CHARSET: 'ISO 2022 IR 149' });
    expect(env.MWL_CHARSET_BY_AE).toEqual({ JAPAN: '\\ISO 2022 IR 87', KOREA: '\\ISO 2022 IR 149', LEGACY: 'ISO_IR 100' });
    expect(env.MWL_DEFAULT_CHARSET).toBe('\\ISO 2022 IR 149');
  });

  it('reads the per-AE worklist policies: unknown keys rejected for some AEs, what to do with unrepresentable values', () => {
    const defaults = loadEnv({});
    expect([defaults.MWL_REJECT_UNKNOWN_KEYS_AE, defaults.MWL_UNREPRESENTABLE, defaults.MWL_UNREPRESENTABLE_BY_AE]).toEqual([[], 'transliterate', {}]);
    const env = loadEnv({ MWL_REJECT_UNKNOWN_KEYS_AE: 'OLD_CT, OLD_MR', MWL_UNREPRESENTABLE: 'utf8', MWL_UNREPRESENTABLE_BY_AE: 'OLD_CT=replace,US=transliterate' });
    expect(env.MWL_REJECT_UNKNOWN_KEYS_AE).toEqual(['OLD_CT', 'OLD_MR']);
    expect(env.MWL_UNREPRESENTABLE).toBe('utf8');
    expect(env.MWL_UNREPRESENTABLE_BY_AE).toEqual({ OLD_CT: 'replace', US: 'transliterate' });
    expect(() => loadEnv({ MWL_UNREPRESENTABLE_BY_AE: 'OLD_CT=drop' })).toThrow(/MWL_UNREPRESENTABLE_BY_AE/);
  });

  it('reads the housekeeping schedule and thresholds, 0 turning each off', () => {
    const defaults = loadEnv({});
    expect([defaults.HOUSEKEEPING_INTERVAL_SECONDS, defaults.STALE_ARRIVED_AFTER_MINUTES, defaults.STALE_IN_PROGRESS_AFTER_MINUTES]).toEqual([300, 240, 240]);
    const env = loadEnv({ HOUSEKEEPING_INTERVAL_SECONDS: '0', STALE_ARRIVED_AFTER_MINUTES: '90', STALE_IN_PROGRESS_AFTER_MINUTES: '0' });
    expect([env.HOUSEKEEPING_INTERVAL_SECONDS, env.STALE_ARRIVED_AFTER_MINUTES, env.STALE_IN_PROGRESS_AFTER_MINUTES]).toEqual([0, 90, 0]);
    expect(() => loadEnv({ STALE_ARRIVED_AFTER_MINUTES: '-5' })).toThrow(/STALE_ARRIVED_AFTER_MINUTES/);
    expect(() => loadEnv({ HOUSEKEEPING_INTERVAL_SECONDS: '2.5' })).toThrow(/HOUSEKEEPING_INTERVAL_SECONDS/);
  });

  it('treats empty strings as unset', () => {
    expect(loadEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
