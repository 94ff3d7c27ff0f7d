import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row of a study's history (migrations 0000, 0007): a step or study changing state, or a flag
 * that changed nothing. Written only by the ingest SQL (PgWorkflowStore, ADR 0004); this entity is
 * the read side.
 */
@Entity({ name: 'study_transitions' })
export class StudyTransitionEntity {
  /** bigserial: insertion order, which is the order of the history. pg gives int8 as text. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  procedureRef: string;

  @Column({ type: 'uuid', nullable: true })
  stepRef: string | null;

  /** `step`, `study` or `flag`. */
  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ type: 'text' })
  toStatus: string;

  @Column({ type: 'text' })
  event: string;

  /** What caused it: `hl7` (ref: message id), a DICOM association, a user … */
  @Column({ type: 'text' })
  sourceKind: string;

  @Column({ type: 'text', nullable: true })
  sourceRef: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
