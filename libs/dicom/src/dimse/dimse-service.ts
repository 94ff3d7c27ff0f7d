import type { Association, AssociationService } from './association';
import { AssociationClosedError } from './association';
import type { AcceptedContext } from './association-negotiation';
import { CommandField } from './command-set';
import { decodeDataset } from './dataset-decoder';
import { encodeDataset } from './dataset-encoder';
import type { DimseLogger, FindHandler, NHandler, NResponse } from './dimse-handler';
import type { DimseMessage } from './dimse-message';
import { DimseStatus } from './dimse-status';
import { runFind } from './find-operation';
import { SopClass } from './uids';

export interface DimseServiceOptions {
  findHandler: FindHandler;
  nHandler?: NHandler;
  logger: DimseLogger;
}

/**
 * Runs the DIMSE operations of one association one at a time (we never grant an asynchronous
 * operations window), except C-CANCEL, which must reach the running C-FIND immediately.
 */
export class DimseService implements AssociationService {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private disposed = false;
  private readonly finds = new Map<number, AbortController>();

  constructor(
    private readonly association: Association,
    private readonly options: DimseServiceOptions,
  ) {}

  get busy(): boolean {
    return this.pending > 0;
  }

  handle(message: DimseMessage): void {
    const { command } = message;
    if (command.commandField === CommandField.CCancelRq) {
      // PS3.7 9.3.2.3: no response; a cancel for an unknown or finished message is ignored.
      this.finds.get(command.messageIdBeingRespondedTo ?? -1)?.abort();
      return;
    }
    // Registered now, not when it starts, so a cancel for a queued C-FIND is not lost.
    if (command.commandField === CommandField.CFindRq) this.finds.set(command.messageId ?? 0, new AbortController());
    this.pending++;
    this.queue = this.queue
      .then(() => this.run(message))
      .catch((err: unknown) => {
        if (err instanceof AssociationClosedError) return;
        this.options.logger.error({ event: 'dimse.operation-failed', association: this.association.id, error: (err as Error)?.message, stack: (err as Error)?.stack }, 'DIMSE operation failed');
      })
      .finally(() => {
        this.pending--;
        if (command.commandField === CommandField.CFindRq) this.finds.delete(command.messageId ?? 0);
      });
  }

  idle(): Promise<void> {
    return this.queue;
  }

  dispose(): void {
    this.disposed = true;
    for (const controller of this.finds.values()) controller.abort();
  }

  private async run(message: DimseMessage): Promise<void> {
    if (this.disposed) return;
    const context = this.association.context(message.contextId) as AcceptedContext;
    const { command } = message;
    switch (command.commandField) {
      case CommandField.CEchoRq:
        return this.respond(context, CommandField.CEchoRsp, message, context.abstractSyntax === SopClass.Verification ? DimseStatus.Success : DimseStatus.SopClassNotSupported);
      case CommandField.CFindRq: {
        const controller = this.finds.get(command.messageId ?? 0) as AbortController;
        return runFind({ association: this.association, message, context, handler: this.options.findHandler, controller, logger: this.options.logger });
      }
      case CommandField.NCreateRq:
        return this.nOperation(message, context, 'create');
      case CommandField.NSetRq:
        return this.nOperation(message, context, 'set');
      default:
        // A response or an operation we do not offer: answer requests with 0x0211, drop anything else.
        if ((command.commandField & 0x8000) !== 0) return;
        this.options.logger.warn({ event: 'dimse.unsupported', association: this.association.id, commandField: command.commandField }, 'unsupported DIMSE operation');
        return this.respond(context, command.commandField | 0x8000, message, DimseStatus.UnrecognizedOperation);
    }
  }

  private respond(context: AcceptedContext, commandField: number, message: DimseMessage, status: number): Promise<void> {
    return this.association.send(context.id, { commandField, messageIdBeingRespondedTo: message.command.messageId, affectedSopClassUid: context.abstractSyntax, status, hasDataset: false });
  }

  private async nOperation(message: DimseMessage, context: AcceptedContext, kind: 'create' | 'set'): Promise<void> {
    const { command } = message;
    const sopClassUid = (kind === 'create' ? command.affectedSopClassUid : command.requestedSopClassUid) ?? '';
    const sopInstanceUid = kind === 'create' ? command.affectedSopInstanceUid : command.requestedSopInstanceUid;
    const started = performance.now();
    const response = await this.callNHandler(message, context, kind, sopClassUid, sopInstanceUid);
    let dataset: Buffer | undefined;
    try {
      dataset = response.dataset ? encodeDataset(response.dataset, { explicitVr: context.explicitVr }) : undefined;
    } catch {
      response.status = DimseStatus.ProcessingFailure;
      response.errorComment = 'Response data set could not be encoded';
    }
    await this.association.send(context.id, {
      commandField: kind === 'create' ? CommandField.NCreateRsp : CommandField.NSetRsp,
      messageIdBeingRespondedTo: command.messageId,
      affectedSopClassUid: sopClassUid,
      affectedSopInstanceUid: response.sopInstanceUid ?? sopInstanceUid,
      status: response.status,
      errorComment: response.errorComment,
      errorId: response.errorId,
      attributeIdentifierList: response.attributeIdentifierList,
      hasDataset: dataset !== undefined,
    }, dataset);
    const log = { event: `dimse.n-${kind}`, association: this.association.id, messageId: command.messageId, sopClassUid, status: response.status, ms: Math.round(performance.now() - started) };
    this.options.logger.info(log, `N-${kind.toUpperCase()} done`);
  }

  private async callNHandler(message: DimseMessage, context: AcceptedContext, kind: 'create' | 'set', sopClassUid: string, sopInstanceUid?: string): Promise<NResponse> {
    const handler = this.options.nHandler;
    if (!handler || sopClassUid !== context.abstractSyntax) return { status: DimseStatus.SopClassNotSupported };
    let dataset;
    try {
      dataset = message.dataset ? decodeDataset(message.dataset, { explicitVr: context.explicitVr }) : undefined;
    } catch {
      return { status: DimseStatus.ProcessingFailure, errorComment: 'Data set could not be decoded' };
    }
    const request = { association: this.association.info, messageId: message.command.messageId ?? 0, sopClassUid, sopInstanceUid, dataset };
    try {
      return { ...(await handler[kind](request)) };
    } catch (err) {
      this.options.logger.error({ event: `dimse.n-${kind}-handler`, association: this.association.id, error: (err as Error)?.message, stack: (err as Error)?.stack }, 'N handler failed');
      return { status: DimseStatus.ProcessingFailure, errorComment: 'Processing failure' };
    }
  }
}
