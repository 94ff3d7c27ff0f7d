import type { Vr } from '../dimse/vr';
import { MalformedValueError, Matcher, normaliseDateTime, parseMatcher, parseNumberMatcher } from './mwl-matcher';

describe('parseMatcher', () => {
  const cases: Array<[string, Vr, string, Matcher]> = [
    // universal (PS3.4 C.2.2.2.3)
    ['zero-length', 'LO', '', { kind: 'universal' }],
    ['only spaces', 'SH', '   ', { kind: 'universal' }],
    ['lone *', 'AE', '*', { kind: 'universal' }],
    ['lone * in a date', 'DA', '*', { kind: 'universal' }],
    ['lone * in a UID', 'UI', '*', { kind: 'universal' }],
    ['PN of separators only', 'PN', '^^^', { kind: 'universal' }],
    ['PN of group separators', 'PN', '^=^', { kind: 'universal' }],
    ['list containing *', 'CS', 'CT\\*', { kind: 'universal' }],
    ['bare range dash', 'DA', '-', { kind: 'universal' }],
    // empty value matching
    ['""', 'LO', '""', { kind: 'empty' }],
    ['"" in a date', 'DA', '""', { kind: 'empty' }],
    // single value (C.2.2.2.1)
    ['CS', 'CS', 'CT', { kind: 'single', value: 'CT' }],
    ['padded LO', 'LO', '  P0000500 ', { kind: 'single', value: 'P0000500' }],
    ['LT keeps leading spaces', 'LT', '  note  ', { kind: 'single', value: '  note' }],
    ['PN trailing components dropped', 'PN', 'DOE^JOHN^^^', { kind: 'single', value: 'DOE^JOHN' }],
    ['PN trailing groups dropped', 'PN', 'Yamada^Tarou==', { kind: 'single', value: 'Yamada^Tarou' }],
    ['PN ideographic only', 'PN', '=山田^太郎', { kind: 'single', value: '=山田^太郎' }],
    ['DA', 'DA', '20261123', { kind: 'single', value: '20261123' }],
    ['DA, ACR-NEMA form', 'DA', '2026.11.23', { kind: 'single', value: '20261123' }],
    ['UID with NUL padding', 'UI', '1.2.840.10008.5.1.4.31\0', { kind: 'single', value: '1.2.840.10008.5.1.4.31' }],
    // wild card (C.2.2.2.4)
    ['PN prefix', 'PN', 'SMI*', { kind: 'wildcard', pattern: 'SMI*' }],
    ['AE ?', 'AE', '?T01', { kind: 'wildcard', pattern: '?T01' }],
    ['LO with %/_ kept as data', 'LO', 'P_0%*', { kind: 'wildcard', pattern: 'P_0%*' }],
    ['non-ASCII PN pattern', 'PN', 'Mü?ler*', { kind: 'wildcard', pattern: 'Mü?ler*' }],
    // lists (UI list matching C.2.2.2.2; CS/AE multiple values as OR)
    ['UID list', 'UI', '1.2.3\\1.2.4', { kind: 'list', values: ['1.2.3', '1.2.4'], wildcard: false }],
    ['CS list', 'CS', 'CT\\MR', { kind: 'list', values: ['CT', 'MR'], wildcard: false }],
    ['AE list with wild card', 'AE', 'CT*\\MR01', { kind: 'list', values: ['CT*', 'MR01'], wildcard: true }],
    ['list with an empty member', 'CS', 'CT\\', { kind: 'single', value: 'CT' }],
    // ranges (C.2.2.2.5)
    ['DA range', 'DA', '20261210-20261212', { kind: 'range', from: '20261210', to: '20261212' }],
    ['DA open end', 'DA', '20261210-', { kind: 'range', from: '20261210', to: undefined }],
    ['DA open start', 'DA', '-20261212', { kind: 'range', from: undefined, to: '20261212' }],
    ['TM single is its precision', 'TM', '0930', { kind: 'range', from: '093000', to: '093059.999999' }],
    ['TM range', 'TM', '0800-1200', { kind: 'range', from: '080000', to: '120059.999999' }],
    ['TM hours only', 'TM', '07-19', { kind: 'range', from: '070000', to: '195959.999999' }],
    ['TM with fraction', 'TM', '093000.5-', { kind: 'range', from: '093000.500000', to: undefined }],
    ['TM ACR-NEMA form', 'TM', '09:30-', { kind: 'range', from: '093000', to: undefined }],
    ['DT range', 'DT', '20261123-2026112312', { kind: 'range', from: '20261123000000', to: '20261123125959.999999' }],
    ['DT with offsets', 'DT', '202611230800+0100-202611231200-0500', { kind: 'range', from: '20261123080000', to: '20261123120059.999999' }],
  ];
  it.each(cases)('%s: %s %j', (_name, vr, raw, expected) => {
    expect(parseMatcher(vr, raw)).toEqual(expected);
  });

  const malformed: Array<[string, Vr, string]> = [
    ['DA wrong length', 'DA', '2026112'],
    ['DA ISO dashes', 'DA', '2026-11-23'],
    ['DA month 13', 'DA', '20261323'],
    ['DA wild card', 'DA', '202611*'],
    ['DA list', 'DA', '20261123\\20261124'],
    ['DA two ranges', 'DA', '20261120-20261121-20261122'],
    ['TM hour 25', 'TM', '2500'],
    ['TM letters', 'TM', 'noon'],
    ['UID letters', 'UI', '1.2.abc'],
    ['UID wild card', 'UI', '1.2.*'],
    ['UID too long', 'UI', `1.${'2'.repeat(70)}`],
    ['wild card in a DS', 'DS', '7*'],
  ];
  it.each(malformed)('rejects %s: %s %j', (_name, vr, raw) => {
    expect(() => parseMatcher(vr, raw)).toThrow(MalformedValueError);
  });
});

describe('parseNumberMatcher', () => {
  it.each([
    [[], { kind: 'universal' }],
    [[2], { kind: 'single', value: '2' }],
    [[1, 4], { kind: 'list', values: ['1', '4'], wildcard: false }],
  ])('%j', (values, expected) => {
    expect(parseNumberMatcher(values)).toEqual(expected);
  });
});

describe('normaliseDateTime', () => {
  it.each([
    ['2026', false, '20260101000000'],
    ['2026', true, '20261231235959.999999'],
    ['202611231230', false, '20261123123000'],
    ['20261123123045.25', true, '20261123123045.259999'],
  ])('%s ceil=%s → %s', (value, ceil, expected) => {
    expect(normaliseDateTime(value, ceil)).toBe(expected);
  });
});
