import { createAckControlIdGenerator, newAckControlId } from './ack-control-id';

describe('ACK control ids', () => {
  it('are at most 20 characters and unique over many calls', () => {
    const ids = Array.from({ length: 50_000 }, () => newAckControlId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^[0-9A-Z]{1,20}$/.test(id))).toBe(true);
  });

  it('never repeat when the clock stands still or steps back', () => {
    const times = [5000, 5000, 4000, 4000, 6000];
    const next = createAckControlIdGenerator(() => times.shift() ?? 6000, 'AB');
    const ids = Array.from({ length: 5 }, () => next());
    expect(new Set(ids).size).toBe(5);
    expect(ids[0]).toBe('AB0000003UW000');
    expect(ids[1]).toBe('AB0000003UW001');
    expect(ids[2]).toBe('AB0000003UW002'); // stepped back: stays on the last millisecond
  });

  it('borrows the next millisecond when one millisecond runs out of counter values', () => {
    const next = createAckControlIdGenerator(() => 0, 'X');
    const ids = Array.from({ length: 36 ** 3 + 1 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[ids.length - 1]).toBe('X000000001000');
  });
});
