import { Lifecycle, LifecycleOutcome, StudyEvent, StudyState } from '../lifecycle';
import { UseCase } from './use-case';

/** A reader takes or gives back a study (the lease itself is the reading worklist's; this moves the lifecycle). */
export interface ReadingCommand {
  /** The study: its requested procedure's ref. */
  studyRef: string;
}

export const claimStudy: UseCase<ReadingCommand, LifecycleOutcome<StudyState>> = (tx, cmd, source) =>
  Lifecycle.study(tx.workflow, cmd.studyRef, StudyEvent.ReadingClaimed, source, { entity: 'study' });

export const releaseStudy: UseCase<ReadingCommand, LifecycleOutcome<StudyState>> = (tx, cmd, source) =>
  Lifecycle.study(tx.workflow, cmd.studyRef, StudyEvent.ReadingReleased, source, { entity: 'study' });
