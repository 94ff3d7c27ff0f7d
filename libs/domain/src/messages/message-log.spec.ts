import { ACCEPTING_ACK_CODES, messageOutcome, REFUSING_ACK_CODES } from './message-log';

describe('messageOutcome', () => {
  it.each([
    ['AA', 0, 'applied'], ['CA', 0, 'applied'],
    ['AA', 2, 'warning'], ['CA', 1, 'warning'],
    ['AE', 0, 'refused'], ['AR', 0, 'refused'], ['CE', 0, 'refused'], ['CR', 0, 'refused'],
    ['AE', 1, 'refused'], ['??', 0, 'refused'],
  ] as const)('%s with %d warnings is %s', (code, warnings, outcome) => {
    expect(messageOutcome(code, warnings)).toBe(outcome);
  });

  it('sorts every ACK code into accepting or refusing', () => {
    expect([...ACCEPTING_ACK_CODES].sort()).toEqual(['AA', 'CA']);
    expect([...REFUSING_ACK_CODES].sort()).toEqual(['AE', 'AR', 'CE', 'CR']);
  });
});
