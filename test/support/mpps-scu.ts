import { Client, constants, Dataset, log, requests, responses } from 'dcmjs-dimse';

/**
 * dcmjs-dimse as the modality's MPPS SCU (N-CREATE / N-SET): a DIMSE implementation we did not
 * write, so Radflow's codec never judges its own output. Attributes are dcmjs "naturalized"
 * datasets (keyword → value; sequences as arrays of objects).
 */

export interface MppsTarget {
  port: number;
  calledAe?: string;
  callingAe?: string;
}

export type MppsRequest =
  | { kind: 'create'; instanceUid?: string; attributes: Record<string, unknown> }
  | { kind: 'set'; instanceUid: string; attributes: Record<string, unknown> };

/** One response as the SCU read it from the command set. */
export interface MppsAnswer {
  status: number;
  errorComment?: string;
  errorId?: number;
  attributeIdentifierList?: number[];
  affectedSopInstanceUid?: string;
}

log.setLevel('error');

/** Sends the requests on one association, in order, and resolves with every response once it is released. */
export function mppsExchange(target: MppsTarget, list: readonly MppsRequest[], timeoutMs = 15000): Promise<MppsAnswer[]> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const answers: MppsAnswer[] = new Array(list.length);
    list.forEach((r, i) => {
      const request = r.kind === 'create'
        ? new requests.NCreateRequest(constants.SopClass.ModalityPerformedProcedureStep, r.instanceUid ?? '')
        : new requests.NSetRequest(constants.SopClass.ModalityPerformedProcedureStep, r.instanceUid);
      request.setDataset(new Dataset(r.attributes));
      request.on('response', (response: responses.Response) => (answers[i] = answerOf(response)));
      client.addRequest(request);
    });
    const timer = setTimeout(() => reject(new Error('MPPS exchange timed out')), timeoutMs);
    client.on('associationRejected', (result: unknown) => (clearTimeout(timer), reject(new Error(`association rejected: ${JSON.stringify(result)}`))));
    client.on('networkError', (e: Error) => (clearTimeout(timer), reject(e)));
    client.on('closed', () => {
      clearTimeout(timer);
      if (answers.filter(Boolean).length !== list.length) reject(new Error(`only ${answers.filter(Boolean).length} of ${list.length} responses arrived`));
      else resolve(answers);
    });
    client.send('127.0.0.1', target.port, target.callingAe ?? 'MPPSSCU', target.calledAe ?? 'RADFLOW');
  });
}

export async function nCreate(target: MppsTarget, instanceUid: string | undefined, attributes: Record<string, unknown>): Promise<MppsAnswer> {
  return (await mppsExchange(target, [{ kind: 'create', instanceUid, attributes }]))[0];
}

export async function nSet(target: MppsTarget, instanceUid: string, attributes: Record<string, unknown>): Promise<MppsAnswer> {
  return (await mppsExchange(target, [{ kind: 'set', instanceUid, attributes }]))[0];
}

function answerOf(response: responses.Response): MppsAnswer {
  const command = response.getCommandDataset();
  const errorId = command.getElement('ErrorID') as unknown;
  const list = command.getElement('AttributeIdentifierList') as unknown;
  return {
    status: response.getStatus(),
    errorComment: response.getErrorComment() || undefined,
    errorId: errorId === undefined ? undefined : Number(errorId),
    attributeIdentifierList: list === undefined ? undefined : (Array.isArray(list) ? list : [list]).map(tagNumber),
    affectedSopInstanceUid: response.getAffectedSopInstanceUid() || undefined,
  };
}

/** dcmjs reads AT as a hex string ("00400252") or a number, depending on its version. */
function tagNumber(v: unknown): number {
  return typeof v === 'number' ? v : parseInt(String(v).replace(/[^0-9a-f]/gi, ''), 16);
}
