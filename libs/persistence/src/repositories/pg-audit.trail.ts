import type { Repository } from 'typeorm';
import { AuditEvent, AuditTrail } from '@radflow/observability';
import { AuditEventEntity } from '../entities/audit-event.entity';

/** The audit trail in the audit_events table, through its TypeORM repository. */
export class PgAuditTrail implements AuditTrail {
  constructor(private readonly events: Repository<AuditEventEntity>) {}

  async record(e: AuditEvent): Promise<void> {
    await this.events.insert({
      actor: e.actor, action: e.action, entity: e.entity, entityId: e.entityId ?? null, peer: e.peer ?? null, detail: (e.detail ?? null) as AuditEventEntity['detail'],
    });
  }
}
