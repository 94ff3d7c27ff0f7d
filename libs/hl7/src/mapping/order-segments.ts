import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';

/** An OBR with what belongs to it: its ZDS (IHE Study Instance UID) and the NTEs right after it. */
export interface ObrSlice {
  obr: Hl7Segment;
  zds?: Hl7Segment;
  notes: Hl7Segment[];
}

/** One ORC and the segments up to the next ORC (hl7-orders-to-mwl.md §5: "apply the action per ORC group"). */
export interface OrcSegmentGroup {
  orc: Hl7Segment;
  /** The first TQ1 (v2.5+); it carries the timing of the whole group. */
  tq1?: Hl7Segment;
  obrs: ObrSlice[];
  ipcs: Hl7Segment[];
}

/**
 * Splits an order message into ORC groups. Segments before the first ORC (PID, PV1, AL1 …) belong
 * to the patient, not to a group. NTEs count as order comments only directly after the OBR; after
 * an OBX they annotate the observation.
 */
export function splitOrcGroups(msg: Hl7Message): OrcSegmentGroup[] {
  const groups: OrcSegmentGroup[] = [];
  let group: OrcSegmentGroup | undefined;
  let slice: ObrSlice | undefined;
  let previous = '';
  for (const seg of msg.segments) {
    if (seg.name === 'ORC') {
      group = { orc: seg, obrs: [], ipcs: [] };
      slice = undefined;
      groups.push(group);
    } else if (group) {
      if (seg.name === 'TQ1' && !group.tq1) group.tq1 = seg;
      else if (seg.name === 'OBR') {
        slice = { obr: seg, notes: [] };
        group.obrs.push(slice);
      } else if (seg.name === 'ZDS' && slice && !slice.zds) slice.zds = seg;
      else if (seg.name === 'NTE' && slice && (previous === 'OBR' || previous === 'NTE')) slice.notes.push(seg);
      else if (seg.name === 'IPC') group.ipcs.push(seg);
    }
    previous = seg.name;
  }
  return groups;
}
