import type { SopClassExtendedNegotiation } from './pdu-associate';
import { SopClass } from './uids';

/**
 * C-FIND query options of the SOP Class Extended Negotiation sub-item (0x56). Its application
 * information is one byte per option, 1 = asked for (RQ) / accepted (AC), 0 = not:
 *
 *   byte 1 (index 0)  relational queries
 *   byte 2 (index 1)  combined date and time matching
 *   byte 3 (index 2)  fuzzy semantic matching of person names
 *   byte 4 (index 3)  timezone query adjustment
 *
 * This is the C-FIND layout of PS3.4 C.5.1.1.2 (Query/Retrieve), which dcm4che uses for every
 * C-FIND SOP class, Modality Worklist included: `org.dcm4che3.net.QueryOption` (RELATIONAL,
 * DATETIME, FUZZY, TIMEZONE; byte index = enum ordinal) builds and reads it, its findscu asks for
 * bytes 1 and 2 on the MWL SOP class whenever any option is given, and dcm4chee-arc's MWLCFindSCP
 * turns DATETIME of the MWL sub-item into combined date-time matching. PS3.4 K.5 (Basic Worklist)
 * gives its field "three or more sub-fields", fuzzy matching and timezone adjustment among them,
 * and has the acceptor answer each offered sub-field with the same value (accept) or
 * 0 (decline), in a field as long as the one offered. DCMTK's wlmscpfs negotiates nothing.
 */
export const QueryOptionByte = { relational: 0, combinedDateTime: 1, fuzzyPersonNames: 2, timezoneAdjustment: 3 } as const;
export type QueryOption = keyof typeof QueryOptionByte;

/** What Radflow accepts, per SOP class: combined date-time matching for the worklist only. */
const SUPPORTED_QUERY_OPTIONS: ReadonlyMap<string, ReadonlySet<QueryOption>> = new Map([[SopClass.ModalityWorklistInformationModelFind, new Set<QueryOption>(['combinedDateTime'])]]);

export interface ExtendedNegotiationAnswer {
  /** Sub-items for the A-ASSOCIATE-AC: one per offered sub-item of a SOP class we accepted. */
  readonly reply: SopClassExtendedNegotiation[];
  /** The options in force on this association, per SOP class. */
  readonly accepted: ReadonlyMap<string, ReadonlySet<QueryOption>>;
}

/**
 * Answers the requestor's sub-items. A SOP class we did not accept, or for which we know no
 * option, gets no sub-item back (PS3.7 D.3.3.5: then nothing was negotiated for it); otherwise
 * the reply echoes each option we support and zeroes the others.
 */
export function answerExtendedNegotiation(offered: readonly SopClassExtendedNegotiation[], acceptedSopClasses: ReadonlySet<string>): ExtendedNegotiationAnswer {
  const reply: SopClassExtendedNegotiation[] = [];
  const accepted = new Map<string, ReadonlySet<QueryOption>>();
  for (const sub of offered) {
    const supported = SUPPORTED_QUERY_OPTIONS.get(sub.sopClassUid);
    if (!supported || !acceptedSopClasses.has(sub.sopClassUid) || accepted.has(sub.sopClassUid)) continue;
    const options = new Set<QueryOption>();
    const info = Buffer.alloc(sub.applicationInfo.length);
    for (const option of supported) {
      const at = QueryOptionByte[option];
      if (sub.applicationInfo[at] !== 1) continue;
      info[at] = 1;
      options.add(option);
    }
    reply.push({ sopClassUid: sub.sopClassUid, applicationInfo: info });
    accepted.set(sub.sopClassUid, options);
  }
  return { reply, accepted };
}

/** The application information a requestor sends to ask for `options` (test SCUs). */
export function queryOptionsInfo(options: readonly QueryOption[], length = 3): Buffer {
  const info = Buffer.alloc(length);
  for (const o of options) info[QueryOptionByte[o]] = 1;
  return info;
}
