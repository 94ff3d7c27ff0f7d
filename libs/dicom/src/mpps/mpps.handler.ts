import { ChangeSource, Clock, DomainError, generateUid, StartPerformedStep, UnitOfWork, UpdatePerformedStep } from '@radflow/domain';
import { errorFields } from '@radflow/observability';
import { createDataset } from '../dimse/dicom-dataset';
import type { DimseLogger, NHandler, NRequest, NResponse } from '../dimse/dimse-handler';
import { toStartCommand, toUpdateCommand } from './mpps-command.mapper';
import { mppsFailure, MppsStatus } from './mpps-status.mapper';

export interface MppsHandlerOptions {
  /** Stamps the end of a final N-SET that came without one. */
  now?: Clock;
}

/**
 * The MPPS SCP (PS3.4 F.7): N-CREATE starts a performed step, N-SET updates or finishes it. Each
 * runs one use case in one transaction (the unit of work retries a lost race); a domain error
 * becomes its DIMSE status through the one mapper, anything else 0110. Logs carry ids and
 * statuses, never the data set.
 */
export class MppsHandler implements NHandler {
  private readonly start = new StartPerformedStep();
  private readonly update: UpdatePerformedStep;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly log: DimseLogger,
    options: MppsHandlerOptions = {},
  ) {
    this.update = new UpdatePerformedStep(options.now);
  }

  async create(req: NRequest): Promise<NResponse> {
    // PS3.4 F.7.2.1: the SCU may leave the UID to us; we answer with the one we made
    const instanceUid = req.sopInstanceUid?.replace(/\0/g, '').trim() || generateUid();
    try {
      const cmd = toStartCommand(req.dataset ?? createDataset(), instanceUid);
      const done = await this.uow.run((tx) => this.start.execute(tx, cmd, sourceOf(req)));
      this.log.debug({ event: 'mpps.started', ...ids(req), performedStep: done.ref, linkedSteps: done.linkedSteps, stepsChanged: done.stepsChanged, reconciliation: done.reconciliation, generatedUid: !req.sopInstanceUid }, 'performed step started');
      return { status: MppsStatus.Success, sopInstanceUid: instanceUid };
    } catch (e) {
      return { ...this.failed('create', req, e), sopInstanceUid: instanceUid };
    }
  }

  async set(req: NRequest): Promise<NResponse> {
    const instanceUid = req.sopInstanceUid?.replace(/\0/g, '').trim() ?? '';
    try {
      const cmd = toUpdateCommand(req.dataset ?? createDataset(), instanceUid);
      const done = await this.uow.run((tx) => this.update.execute(tx, cmd, sourceOf(req)));
      this.log.debug({ event: 'mpps.updated', ...ids(req), performedStep: done.ref, ppsStatus: done.status, stepsChanged: done.stepsChanged, endFilled: done.endFilled }, 'performed step updated');
      return { status: MppsStatus.Success, sopInstanceUid: instanceUid };
    } catch (e) {
      return this.failed('set', req, e);
    }
  }

  private failed(kind: 'create' | 'set', req: NRequest, e: unknown): NResponse {
    const response = mppsFailure(e);
    if (e instanceof DomainError) {
      this.log.debug({ event: `mpps.${kind}-refused`, ...ids(req), code: e.code, attribute: e.subject?.attribute, status: response.status, ref: e.ref }, 'performed step request refused');
    } else {
      this.log.warn({ event: `mpps.${kind}-failed`, ...ids(req), status: response.status, ...errorFields(e) }, 'performed step request failed');
    }
    return response;
  }
}

function sourceOf(req: NRequest): ChangeSource {
  return { kind: 'dicom', ref: req.association.id };
}

function ids(req: NRequest) {
  return { association: req.association.id, callingAe: req.association.callingAeTitle, messageId: req.messageId };
}
