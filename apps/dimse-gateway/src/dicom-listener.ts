import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { ENV, Env } from '@radflow/config';
import { UNIT_OF_WORK, UnitOfWork } from '@radflow/domain';
import { DicomServer, MppsHandler, MwlFindHandler } from '@radflow/dicom';
import { assertUp, AUDIT_TRAIL, AuditTrail, LOGGER, Logger, READINESS, ReadinessRegistry } from '@radflow/observability';
import { PG_POOL, RetryingUnitOfWork } from '@radflow/persistence';
import { AuditedFindHandler } from './audited-find.handler';

/** The DICOM SCP on DICOM_PORT: C-ECHO, Modality Worklist C-FIND and MPPS N-CREATE / N-SET. */
@Injectable()
export class DicomListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly server: DicomServer;

  constructor(
    @Inject(ENV) private readonly env: Env,
    @Inject(PG_POOL) pool: Pool,
    @Inject(UNIT_OF_WORK) uow: UnitOfWork,
    @Inject(AUDIT_TRAIL) audit: AuditTrail,
    @Inject(LOGGER) logger: Logger,
    @Inject(READINESS) readiness: ReadinessRegistry,
  ) {
    const log = logger.child({ component: 'dimse' });
    const mwl = new MwlFindHandler(pool, {
      offeredStatuses: env.MWL_OFFERED_STATUSES,
      nameMatch: env.MWL_NAME_MATCH,
      maxAnswers: env.MWL_MAX_ANSWERS,
      defaultCharset: env.MWL_DEFAULT_CHARSET,
      charsetByAe: env.MWL_CHARSET_BY_AE,
      rejectUnknownKeysFrom: env.MWL_REJECT_UNKNOWN_KEYS_AE,
      unrepresentable: env.MWL_UNREPRESENTABLE,
      unrepresentableByAe: env.MWL_UNREPRESENTABLE_BY_AE,
    }, log);
    this.server = new DicomServer({
      aeTitle: env.DICOM_AE_TITLE,
      calledAeCheck: env.DICOM_CALLED_AE_CHECK,
      allowedCallingAeTitles: env.DICOM_ALLOWED_CALLING_AE,
      allowedHosts: env.DICOM_ALLOWED_HOSTS,
      maxAssociations: env.DICOM_MAX_ASSOCIATIONS,
      maxAssociationsPerPeer: env.DICOM_MAX_ASSOCIATIONS_PER_PEER,
      maxPduLength: env.DICOM_MAX_PDU_BYTES,
      idleTimeoutMs: env.DICOM_IDLE_TIMEOUT_MS,
      findHandler: new AuditedFindHandler(mwl, audit, log),
      // a lost lifecycle race (40001) is retried here, so the modality never sees it
      nHandler: new MppsHandler(new RetryingUnitOfWork(uow, undefined, (attempt, code) => log.debug({ event: 'mpps.retry', attempt, errCode: code }, 'performed step transaction retried')), log),
      logger: log,
    });
    readiness.register({ name: 'dicom', check: async () => assertUp(this.server.listening, 'DICOM listener') });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.server.listen(this.env.DICOM_PORT);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}

