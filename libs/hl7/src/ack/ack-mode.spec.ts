import type { AckTypes } from '../msh/msh-validator';
import { AckDecision, AckOutcome, decideAck, outcomeOf } from './ack-mode';
import { Hl7Error, Hl7ErrorCode } from './hl7-error';

function types(msh15?: string, msh16?: string): AckTypes {
  return { acceptAckType: msh15, applicationAckType: msh16, enhancedMode: msh15 !== undefined || msh16 !== undefined };
}

type Row = [msh15: string | undefined, msh16: string | undefined, outcome: AckOutcome, expected: AckDecision];

const original = (code: 'AA' | 'AE' | 'AR'): AckDecision => ({ send: true, code, mode: 'original', applicationAck: 'sent' });
const enhanced = (send: boolean, code: 'CA' | 'CE' | 'CR', app: 'requested-not-sent' | 'not-requested'): AckDecision => ({
  send,
  code,
  mode: 'enhanced',
  applicationAck: app,
});

describe('decideAck, honouring MSH-15 (table 0155 to the letter)', () => {
  const rows: Row[] = [
    [undefined, undefined, 'accepted', original('AA')],
    [undefined, undefined, 'error', original('AE')],
    [undefined, undefined, 'rejected', original('AR')],
    ['AL', 'NE', 'accepted', enhanced(true, 'CA', 'not-requested')],
    ['AL', 'NE', 'error', enhanced(true, 'CE', 'not-requested')],
    ['AL', 'AL', 'rejected', enhanced(true, 'CR', 'requested-not-sent')],
    ['NE', 'AL', 'accepted', enhanced(false, 'CA', 'requested-not-sent')],
    ['NE', 'NE', 'error', enhanced(false, 'CE', 'not-requested')],
    ['ER', 'ER', 'accepted', enhanced(false, 'CA', 'not-requested')],
    ['ER', 'ER', 'error', enhanced(true, 'CE', 'requested-not-sent')],
    ['ER', 'SU', 'rejected', enhanced(true, 'CR', 'not-requested')],
    ['SU', 'SU', 'accepted', enhanced(true, 'CA', 'requested-not-sent')],
    ['SU', 'ER', 'error', enhanced(false, 'CE', 'requested-not-sent')],
    ['SU', 'NE', 'rejected', enhanced(false, 'CR', 'not-requested')],
    // Only one of the two set: still enhanced mode; the empty one counts as AL.
    [undefined, 'NE', 'accepted', enhanced(true, 'CA', 'not-requested')],
    ['NE', undefined, 'accepted', enhanced(false, 'CA', 'requested-not-sent')],
    // Unknown value and lower case: AL and NE as meant.
    ['XX', 'ne', 'error', enhanced(true, 'CE', 'not-requested')],
  ];

  it.each(rows)('MSH-15=%s MSH-16=%s %s', (msh15, msh16, outcome, expected) => {
    expect(decideAck(types(msh15, msh16), outcome, { ackMode: 'enhanced', honourAcceptAckType: true })).toEqual(expected);
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

describe('decideAck, enhanced profile, default policy: an ACK is always sent', () => {
  const rows: Row[] = [
    [undefined, undefined, 'error', original('AE')],
    ['NE', 'NE', 'accepted', enhanced(true, 'CA', 'not-requested')],
    ['NE', 'AL', 'rejected', enhanced(true, 'CR', 'requested-not-sent')],
    ['ER', 'NE', 'accepted', enhanced(true, 'CA', 'not-requested')],
    ['SU', 'NE', 'error', enhanced(true, 'CE', 'not-requested')],
  ];

  it.each(rows)('MSH-15=%s MSH-16=%s %s', (msh15, msh16, outcome, expected) => {
    expect(decideAck(types(msh15, msh16), outcome, { ackMode: 'enhanced' })).toEqual(expected);
  });
});

describe('outcomeOf', () => {
  it('reads the outcome from the error ACK code', () => {
    expect(outcomeOf()).toBe('accepted');
    expect(outcomeOf(new Hl7Error({ ackCode: 'AE', errorCode: Hl7ErrorCode.RequiredFieldMissing, userMessage: 'x' }))).toBe('error');
    expect(outcomeOf(new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.UnsupportedVersionId, userMessage: 'x' }))).toBe('rejected');
  });
});
