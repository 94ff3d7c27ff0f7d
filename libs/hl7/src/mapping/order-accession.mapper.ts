import { IssuerRef } from '@radflow/domain';
import { Hl7ErrorLocation } from '../ack/hl7-error';
import type { AccessionSource } from '../inbound/sender-profile';
import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';
import { checkShortString } from './dicom-values.validator';
import { toEntityIdentifier } from './hl7-types.mapper';
import { MappingWarnings } from './leniency';
import { locate } from './mapping.errors';

export interface AccessionRead {
  accessionNumber?: string;
  accessionIssuer?: IssuerRef;
  /** Where it was read, or where the first source would have it when none is valued. */
  accessionLocation: Hl7ErrorLocation;
}

/** Where a source lives: OBR-18 is ST (the number alone); the others are EI and may name an issuer. */
interface SourceField {
  segment: 'ORC' | 'OBR' | 'IPC';
  field: number;
  type: 'ST' | 'EI';
}

/** Each source's fields, in the order they are tried: ORC's numbers first, OBR's repeat them. */
const SOURCE_FIELDS: Readonly<Record<AccessionSource, readonly SourceField[]>> = {
  'OBR-18': [{ segment: 'OBR', field: 18, type: 'ST' }],
  'IPC-1': [{ segment: 'IPC', field: 1, type: 'EI' }],
  filler: [{ segment: 'ORC', field: 3, type: 'EI' }, { segment: 'OBR', field: 3, type: 'EI' }],
  placer: [{ segment: 'ORC', field: 2, type: 'EI' }, { segment: 'OBR', field: 2, type: 'EI' }],
};

/** Today's reading when the profile names no sources: OBR-18 for ORM, IPC-1 for OMI (IHE SWF / SWF.b). */
export const STYLE_ACCESSION_SOURCE: Readonly<Record<'ORM' | 'OMI', AccessionSource>> = { ORM: 'OBR-18', OMI: 'IPC-1' };

/**
 * The accession number of one row, from the first of `sources` that is valued. `filler` is ORC-3,
 * else OBR-3; `placer` is ORC-2, else OBR-2 (as the group header reads them). A source the message
 * style has no segment for (IPC-1 in ORM, ORC in a result message without one) is skipped.
 */
export function readAccession(msg: Hl7Message, group: { orc?: Hl7Segment }, row: { obr?: Hl7Segment; ipc?: Hl7Segment }, sources: readonly AccessionSource[], warnings?: MappingWarnings): AccessionRead {
  const segments: Record<SourceField['segment'], Hl7Segment | undefined> = { ORC: group.orc, OBR: row.obr, IPC: row.ipc };
  let firstLocation: Hl7ErrorLocation | undefined;
  for (const where of sources.flatMap((source) => SOURCE_FIELDS[source])) {
    const seg = segments[where.segment];
    if (!seg) continue;
    const location = locate(msg, seg, where.field);
    firstLocation ??= location;
    const ei = where.type === 'ST' ? stAsEntity(seg.text(where.field)) : toEntityIdentifier(seg, where.field);
    if (!ei) continue;
    const read: AccessionRead = { accessionNumber: checkShortString(ei.id, `accession number (${where.segment}-${where.field})`, location, warnings), accessionLocation: location };
    if (ei.issuer) read.accessionIssuer = ei.issuer;
    return read;
  }
  return { accessionLocation: firstLocation ?? { segment: row.ipc ? 'IPC' : 'OBR' } };
}

function stAsEntity(value: string | undefined): { id: string; issuer?: IssuerRef } | undefined {
  return value === undefined ? undefined : { id: value };
}
