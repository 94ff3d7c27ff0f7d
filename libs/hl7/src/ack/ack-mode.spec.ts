import type { AckTypes } from '../msh/msh-validator';
import { AckDecision, AckOutcome, decideAck, outcomeOf } from './ack-mode';
import { Hl7Error, Hl7ErrorCode } from './hl7-error';

function types(msh15?: string, msh16?: string): AckTypes {
  return { acceptAckType: msh15, applicationAckType: msh16, enhancedMode: msh15 !== undefined || msh16 !== undefined };
}

const original = (code: 'AA' | 'AE' | 'AR'): AckDecision => ({ send: true, code, mode: 'original', applicationAck: 'sent' });

describe('decideAck, enhanced profile honouring MSH-15 (table 0155 to the letter)', () => {
  // The commit ACK is CA for a stored message (even one found bad) and CR for a refused one; MSH-15 decides whether it goes out.
  it.each<[string, string, AckOutcome, boolean, 'CA' | 'CR']>([
    ['AL', 'NE', 'error', true, 'CA'],
    ['NE', 'AL', 'accepted', false, 'CA'],
    ['ER', 'NE', 'accepted', false, 'CA'],
    ['ER', 'NE', 'rejected', true, 'CR'],
    ['SU', 'NE', 'accepted', true, 'CA'],
    ['SU', 'NE', 'rejected', false, 'CR'],
  ])('MSH-15=%s MSH-16=%s %s: sent %s, %s', (msh15, msh16, outcome, send, code) => {
    expect(decideAck(types(msh15, msh16), outcome, { ackMode: 'enhanced', honourAcceptAckType: true })).toMatchObject({ send, code, mode: 'enhanced' });
  });
});

describe('decideAck, original mode (the default profile): AA/AE/AR whatever MSH-15/16 say', () => {
  it.each<[string | undefined, string | undefined, AckOutcome, 'AA' | 'AE' | 'AR']>([
    [undefined, undefined, 'accepted', 'AA'],
    ['AL', 'NE', 'accepted', 'AA'],
    ['AL', 'NE', 'error', 'AE'],
    ['NE', 'NE', 'rejected', 'AR'],
    ['ER', 'AL', 'error', 'AE'],
  ])('MSH-15=%s MSH-16=%s %s → %s', (msh15, msh16, outcome, code) => {
    expect(decideAck(types(msh15, msh16), outcome)).toEqual(original(code));
    expect(decideAck(types(msh15, msh16), outcome, { ackMode: 'original', honourAcceptAckType: true })).toEqual(original(code));
  });
});

describe('outcomeOf', () => {
  it('reads the outcome from the error ACK code', () => {
    expect(outcomeOf()).toBe('accepted');
    expect(outcomeOf(new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.RequiredFieldMissing, userMessage: 'x' }))).toBe('error');
    expect(outcomeOf(new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.UnsupportedVersionId, userMessage: 'x' }))).toBe('rejected');
  });
});

describe('decideAck, with the sender profile ackMode', () => {
  it.each([
    ['AL', 'NE', 'accepted'],
    ['AL', 'AL', 'error'],
    [undefined, undefined, 'rejected'],
  ] as const)('original: MSH-15 %s / MSH-16 %s, %s → the application ACK on the connection', (msh15, msh16, outcome) => {
    expect(decideAck(types(msh15, msh16), outcome, { ackMode: 'original' })).toEqual(original(({ accepted: 'AA', error: 'AE', rejected: 'AR' } as const)[outcome]));
  });

  it.each<[string | undefined, string | undefined, AckOutcome, Partial<AckDecision>]>([
    ['AL', 'AL', 'accepted', { code: 'CA', applicationAck: 'to-send', applicationCode: 'AA' }],
    // stored though found bad: committed, and the AE goes in the application ACK
    ['AL', 'AL', 'error', { code: 'CA', applicationAck: 'to-send', applicationCode: 'AE' }],
    ['AL', 'ER', 'error', { code: 'CA', applicationAck: 'to-send', applicationCode: 'AE' }],
    ['AL', 'ER', 'accepted', { code: 'CA', applicationAck: 'not-requested' }],
    ['AL', 'SU', 'accepted', { code: 'CA', applicationAck: 'to-send', applicationCode: 'AA' }],
    ['AL', 'SU', 'error', { code: 'CA', applicationAck: 'not-requested' }],
    ['AL', 'NE', 'accepted', { code: 'CA', applicationAck: 'not-requested' }],
    // a refused commit is the whole answer
    ['AL', 'AL', 'rejected', { code: 'CR', applicationAck: 'not-requested' }],
  ])('enhanced: MSH-15 %s / MSH-16 %s, %s', (msh15, msh16, outcome, expected) => {
    const decision = decideAck(types(msh15, msh16), outcome, { ackMode: 'enhanced' });
    expect(decision).toMatchObject({ send: true, mode: 'enhanced', ...expected });
    if (expected.applicationAck !== 'to-send') expect(decision.applicationCode).toBeUndefined();
  });

  it('enhanced profile, original-mode message (MSH-15/16 empty): the application ACK on the connection', () => {
    expect(decideAck(types(undefined, undefined), 'error', { ackMode: 'enhanced' })).toEqual(original('AE'));
  });
});
