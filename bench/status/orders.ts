/** What an MPPS needs to name the step it performs: the identifiers the order carried. */
export interface PlacedOrder {
  accession: string;
  requestedProcedureId: string;
  spsId: string;
  studyInstanceUid: string;
  placer: string;
  filler: string;
}

export type OrderStatusCode = 'IP' | 'CM';

/**
 * Synthetic OMI^O23 NW orders (IHE SWF.b: TQ1 + IPC), one requested procedure with one step each,
 * identities unique per `tag` (one tag per bench run part) so runs never collide with each other.
 */
export function orderSet(tag: string, count: number): { messages: Buffer[]; orders: PlacedOrder[] } {
  const orders = Array.from({ length: count }, (_, k) => placedOrder(tag, k + 1));
  return { orders, messages: orders.map((o, k) => Buffer.from(orderMessage(o, 'NW', `${tag}N${k + 1}`), 'utf8')) };
}

export function placedOrder(tag: string, i: number): PlacedOrder {
  const id = `${tag}${String(i).padStart(6, '0')}`;
  return {
    accession: `A${id}`,
    requestedProcedureId: `RP${id}`,
    spsId: `SPS${id}`,
    // 2.25 + a decimal number: tag letters as their char codes keep the UID numeric and unique
    studyInstanceUid: `2.25.${[...tag].map((c) => c.charCodeAt(0)).join('')}${String(i).padStart(7, '0')}`,
    placer: `PL${id}`,
    filler: `FL${id}`,
  };
}

/**
 * The order as HL7: NW places it; SC with ORC-5 IP or CM is the RIS telling us another system
 * started or finished the exam (hl7-orders-to-mwl.md, order control table). The same segments
 * either way, so an SC names exactly the step the NW created.
 */
export function orderMessage(o: PlacedOrder, control: 'NW' | 'SC', controlId: string, status: OrderStatusCode | 'SC' = 'SC'): string {
  const n = Number(o.accession.replace(/\D/g, '')) || 0;
  const modality = 'CT';
  return [
    `MSH|^~\\&|RIS|HOSP_A|RADFLOW|HOSP_A|20261204120000||OMI^O23^OMI_O23|${controlId}|P|2.5.1|||||||UNICODE UTF-8`,
    `PID|1||P${o.accession.slice(1)}^^^HOSP_A^MR||STATUS^BENCH${n % 100}||19700101|${n % 2 ? 'F' : 'M'}`,
    'PV1|1|O|||||||REFERRER^PAT',
    `ORC|${control}|${o.placer}^RIS|${o.filler}^RADFLOW||${status}||||20261204120000`,
    `TQ1|1||||||20261204093000||R`,
    `OBR|1|${o.placer}^RIS|${o.filler}^RADFLOW|PROC1^${modality} EXAM^LOCAL`,
    `IPC|${o.accession}|${o.requestedProcedureId}|${o.studyInstanceUid}|${o.spsId}|${modality}||||${modality}01`,
    '',
  ].join('\r');
}

/** SC status messages for pre-placed orders: IP then CM for each, control ids unique per `tag`. */
export function statusMessages(tag: string, orders: readonly PlacedOrder[], status: OrderStatusCode): Buffer[] {
  return orders.map((o, k) => Buffer.from(orderMessage(o, 'SC', `${tag}${status}${k + 1}`, status), 'utf8'));
}
