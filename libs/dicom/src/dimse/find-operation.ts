import type { Association } from './association';
import { AssociationClosedError } from './association';
import type { AcceptedContext } from './association-negotiation';
import { CommandField, DimseCommand } from './command-set';
import { decodeDataset } from './dataset-decoder';
import { encodeDataset } from './dataset-encoder';
import { DatasetEncodeError } from './dataset.errors';
import { formatTag } from './dicom-dataset';
import { keywordOf } from './dicom-dictionary';
import type { DimseLogger, FindHandler, FindMatch, FindOutcome } from './dimse-handler';
import type { DimseMessage } from './dimse-message';
import { DimseStatus, isPending } from './dimse-status';

const CANCELLED = Symbol('cancelled');

export interface FindOperation {
  association: Association;
  message: DimseMessage;
  context: AcceptedContext;
  handler: FindHandler;
  controller: AbortController;
  logger: DimseLogger;
}

/**
 * One C-FIND: each match goes out as a Pending response as soon as the handler yields it (waiting
 * for 'drain' under backpressure); C-CANCEL aborts the controller and ends it with 0xFE00. A match
 * that cannot be encoded is skipped with a warning. The handler's generator is always closed, so
 * its finally blocks (cursors, transactions) run.
 */
export async function runFind(op: FindOperation): Promise<void> {
  const started = performance.now();
  const { command } = op.message;
  const respond = (status: number, extra: Partial<DimseCommand> = {}, dataset?: Buffer): Promise<void> =>
    op.association.send(
      op.context.id,
      { commandField: CommandField.CFindRsp, messageIdBeingRespondedTo: command.messageId, affectedSopClassUid: op.context.abstractSyntax, status, hasDataset: dataset !== undefined, ...extra },
      dataset,
    );
  const counter = { matches: 0, skipped: 0 };
  const log = { association: op.association.id, messageId: command.messageId, callingAeTitle: op.association.info.callingAeTitle };
  try {
    const outcome = await stream(op, respond, counter);
    await respond(outcome.status, { errorComment: outcome.errorComment, offendingElement: outcome.offendingElements });
    const level = outcome.status >= 0xa000 && outcome.status !== DimseStatus.Cancel ? 'warn' : 'info';
    op.logger[level]({ ...log, event: 'dimse.c-find', status: hex(outcome.status), matches: counter.matches, skipped: counter.skipped, ms: Math.round(performance.now() - started) }, 'C-FIND done');
  } catch (err) {
    if (!(err instanceof AssociationClosedError)) throw err;
    op.logger.info({ ...log, event: 'dimse.c-find', matches: counter.matches, ms: Math.round(performance.now() - started) }, 'C-FIND ended with the association');
  }
}

interface FindCounter {
  matches: number;
  skipped: number;
}

async function stream(op: FindOperation, respond: (status: number, extra?: Partial<DimseCommand>, dataset?: Buffer) => Promise<void>, counter: FindCounter): Promise<FindOutcome> {
  const { command } = op.message;
  const { signal } = op.controller;
  if (command.affectedSopClassUid !== op.context.abstractSyntax) return { status: DimseStatus.SopClassNotSupported };
  if (!op.message.dataset) return { status: DimseStatus.IdentifierDoesNotMatchSopClass, errorComment: 'C-FIND-RQ without an identifier' };
  let identifier;
  try {
    identifier = decodeDataset(op.message.dataset, { explicitVr: op.context.explicitVr });
  } catch (err) {
    op.logger.warn({ event: 'dimse.c-find-decode', association: op.association.id, error: (err as Error).message }, 'identifier not decodable');
    return { status: DimseStatus.FindUnableToDecodeIdentifier, errorComment: 'Unable to decode the identifier' };
  }
  if (signal.aborted) return { status: DimseStatus.Cancel };
  const request = { association: op.association.info, messageId: command.messageId ?? 0, affectedSopClassUid: op.context.abstractSyntax, priority: command.priority ?? 0, identifier, combinedDateTimeMatching: op.context.queryOptions.has('combinedDateTime') };
  let generator: AsyncGenerator<FindMatch, FindOutcome | void, void> | undefined;
  let stuck = false;
  const cancelled = new Promise<typeof CANCELLED>((resolve) => signal.addEventListener('abort', () => resolve(CANCELLED), { once: true }));
  try {
    generator = op.handler.find(request, signal);
    for (;;) {
      // Racing the signal answers FE00 promptly even while the handler sits in a slow query.
      const next = await Promise.race([generator.next(), cancelled]);
      stuck = next === CANCELLED;
      // A cancel seen before the final response wins, whatever the handler did meanwhile.
      if (next === CANCELLED || signal.aborted) return { status: DimseStatus.Cancel };
      if (next.done) return finalOutcome(next.value);
      if (!isPending(next.value.status)) return handlerFailure(op, new Error(`handler yielded status ${hex(next.value.status)}`));
      const bytes = encodeOrSkip(op, next.value, counter);
      if (!bytes) continue;
      await respond(next.value.status, {}, bytes);
      counter.matches++;
    }
  } catch (err) {
    if (err instanceof AssociationClosedError) throw err;
    return handlerFailure(op, err);
  } finally {
    // Runs the handler's finally blocks. A generator still inside next() cannot take return()
    // until that settles, so then we do not wait for it (the signal tells it to stop).
    const closing = generator?.return(undefined).catch(() => undefined);
    if (!stuck) await closing;
  }
}

/**
 * One row nobody can encode (a value past its VR's length field, a character its set lacks) must
 * not cost the modality the rest of its worklist: it is left out and named in the log by our id.
 */
function encodeOrSkip(op: FindOperation, match: FindMatch, counter: FindCounter): Buffer | undefined {
  try {
    return encodeDataset(match.identifier, { explicitVr: op.context.explicitVr });
  } catch (err) {
    if (!(err instanceof DatasetEncodeError)) throw err;
    counter.skipped++;
    const attribute = err.tag === undefined ? undefined : (keywordOf(err.tag) ?? formatTag(err.tag));
    op.logger.warn(
      { event: 'dimse.c-find-match-skipped', association: op.association.id, messageId: op.message.command.messageId, ref: match.ref, position: counter.matches + counter.skipped, attribute, reason: err.reason },
      'match not encodable, left out',
    );
    return undefined;
  }
}

function finalOutcome(value: FindOutcome | void): FindOutcome {
  if (!value) return { status: DimseStatus.Success };
  if (isPending(value.status)) return { status: DimseStatus.FindHandlerFailed, errorComment: 'Handler returned a pending status as final' };
  return value;
}

function handlerFailure(op: FindOperation, err: unknown): FindOutcome {
  // Stack and message only: handler errors are PHI-free by convention (STYLE §6), datasets never logged.
  op.logger.error({ event: 'dimse.c-find-handler', association: op.association.id, error: (err as Error)?.message, stack: (err as Error)?.stack }, 'find handler failed');
  return { status: DimseStatus.FindHandlerFailed, errorComment: 'Unable to process the query' };
}

function hex(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}
