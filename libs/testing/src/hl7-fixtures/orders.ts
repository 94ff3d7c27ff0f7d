import { defined, hl7Message, hl7Segment, Hl7Fields, MessageHeaderFixture, mshSegment, patientSegments, PatientFixture } from './segments';

/**
 * Synthetic order messages (hl7-orders-to-mwl.md §1): ORM^O01 v2.3.1 with the IHE ZDS segment, and
 * OMI^O23 v2.5.1 with TQ1 and IPC. Options cascade: a value at the top applies to every order in
 * `orders` (and, for OMI, to every IPC in `ipcs`) unless the order or IPC sets its own.
 */

/** ORC/OBR fields common to both message types. */
export interface OrderFixture {
  /** ORC-1, default NW */
  orderControl?: string;
  /** ORC-5, default SC */
  orderStatus?: string;
  /** ORC-2 / OBR-2 EI, default PL000001^RIS */
  placerOrderNumber?: string;
  /** ORC-3 / OBR-3 EI, default FL000001^RADFLOW */
  fillerOrderNumber?: string;
  /** Scheduled start (DTM); goes to TQ1-7 (OMI) or ORC-7.4 (ORM). Default 20261124093000 */
  start?: string;
  /** HL7 table 0027 priority; TQ1-9 (OMI) or ORC-7.6 (ORM). Default R */
  priority?: string;
  /** Raw ORC-7 (TQ); replaces the one built from start/priority in ORM. '' leaves it empty. */
  orcTiming?: string;
  /** Raw OBR-27 (TQ), empty by default */
  obrTiming?: string;
  /** OBR-4 universal service ID (CE; ORM adds the protocol as components 4-6) */
  procedure?: string;
  /** OBR-44 procedure code (CE) */
  procedureCode?: string;
  /** OBR-16 ordering provider (XCN), default D2002^ORDERING^KIM^^^DR */
  orderingProvider?: string;
  /** NTE-3 of NTE segments after the OBR */
  notes?: string[];
  orcFields?: Hl7Fields;
  obrFields?: Hl7Fields;
}

export interface OrmOrderFixture extends OrderFixture {
  /** OBR-18, default ACC000001 */
  accession?: string;
  /** OBR-19, default RP000001 */
  requestedProcedureId?: string;
  /** OBR-20, default SPS000001 */
  spsId?: string;
  /** OBR-24, default CT */
  modality?: string;
  /** ZDS-1.1; '' leaves ZDS out. Default 2.25.100000000000000000000000000000001 */
  studyInstanceUid?: string;
}

export interface OrmO01Fixture extends MessageHeaderFixture, PatientFixture, OrmOrderFixture {
  /** One ORC+OBR+ZDS per entry; default one built from the top-level options */
  orders?: OrmOrderFixture[];
  /** Appended after the last order */
  extraSegments?: string[];
}

export interface IpcFixture {
  /** IPC-1 EI, default ACC000001 */
  accession?: string;
  /** IPC-2, default RP000001 */
  requestedProcedureId?: string;
  /** IPC-3, default 2.25.100000000000000000000000000000001 */
  studyInstanceUid?: string;
  /** IPC-4, default SPS000001 */
  spsId?: string;
  /** IPC-5, default CT */
  modality?: string;
  /** IPC-6 (CE, `~` between repetitions), default P-CTH^CT head routine^LOCAL */
  protocolCodes?: string;
  /** IPC-7 */
  stationName?: string;
  /** IPC-8 */
  location?: string;
  /** IPC-9 (`~` between repetitions), default CT01 */
  stationAe?: string;
  ipcFields?: Hl7Fields;
}

export interface OmiOrderFixture extends OrderFixture, IpcFixture {
  /** Any TQ1 field, by position (TQ1-7 start and TQ1-9 priority come from start/priority) */
  tq1Fields?: Hl7Fields;
  /** One IPC per entry; default one built from the order's options */
  ipcs?: IpcFixture[];
}

export interface OmiO23Fixture extends MessageHeaderFixture, PatientFixture, OmiOrderFixture {
  /** One ORC+TQ1+OBR+IPC… group per entry */
  orders?: OmiOrderFixture[];
  extraSegments?: string[];
}

const DEFAULT_UID = '2.25.100000000000000000000000000000001';

const ORDER_DEFAULTS = {
  orderControl: 'NW',
  orderStatus: 'SC',
  placerOrderNumber: 'PL000001^RIS',
  fillerOrderNumber: 'FL000001^RADFLOW',
  start: '20261124093000',
  priority: 'R',
  orderingProvider: 'D2002^ORDERING^KIM^^^DR',
  accession: 'ACC000001',
  requestedProcedureId: 'RP000001',
  spsId: 'SPS000001',
  modality: 'CT',
  studyInstanceUid: DEFAULT_UID,
};

/** ORM^O01 v2.3.1 (IHE SWF RAD-4/RAD-13): MSH PID PV1 [AL1] { ORC OBR [NTE] [ZDS] }. */
export function ormO01(o: OrmO01Fixture = {}): string {
  const orders = (o.orders ?? [{}]).map((order) => ({
    ...ORDER_DEFAULTS,
    procedure: 'CTHEAD^CT head^LOCAL^P-CTH^CT head routine^LOCAL',
    ...defined(o),
    ...defined(order),
  }));
  return hl7Message([
    mshSegment('ORM^O01', '2.3.1', o),
    ...patientSegments(o),
    ...orders.flatMap((order, i) => {
      const timing = order.orcTiming ?? (order.start || order.priority ? `^^^${order.start}^^${order.priority}` : undefined);
      return [
        orcSegment(order, timing),
        hl7Segment('OBR', {
          1: String(i + 1),
          2: order.placerOrderNumber,
          3: order.fillerOrderNumber,
          4: order.procedure,
          16: order.orderingProvider,
          18: order.accession,
          19: order.requestedProcedureId,
          20: order.spsId,
          24: order.modality,
          27: order.obrTiming,
          44: order.procedureCode,
          ...order.obrFields,
        }),
        ...notes(order.notes),
        order.studyInstanceUid ? `ZDS|${order.studyInstanceUid}^100^Application^DICOM` : undefined,
      ];
    }),
    ...(o.extraSegments ?? []),
  ]);
}

/** OMI^O23 v2.5.1 (IHE SWF.b): MSH PID PV1 [AL1] { ORC [TQ1] OBR [NTE] {IPC} }. TQ1 is left out when start and priority are both '' and no tq1Fields are given. */
export function omiO23(o: OmiO23Fixture = {}): string {
  const orders = (o.orders ?? [{}]).map((order) => ({
    ...ORDER_DEFAULTS,
    procedure: 'CTHEAD^CT head^LOCAL',
    protocolCodes: 'P-CTH^CT head routine^LOCAL',
    stationAe: 'CT01',
    ...defined(o),
    ...defined(order),
  }));
  return hl7Message([
    mshSegment('OMI^O23^OMI_O23', '2.5.1', o),
    ...patientSegments(o),
    ...orders.flatMap((order) => {
      const ipcs = (order.ipcs ?? [{}]).map((ipc) => ({ ...order, ...defined(ipc) }));
      return [
        orcSegment(order, order.orcTiming),
        order.start || order.priority || order.tq1Fields
          ? hl7Segment('TQ1', { 1: '1', 7: order.start, 9: order.priority, ...order.tq1Fields })
          : undefined,
        hl7Segment('OBR', {
          1: '1',
          2: order.placerOrderNumber,
          3: order.fillerOrderNumber,
          4: order.procedure,
          16: order.orderingProvider,
          27: order.obrTiming,
          44: order.procedureCode,
          ...order.obrFields,
        }),
        ...notes(order.notes),
        ...ipcs.map((ipc) =>
          hl7Segment('IPC', {
            1: ipc.accession,
            2: ipc.requestedProcedureId,
            3: ipc.studyInstanceUid,
            4: ipc.spsId,
            5: ipc.modality,
            6: ipc.protocolCodes,
            7: ipc.stationName,
            8: ipc.location,
            9: ipc.stationAe,
            ...ipc.ipcFields,
          }),
        ),
      ];
    }),
    ...(o.extraSegments ?? []),
  ]);
}

function orcSegment(order: OrderFixture, timing: string | undefined): string {
  return hl7Segment('ORC', {
    1: order.orderControl,
    2: order.placerOrderNumber,
    3: order.fillerOrderNumber,
    5: order.orderStatus,
    7: timing,
    9: '20261123101500',
    ...order.orcFields,
  });
}

function notes(lines: string[] | undefined): string[] {
  return (lines ?? []).map((text, i) => hl7Segment('NTE', { 1: String(i + 1), 3: text }));
}
