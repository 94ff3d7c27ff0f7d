import { performance } from 'node:perf_hooks';
import { pdu, Pdu, pduCount } from './dicom-bytes';
import type { DicomCase, Exchange } from './dicom-cases';
import { DicomAnswer, FuzzScu } from './dicom-wire';

export interface DicomResult {
  answers: DicomAnswer[];
  exchange?: Exchange;
  /** The connection ended before the deadline; false is a hang. */
  closed: boolean;
  error?: string;
  /** ms from the RQ to its answer, and from the DIMSE request to its final response. */
  latencies: number[];
}

export const isFinal = (a: DicomAnswer, messageId: number): boolean => a.kind === 'DIMSE' && a.respondingTo === messageId && a.status !== 0xff00 && a.status !== 0xff01;

/**
 * Plays one case: the A-ASSOCIATE-RQ, then (if accepted) the DIMSE exchange and an A-RELEASE-RQ,
 * then our FIN, and waits for the server to close. Bytes that leave a PDU unfinished are followed
 * by our FIN at once, since the rest will never come. One deadline bounds the whole case.
 */
export async function playDicomCase(port: number, c: DicomCase, deadlineMs: number): Promise<DicomResult> {
  const deadline = performance.now() + deadlineMs;
  const latencies: number[] = [];
  let scu: FuzzScu;
  try {
    scu = await FuzzScu.open(port);
  } catch (e) {
    return { answers: [], closed: true, error: (e as NodeJS.ErrnoException).code ?? String(e), latencies };
  }
  let exchange: Exchange | undefined;
  try {
    let t = performance.now();
    await scu.write(c.associate);
    const rqPdus = pduCount(c.associate);
    if (rqPdus < 0) scu.end();
    await scu.until(() => scu.answers.length > 0, deadline);
    if (scu.answers.length > 0) latencies.push(performance.now() - t);
    const first = scu.answers[0];
    if (first?.kind === 'AC' && c.exchange && rqPdus > 0) {
      // PDUs riding behind the RQ may have changed the association's state: then any answer will do.
      exchange = c.exchange(first.contexts, first.maxLength);
      if (rqPdus > 1) exchange.expect = 'any';
      const ex = exchange;
      t = performance.now();
      await scu.write(ex.bytes);
      if (pduCount(ex.bytes) < 0) scu.end();
      else {
        if (ex.expect === 'final') {
          await scu.until(() => scu.answers.some((a) => isFinal(a, ex.messageId) || a.kind === 'ABORT'), deadline);
          if (scu.answers.some((a) => isFinal(a, ex.messageId))) latencies.push(performance.now() - t);
        }
        await scu.write(pdu(Pdu.ReleaseRq, Buffer.alloc(4)));
      }
      await scu.until(() => scu.answers.some((a) => a.kind === 'RP' || a.kind === 'ABORT'), deadline);
    }
    scu.end();
    const closed = await scu.until(() => false, deadline);
    return { answers: scu.answers, exchange, closed, error: scu.error, latencies };
  } finally {
    scu.destroy();
  }
}
