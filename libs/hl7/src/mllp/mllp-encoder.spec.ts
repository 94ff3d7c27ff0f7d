import { frame } from './mllp-encoder';

describe('frame', () => {
  it('wraps the payload in 0x0B … 0x1C 0x0D', () => {
    expect(frame(Buffer.from('MSH|^~\\&|X\r'))).toEqual(Buffer.from('\x0bMSH|^~\\&|X\r\x1c\x0d', 'latin1'));
  });

  it('frames an empty payload', () => {
    expect(frame(Buffer.alloc(0))).toEqual(Buffer.from([0x0b, 0x1c, 0x0d]));
  });

  it('keeps non-ASCII bytes as they are', () => {
    const latin1 = Buffer.from('PID|||1||MÜLLER\r', 'latin1');
    expect(frame(latin1).subarray(1, -2)).toEqual(latin1);
  });

  it.each([0x0b, 0x1c])('refuses a payload containing 0x%s', (byte) => {
    expect(() => frame(Buffer.from([0x41, byte, 0x42]))).toThrow(RangeError);
  });
});
