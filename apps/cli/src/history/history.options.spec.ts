import { UsageError } from '../cli-args';
import { parseHistoryArgs } from './history.options';

describe('parseHistoryArgs', () => {
  it('takes one accession number or Study Instance UID and its options', () => {
    expect(parseHistoryArgs(['ACC1'])).toEqual({ key: 'ACC1', json: false, user: undefined, help: false });
    expect(parseHistoryArgs(['2.25.1234', '--json', '--user=bob'])).toEqual({ key: '2.25.1234', json: true, user: 'bob', help: false });
  });

  it.each([
    [[], 'expected an accession number or a Study Instance UID'],
    [['A', 'B'], 'expected one accession number or Study Instance UID, got 2'],
    [[' '], 'expected an accession number or a Study Instance UID, got an empty one'],
    [['A', '--show-phi'], 'unknown option --show-phi'],
    [['A', '--json=1'], '--json takes no value'],
    [['A', '--user'], '--user needs a value'],
  ])('refuses %j with one clear line', (args, message) => {
    expect(() => parseHistoryArgs(args)).toThrow(new UsageError(message));
  });

  it('asks for no key with --help', () => {
    expect(parseHistoryArgs(['--help']).help).toBe(true);
  });
});
