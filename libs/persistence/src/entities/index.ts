import { AuditEventEntity } from './audit-event.entity';
import { StudyTransitionEntity } from './study-transition.entity';

export { AuditEventEntity, StudyTransitionEntity };

/**
 * Every TypeORM entity: the tables no measured hot path writes (ADR 0006). Migrations stay the
 * schema; `synchronize` is never on.
 */
export const ENTITIES = [AuditEventEntity, StudyTransitionEntity];
