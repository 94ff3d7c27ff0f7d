import { Hl7Message } from './hl7-message';

/** What made a well-formed message one we refuse to read further (hl7-inbound.md §9). */
export const Hl7InputProblem = {
  TooManySegments: 'too-many-segments',
  TooManyRepetitions: 'too-many-repetitions',
  FieldTooLong: 'field-too-long',
  /** U+0000, sent as such or as a `\X00\` escape: no text column or DICOM string can hold it. */
  NulCharacter: 'nul-character',
} as const;
export type Hl7InputProblem = (typeof Hl7InputProblem)[keyof typeof Hl7InputProblem];

export interface Hl7InputLocation {
  segment: string;
  sequence: number;
  field?: number;
}

/**
 * A message that parses but is over a cap or holds content we cannot store. Unlike Hl7ParseError
 * the sender can fix it, so it is answered AE; `header` (the MSH alone) is what the ACK echoes.
 */
export class Hl7InputError extends Error {
  constructor(
    readonly problem: Hl7InputProblem,
    readonly location: Hl7InputLocation,
    readonly header: Hl7Message,
  ) {
    const at = [location.segment, location.sequence, location.field].filter((p) => p !== undefined).join('^');
    super(`${problem} at ${at}`);
    this.name = 'Hl7InputError';
  }
}
