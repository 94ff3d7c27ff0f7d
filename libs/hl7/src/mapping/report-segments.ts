import { Hl7Message } from '../parser/hl7-message';
import { Hl7Segment } from '../parser/hl7-segment';

/** One OBR of a result message (ORU^R01 ORDER_OBSERVATION) with the ORC before it and its OBX, ZDS. */
export interface ObservationGroup {
  orc?: Hl7Segment;
  obr: Hl7Segment;
  obxs: Hl7Segment[];
  zds?: Hl7Segment;
}

/**
 * Splits a result message into its OBR groups: `[ORC] OBR {NTE} {OBX {NTE}}` (HL7 v2.5.1 §7.3.1).
 * An ORC belongs to the OBR after it; OBX and ZDS to the OBR before them. Segments before the
 * first OBR (PID, PV1 …) are the patient's.
 */
export function splitObservationGroups(msg: Hl7Message): ObservationGroup[] {
  const groups: ObservationGroup[] = [];
  let orc: Hl7Segment | undefined;
  let group: ObservationGroup | undefined;
  for (const seg of msg.segments) {
    if (seg.name === 'ORC') orc = seg;
    else if (seg.name === 'OBR') {
      group = { orc, obr: seg, obxs: [] };
      orc = undefined;
      groups.push(group);
    } else if (seg.name === 'OBX' && group) group.obxs.push(seg);
    else if (seg.name === 'ZDS' && group && !group.zds) group.zds = seg;
  }
  return groups;
}
