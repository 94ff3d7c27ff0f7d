import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row of the audit trail (migration 0000): who touched which data, from where. */
@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Set by the database (DEFAULT now()), never by the writer. */
  @Column({ type: 'timestamptz', insert: false, update: false })
  at: Date;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text' })
  entity: string;

  @Column({ type: 'text', nullable: true })
  entityId: string | null;

  @Column({ type: 'text', nullable: true })
  peer: string | null;

  /** Ids and counts, never PHI. */
  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, any> | null;
}
