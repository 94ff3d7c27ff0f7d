import { omiO23, ormO01 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { toPlaceOrdersCommand } from './order-message.mapper';

const UID1 = '2.25.100000000000000000000000000000001';
const UID2 = '2.25.200000000000000000000000000000002';

describe('ORM^O01 v2.3.1 → PlaceOrdersCommand', () => {
  it('maps one ORC+OBR+ZDS to one group, one procedure, one step', () => {
    const text = ormO01({
      controlId: 'C100',
      procedureCode: 'RPCT1^CT head w/o contrast^LOCAL',
      orcFields: { 10: 'E1^ENTRY^PAT', 12: 'D3^PROVIDER^OTHER', 14: '(555)555-0100', 17: 'RAD^Radiology Dept' },
      obrFields: { 12: 'INF^Infectious', 13: 'Allergic to latex', 30: 'WHLC', 31: 'R51^Headache^I10', 34: 'T77&TECH&ROBIN' },
      notes: ['Patient is claustrophobic'],
      allergies: ['PEN^Penicillin'],
    });
    const cmd = toPlaceOrdersCommand(parseHl7(text), { stationAeByModality: { CT: 'CT01' } });
    expect(cmd.sendingApplication).toBe('RIS');
    expect(cmd.messageTime).toEqual({ date: '20261123', time: '101500' });
    expect(cmd.patient.identifier).toEqual({ id: 'SYN000001', issuer: 'HOSP_A', typeCode: 'MR' });
    expect(cmd.visit).toMatchObject({ referringPhysician: 'REFERRAL^SAM^^DR', allergies: 'Penicillin' });
    expect(cmd.groups).toEqual([
      {
        event: 'order.placed',
        accessionNumber: 'ACC000001',
        placerOrderNumber: 'PL000001',
        placerIssuer: { namespaceId: 'RIS' },
        fillerOrderNumber: 'FL000001',
        fillerIssuer: { namespaceId: 'RADFLOW' },
        priority: 'ROUTINE',
        requestingPhysician: 'ORDERING^KIM^^DR',
        requestingService: 'Radiology Dept',
        reasonForProcedure: 'Headache',
        reasonCode: { value: 'R51', meaning: 'Headache', scheme: 'I10' },
        orderEnteredBy: 'ENTRY^PAT',
        callbackPhone: '(555)555-0100',
        institutionName: 'Radiology Dept',
        medicalAlerts: 'Allergic to latex',
        patientState: 'Infectious',
        confidentialityCode: undefined,
        comments: 'Patient is claustrophobic',
        origin: { segment: 'ORC', sequence: 1 },
        procedures: [
          {
            requestedProcedureId: 'RP000001',
            studyInstanceUid: UID1,
            description: 'CT head w/o contrast',
            code: { value: 'RPCT1', meaning: 'CT head w/o contrast', scheme: 'LOCAL' },
            priority: 'ROUTINE',
            transportArrangements: 'WHLC',
            comments: 'Patient is claustrophobic',
            origin: { segment: 'OBR', sequence: 1 },
            steps: [
              {
                spsId: 'SPS000001',
                modality: 'CT',
                stationAeTitles: ['CT01'],
                startDate: '20261124',
                startTime: '093000',
                endDate: undefined,
                endTime: undefined,
                description: 'CT head routine',
                protocolCodes: [{ value: 'P-CTH', meaning: 'CT head routine', scheme: 'LOCAL' }],
                performingPhysician: 'TECH^ROBIN',
                origin: { segment: 'OBR', sequence: 1 },
              },
            ],
          },
        ],
      },
    ]);
  });

  it('falls back: OBR-4 for descriptions and the procedure code, ORC-12 for the requester, MSH-4 for the institution', () => {
    const text = ormO01({ procedure: 'CTH^CT head^LOCAL', orderingProvider: '', orcFields: { 12: 'D3^PROVIDER^OTHER' } });
    const [group] = toPlaceOrdersCommand(parseHl7(text)).groups;
    expect(group).toMatchObject({ requestingPhysician: 'PROVIDER^OTHER', institutionName: 'HOSP_A' });
    expect(group.procedures[0]).toMatchObject({ description: 'CT head', code: { value: 'CTH', meaning: 'CT head', scheme: 'LOCAL' } });
    expect(group.procedures[0].steps[0]).toMatchObject({ description: 'CT head', protocolCodes: [] });
  });

  it('n ORC+OBR with one accession and different OBR-19: one group, n procedures', () => {
    const text = ormO01({ orders: [{ requestedProcedureId: 'RP1', spsId: 'S1' }, { requestedProcedureId: 'RP2', spsId: 'S2', studyInstanceUid: UID2, modality: 'MR' }] });
    const { groups } = toPlaceOrdersCommand(parseHl7(text));
    expect(groups).toHaveLength(1);
    expect(groups[0].origin).toEqual({ segment: 'ORC', sequence: 1 });
    expect(groups[0].procedures.map((p) => [p.requestedProcedureId, p.studyInstanceUid, p.origin])).toEqual([
      ['RP1', UID1, { segment: 'OBR', sequence: 1 }],
      ['RP2', UID2, { segment: 'OBR', sequence: 2 }],
    ]);
    expect(groups[0].procedures[1].steps[0]).toMatchObject({ spsId: 'S2', modality: 'MR', origin: { segment: 'OBR', sequence: 2 } });
  });

  it('same OBR-19, different OBR-20: one procedure with n steps', () => {
    const text = ormO01({ orders: [{ spsId: 'S1' }, { spsId: 'S2', procedure: 'CTC^CT chest^LOCAL^P-CTC^CT chest routine^LOCAL' }] });
    const { procedures } = toPlaceOrdersCommand(parseHl7(text)).groups[0];
    expect(procedures).toHaveLength(1);
    expect(procedures[0].steps.map((s) => [s.spsId, s.description])).toEqual([
      ['S1', 'CT head routine'],
      ['S2', 'CT chest routine'],
    ]);
  });

  it('same OBR-19 and OBR-20, different OBR-4: one step whose protocol codes accumulate', () => {
    const text = ormO01({
      orders: [
        { procedure: 'CTH^CT head^LOCAL^P-CTH^CT head^LOCAL' },
        { procedure: 'CTN^CT neck^LOCAL^P-CTN^CT neck^LOCAL' },
        { procedure: 'CTN^CT neck^LOCAL^P-CTN^CT neck^LOCAL' },
      ],
    });
    const { steps } = toPlaceOrdersCommand(parseHl7(text)).groups[0].procedures[0];
    expect(steps).toHaveLength(1);
    expect(steps[0].protocolCodes!.map((c) => c.value)).toEqual(['P-CTH', 'P-CTN']);
  });

  it('keeps ORC groups with different order control apart, even for one accession', () => {
    const text = ormO01({ orders: [{ orderControl: 'CA', orderStatus: 'CA', requestedProcedureId: 'RP1' }, { orderControl: 'XO', requestedProcedureId: 'RP2' }] });
    const { groups } = toPlaceOrdersCommand(parseHl7(text));
    expect(groups.map((g) => [g.event, g.accessionNumber, (g.origin as { sequence: number }).sequence])).toEqual([
      ['order.cancelled', 'ACC000001', 1],
      ['order.changed', 'ACC000001', 2],
    ]);
  });

  it('maps a cancel with neither accession nor OBR to a group keyed by the placer number', () => {
    const text = ormO01({ orderControl: 'CA', orderStatus: 'CA', accession: '', extraSegments: [] });
    const lines = text.split('\r').filter((l) => !l.startsWith('OBR') && !l.startsWith('ZDS'));
    const { groups } = toPlaceOrdersCommand(parseHl7(lines.join('\r')));
    expect(groups).toEqual([expect.objectContaining({ event: 'order.cancelled', placerOrderNumber: 'PL000001', procedures: [] })]);
    expect(groups[0].accessionNumber).toBeUndefined();
  });

  it('takes the station AE from ORC-18 or OBR-21 when configured, else from the modality table', () => {
    const text = ormO01({ modality: 'mr', orcFields: { 18: 'MRDEV' }, obrFields: { 21: 'MR02' } });
    const step = (options: Parameters<typeof toPlaceOrdersCommand>[1]) => toPlaceOrdersCommand(parseHl7(text), options).groups[0].procedures[0].steps[0];
    expect(step({ stationAeByModality: { MR: 'MR01' } })).toMatchObject({ modality: 'MR', stationAeTitles: ['MR01'] });
    expect(step({ stationAeByModality: { MR: 'MR01' }, ormStationAeField: 'OBR-21' }).stationAeTitles).toEqual(['MR02']);
    expect(step({ ormStationAeField: 'ORC-18' }).stationAeTitles).toEqual(['MRDEV']);
    expect(step({}).stationAeTitles).toBeUndefined();
  });

  it('reads NTEs right after the OBR as comments, not those after an OBX', () => {
    const text = ormO01({ notes: ['line one', 'line two'] }).replace('ZDS|', 'OBX|1|ST|X||y\rNTE|1||observation note\rZDS|');
    const [group] = toPlaceOrdersCommand(parseHl7(text)).groups;
    expect(group.comments).toBe('line one\nline two');
    expect(group.procedures[0].studyInstanceUid).toBe(UID1);
  });
});

describe('OMI^O23 v2.5.1 → PlaceOrdersCommand', () => {
  it('maps ORC + TQ1 + OBR + IPC', () => {
    const text = omiO23({
      accession: 'ACC7^RIS^1.2.3^ISO',
      start: '20261124093000+0100',
      priority: 'S',
      stationName: 'CT SCANNER 1',
      location: 'RAD-CT1',
      procedureCode: 'RPCT1^CT head^LOCAL',
    });
    const [group] = toPlaceOrdersCommand(parseHl7(text)).groups;
    expect(group).toMatchObject({
      event: 'order.placed',
      accessionNumber: 'ACC7',
      accessionIssuer: { namespaceId: 'RIS', universalId: '1.2.3', universalIdType: 'ISO' },
      priority: 'STAT',
      origin: { segment: 'ORC', sequence: 1 },
    });
    expect(group.procedures).toEqual([
      expect.objectContaining({
        requestedProcedureId: 'RP000001',
        studyInstanceUid: UID1,
        description: 'CT head',
        code: { value: 'RPCT1', meaning: 'CT head', scheme: 'LOCAL' },
        priority: 'STAT',
        origin: { segment: 'IPC', sequence: 1 },
      }),
    ]);
    expect(group.procedures[0].steps).toEqual([
      expect.objectContaining({
        spsId: 'SPS000001',
        modality: 'CT',
        stationAeTitles: ['CT01'],
        stationName: 'CT SCANNER 1',
        location: 'RAD-CT1',
        startDate: '20261124',
        startTime: '093000',
        timezoneOffset: '+0100',
        description: 'CT head routine',
        protocolCodes: [{ value: 'P-CTH', meaning: 'CT head routine', scheme: 'LOCAL' }],
        origin: { segment: 'IPC', sequence: 1 },
      }),
    ]);
  });

  it('n IPC with the same IPC-2 and different IPC-4: one procedure, n steps; IPC-9 repeats → several AEs', () => {
    const text = omiO23({ ipcs: [{ spsId: 'S1', stationAe: 'CT01~CT02' }, { spsId: 'S2', modality: 'MR', stationAe: 'MR01' }] });
    const { procedures } = toPlaceOrdersCommand(parseHl7(text)).groups[0];
    expect(procedures).toHaveLength(1);
    expect(procedures[0].steps.map((s) => [s.spsId, s.modality, s.stationAeTitles, s.origin])).toEqual([
      ['S1', 'CT', ['CT01', 'CT02'], { segment: 'IPC', sequence: 1 }],
      ['S2', 'MR', ['MR01'], { segment: 'IPC', sequence: 2 }],
    ]);
  });

  it('n IPC with the same IPC-4: one step, protocol codes from every IPC-6 repetition', () => {
    const text = omiO23({ ipcs: [{ protocolCodes: 'P1^One^L~P2^Two^L' }, { protocolCodes: 'P3^Three^L', stationAe: 'CT02' }] });
    const { steps } = toPlaceOrdersCommand(parseHl7(text)).groups[0].procedures[0];
    expect(steps).toHaveLength(1);
    expect(steps[0].protocolCodes!.map((c) => c.value)).toEqual(['P1', 'P2', 'P3']);
    expect(steps[0].stationAeTitles).toEqual(['CT01', 'CT02']);
    expect(steps[0].description).toBe('One');
  });

  it('n IPC with different IPC-1: one group per accession', () => {
    const text = omiO23({ ipcs: [{ accession: 'ACC1' }, { accession: 'ACC2', requestedProcedureId: 'RP2', studyInstanceUid: UID2 }, { accession: 'ACC1', spsId: 'S9' }] });
    const { groups } = toPlaceOrdersCommand(parseHl7(text));
    expect(groups.map((g) => [g.accessionNumber, g.origin, g.procedures.map((p) => p.steps.length)])).toEqual([
      ['ACC1', { segment: 'ORC', sequence: 1 }, [2]],
      ['ACC2', { segment: 'ORC', sequence: 1 }, [1]],
    ]);
  });

  it('several ORC groups map separately; IPC-9 "" clears the AEs, empty IPC-9 uses the modality table', () => {
    const text = omiO23({ orders: [{ stationAe: '""' }, { orderControl: 'XO', stationAe: '', modality: 'US' }] });
    const { groups } = toPlaceOrdersCommand(parseHl7(text), { stationAeByModality: { US: 'US01' } });
    expect(groups.map((g) => [g.event, g.procedures[0].steps[0].stationAeTitles, g.procedures[0].origin])).toEqual([
      ['order.placed', [], { segment: 'IPC', sequence: 1 }],
      ['order.changed', ['US01'], { segment: 'IPC', sequence: 2 }],
    ]);
  });

  it('keeps HL7 nulls as clears and empty fields as keeps', () => {
    const text = omiO23({ orderControl: 'XO', stationName: '""', procedure: '', protocolCodes: '', obrFields: { 30: '""' } });
    const [procedure] = toPlaceOrdersCommand(parseHl7(text)).groups[0].procedures;
    expect(procedure.transportArrangements).toBeNull();
    expect(procedure.description).toBeUndefined();
    expect(procedure.steps[0]).toMatchObject({ stationName: null, location: undefined, description: undefined, protocolCodes: [] });
  });
});
