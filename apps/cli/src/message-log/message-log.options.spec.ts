import { DEFAULT_LIMIT, parseMessageArgs, parseMessagesArgs, parseSince, parseSender, UsageError } from './message-log.options';

const NOW = new Date('2026-12-04T10:00:00Z');

describe('parseSince', () => {
  it.each([
    ['30m', '2026-12-04T09:30:00.000Z'],
    ['1h', '2026-12-04T09:00:00.000Z'],
    ['2d', '2026-12-02T10:00:00.000Z'],
    ['2026-12-01T08:15:00Z', '2026-12-01T08:15:00.000Z'],
    ['2026-12-01T08:15:00+02:00', '2026-12-01T06:15:00.000Z'],
  ])('reads %s', (value, expected) => {
    expect(parseSince(value, NOW).toISOString()).toBe(expected);
  });

  it('reads a bare date as local midnight', () => {
    expect(parseSince('2026-12-01', NOW).getTime()).toBe(new Date(2026, 11, 1).getTime());
  });

  it.each(['1w', 'h', '-1h', '1.5h', 'yesterday', '2026-13-01', '2026-12-01T25:00:00Z', ''])('refuses %j', (value) => {
    expect(() => parseSince(value, NOW)).toThrow(UsageError);
  });
});

describe('parseSender', () => {
  it('splits APP^FAC, and takes APP alone as any facility', () => {
    expect(parseSender('RIS^HOSP_A')).toEqual({ sendingApplication: 'RIS', sendingFacility: 'HOSP_A' });
    expect(parseSender('RIS')).toEqual({ sendingApplication: 'RIS' });
    expect(parseSender('RIS^')).toEqual({ sendingApplication: 'RIS' });
  });

  it.each(['^HOSP', 'A^B^C', ''])('refuses %j', (value) => {
    expect(() => parseSender(value)).toThrow(UsageError);
  });
});

describe('parseMessagesArgs', () => {
  it('defaults to the newest 50, no PHI, human output', () => {
    expect(parseMessagesArgs([], NOW)).toEqual({ filter: { limit: DEFAULT_LIMIT }, showPhi: false, json: false, user: undefined, help: false });
  });

  it('reads every option, in both --name value and --name=value forms', () => {
    const o = parseMessagesArgs(['--since', '1h', '--sender=RIS^HOSP_A', '--outcome', 'warning', '--control-id', 'MSG1', '--limit=5', '--show-phi', '--json', '--user', 'alice'], NOW);
    expect(o).toEqual({
      filter: { since: new Date('2026-12-04T09:00:00Z'), sendingApplication: 'RIS', sendingFacility: 'HOSP_A', outcome: 'warning', controlId: 'MSG1', limit: 5 },
      showPhi: true, json: true, user: 'alice', help: false,
    });
  });

  it.each([
    [['--outcome', 'failed'], '--outcome: expected applied, warning, refused, got "failed"'],
    [['--limit', '0'], '--limit: expected a whole number from 1 to 1000, got "0"'],
    [['--limit', '5000'], '--limit: expected a whole number from 1 to 1000, got "5000"'],
    [['--limit', 'ten'], '--limit: expected a whole number from 1 to 1000, got "ten"'],
    [['--since'], '--since needs a value'],
    [['--since', '--json'], '--since needs a value'],
    [['--since', '1y'], '--since: expected 30m, 1h, 2d or an ISO timestamp, got "1y"'],
    [['--verbose'], 'unknown option --verbose'],
    [['--json=yes'], '--json takes no value'],
    [['--limit', '1', '--limit', '2'], '--limit given twice'],
    [['extra'], 'unexpected argument "extra"'],
    [['--user', ' '], '--user: expected a user name'],
  ])('refuses %j with one clear line', (args, message) => {
    expect(() => parseMessagesArgs(args, NOW)).toThrow(new UsageError(message));
  });
});

describe('parseMessageArgs', () => {
  it('takes one id and its options', () => {
    expect(parseMessageArgs(['0193a4b2-0000-7000-8000-000000000001', '--hex', '--user=bob'])).toEqual({
      id: '0193a4b2-0000-7000-8000-000000000001', json: false, hex: true, user: 'bob', help: false,
    });
  });

  it.each([
    [[], 'expected a message id'],
    [['a', 'b'], 'expected one message id, got 2'],
    [['a', '--show-phi'], 'unknown option --show-phi'],
  ])('refuses %j', (args, message) => {
    expect(() => parseMessageArgs(args)).toThrow(new UsageError(message));
  });

  it('asks for no id with --help', () => {
    expect(parseMessageArgs(['--help']).help).toBe(true);
  });
});
