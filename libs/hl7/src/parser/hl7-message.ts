import { Delimiters } from './delimiters';
import { Hl7Segment } from './hl7-segment';

/** A parsed message: its segments in order, with the delimiters it declared. */
export class Hl7Message {
  constructor(
    readonly segments: readonly Hl7Segment[],
    readonly delimiters: Delimiters,
  ) {}

  get msh(): Hl7Segment {
    return this.segments[0];
  }

  /** The first segment with this name, if any. */
  segment(name: string): Hl7Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  all(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** 1-based sequence number of a segment among segments of the same name (for ERR locations). */
  sequenceOf(segment: Hl7Segment): number {
    return segment.sequence;
  }

  /** MSH-9.1 ^ MSH-9.2, e.g. ORM^O01. */
  get type(): string {
    return `${this.msh.text(9, 1) ?? ''}^${this.msh.text(9, 2) ?? ''}`;
  }

  get controlId(): string | undefined {
    return this.msh.text(10);
  }
}
