import type { Pool } from 'pg';
import { AuditEvent, AuditTrail } from '@radflow/observability';

/** The audit trail in the audit_events table. */
export class PgAuditTrail implements AuditTrail {
  constructor(private readonly pool: Pool) {}

  async record(e: AuditEvent): Promise<void> {
    await this.pool.query('INSERT INTO audit_events (actor, action, entity, entity_id, peer, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.actor, e.action, e.entity, e.entityId ?? null, e.peer ?? null, e.detail ? JSON.stringify(e.detail) : null,
    ]);
  }
}
