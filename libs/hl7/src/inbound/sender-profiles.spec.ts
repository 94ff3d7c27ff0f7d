import { ALL_LENIENT, DEFAULT_MODALITY_ALIASES, SenderProfile } from './sender-profile';
import { parseSenderProfiles, SenderProfilesError } from './sender-profiles';

const ENV_PROFILE: SenderProfile = {
  name: 'default',
  charset: 'UNICODE UTF-8',
  ackMode: 'original',
  leniency: ALL_LENIENT,
  accessionSources: ['OBR-18', 'IPC-1', 'filler', 'placer'],
  stationAeByModality: { CT: 'CT01' },
  stationAeByLocation: {},
  modalityAliases: DEFAULT_MODALITY_ALIASES,
  processingIds: ['P', 'D', 'T'],
  newOrderWhenExists: 'reject',
};

const json = (doc: unknown) => parseSenderProfiles(JSON.stringify(doc), 'json', ENV_PROFILE);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof SenderProfilesError) return e.message;
    throw e;
  }
  throw new Error('expected a SenderProfilesError');
}

describe('parseSenderProfiles: resolution', () => {
  const table = json({
    default: { leniency: { 'birth-date': 'strict' }, modalityAliases: { CR: 'DX' } },
    senders: [
      { name: 'RIS_ANY', match: { application: 'RIS' }, processingIds: ['P'] },
      { name: 'HOSP_ANY', match: { facility: 'HOSP' }, charset: '8859/1' },
      { name: 'RIS_AT_HOSP', match: { application: 'RIS', facility: 'HOSP' }, newOrderWhenExists: 'update', stationAeByModality: { MR: 'MR01' } },
    ],
  });

  it.each([
    ['RIS', 'HOSP', 'RIS_AT_HOSP'],
    ['RIS', 'CLINIC', 'RIS_ANY'],
    ['LAB', 'HOSP', 'HOSP_ANY'],
    ['LAB', 'CLINIC', 'default'],
    ['ris', 'HOSP', 'HOSP_ANY'], // namespace ids are compared as sent
  ])('%s^%s gets %s', (application, facility, expected) => {
    expect(table.profileFor(application, facility).name).toBe(expected);
  });

  it('an application match outranks a facility match', () => {
    expect(table.profileFor('RIS', 'HOSP_B').name).toBe('RIS_ANY');
  });

  it('with no file entry for a sender, the environment profile with the default section laid over it', () => {
    const fallback = table.profileFor('OTHER', 'OTHER');
    expect(fallback).toEqual({ ...ENV_PROFILE, leniency: { ...ALL_LENIENT, 'birth-date': 'strict' }, modalityAliases: { NMR: 'MR', CR: 'DX' } });
  });

  it('a sender overrides fields of the default: maps merge, scalars and lists replace', () => {
    const p = table.profileFor('RIS', 'HOSP');
    expect(p.newOrderWhenExists).toBe('update');
    expect(p.stationAeByModality).toEqual({ CT: 'CT01', MR: 'MR01' });
    expect(p.leniency['birth-date']).toBe('strict'); // from default
    expect(p.modalityAliases).toEqual({ NMR: 'MR', CR: 'DX' });
    expect(table.profileFor('RIS', 'X').processingIds).toEqual(['P']);
  });

  it('reads YAML the same as JSON', () => {
    const yaml = ['senders:', '  - name: LAB', '    match: { application: LAB }', '    leniency:', '      birth-date: strict', '    accessionSources: [filler, OBR-18]'].join('\n');
    const p = parseSenderProfiles(yaml, 'yaml', ENV_PROFILE).profileFor('LAB', 'X');
    expect(p.leniency['birth-date']).toBe('strict');
    expect(p.accessionSources).toEqual(['filler', 'OBR-18']);
  });

  it('an empty file is the environment profile for everyone', () => {
    expect(parseSenderProfiles('', 'yaml', ENV_PROFILE).profileFor('A', 'B')).toEqual(ENV_PROFILE);
  });
});

describe('parseSenderProfiles: one clear line per bad file', () => {
  const sender = (fields: Record<string, unknown>) => ({ senders: [{ name: 'LAB_RIS', match: { application: 'LAB' }, ...fields }] });

  it.each<[string, unknown, string]>([
    ['a bad leniency mode', sender({ leniency: { 'birth-date': 'loose' } }), 'profile "LAB_RIS" field leniency.birth-date: expected "warn" or "strict"'],
    ['an unknown rule', sender({ leniency: { 'birthdate': 'warn' } }), 'profile "LAB_RIS" field leniency.birthdate: unknown rule: expected one of '],
    ['an unknown field', sender({ charsett: '8859/1' }), 'profile "LAB_RIS" field charsett: unknown field'],
    ['an unknown charset', sender({ charset: 'KLINGON' }), 'profile "LAB_RIS" field charset: expected a character set we can read'],
    ['a bad accession source', sender({ accessionSources: ['OBR-18', 'ORC-3'] }), 'profile "LAB_RIS" field accessionSources.1: expected one of "OBR-18", "IPC-1", "filler", "placer"'],
    ['an AE title too long', sender({ stationAeByLocation: { 'WARD 3': 'A_TITLE_FAR_TOO_LONG' } }), 'profile "LAB_RIS" field stationAeByLocation.WARD 3: expected an AE title: 1 to 16 characters, no backslash'],
    ['a bad URL', sender({ ackMode: 'enhanced', applicationAckUrl: 'http://ris:2576' }), 'profile "LAB_RIS" field applicationAckUrl: expected mllp://host:port'],
    ['enhanced without a URL', sender({ ackMode: 'enhanced' }), 'profile "LAB_RIS" field applicationAckUrl: required when ackMode is "enhanced"'],
    ['a bad new-order choice', sender({ newOrderWhenExists: 'merge' }), 'profile "LAB_RIS" field newOrderWhenExists: expected "reject" or "update"'],
    ['an empty match', { senders: [{ name: 'LAB_RIS', match: {} }] }, 'profile "LAB_RIS" field match: expected an application, a facility or both'],
    ['no match', { senders: [{ name: 'LAB_RIS' }] }, 'profile "LAB_RIS" field match: expected { application, facility }'],
    ['no name', { senders: [{ match: { application: 'LAB' } }] }, 'profile #1 of senders field name: expected the profile name'],
    ['a bad default', { default: { processingIds: ['X'] } }, 'profile "default" field processingIds.0: expected one of "P", "D", "T"'],
    ['an unknown section', { sender: [] }, 'file field sender: unknown field'],
    ['senders not a list', { senders: { name: 'A' } }, 'file field senders: expected a list of sender profiles'],
  ])('%s', (_, doc, expected) => {
    const line = errorOf(() => json(doc));
    expect(line.startsWith(expected)).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('two profiles with one name', () => {
    const doc = { senders: [{ name: 'A', match: { application: 'X' } }, { name: 'A', match: { application: 'Y' } }] };
    expect(errorOf(() => json(doc))).toBe('profile "A" field name: used by another profile');
  });

  it('two profiles with one match', () => {
    const doc = { senders: [{ name: 'A', match: { application: 'X', facility: 'F' } }, { name: 'B', match: { facility: 'F', application: 'X' } }] };
    expect(errorOf(() => json(doc))).toBe('profile "B" field match: same match as profile "A"');
  });

  it('a file that is not JSON or YAML', () => {
    expect(errorOf(() => parseSenderProfiles('{"senders": [', 'json', ENV_PROFILE))).toMatch(/^not valid JSON: /);
    expect(errorOf(() => parseSenderProfiles('senders: [a, b\n  - c: :', 'yaml', ENV_PROFILE))).toMatch(/^not valid YAML: /);
  });
});
