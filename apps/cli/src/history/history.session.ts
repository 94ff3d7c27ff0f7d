import { Env } from '@radflow/config';
import { StudyHistory, StudyHistoryReader } from '@radflow/domain';
import type { PhiAccess } from '@radflow/hl7';
import { AuditEvent, AuditTrail } from '@radflow/observability';
import { AuditEventEntity, createDataSource, PgAuditTrail, resolveDatabase, StudyTransitionEntity, TypeormStudyHistory } from '@radflow/persistence';

/** The audit action of a history read; its one writer is this file. */
export const STUDY_HISTORY_READ = 'study-history.read';

/**
 * A study's history as people read it: patient data (it sits beside the accession number and the
 * Study Instance UID), so the read is audited before anything is shown, and nothing is shown when
 * the audit row cannot be written. Nothing found: nothing shown, nothing audited.
 */
export class AuditedStudyHistory {
  constructor(
    private readonly reader: StudyHistoryReader,
    private readonly audit: AuditTrail,
  ) {}

  async read(key: string, access: PhiAccess): Promise<StudyHistory[]> {
    const studies = await this.reader.find(key);
    if (studies.length) await this.audit.record(studyHistoryReadEvent(studies, access));
    return studies;
  }
}

/** Our ids of the procedures shown and how the key matched; never the key (an accession number is PHI). */
export function studyHistoryReadEvent(studies: readonly StudyHistory[], access: PhiAccess): AuditEvent {
  const procedureRefs = studies.map((s) => s.procedureRef);
  return {
    actor: access.user,
    action: STUDY_HISTORY_READ,
    entity: 'requested_procedure',
    entityId: procedureRefs.length === 1 ? procedureRefs[0] : undefined,
    peer: access.peer,
    detail: { matchedBy: [...new Set(studies.map((s) => s.matchedBy))], count: procedureRefs.length, procedureRefs, rows: studies.reduce((n, s) => n + s.rows.length, 0) },
  };
}

/** The history over DATABASE_URL (or the embedded database), through TypeORM, with the audit trail beside it. */
export async function withStudyHistory<T>(env: Readonly<Env>, use: (history: AuditedStudyHistory) => Promise<T>): Promise<T> {
  const db = await resolveDatabase(env);
  const ds = createDataSource({ url: db.url, poolSize: 2, applicationName: 'radflow-cli' });
  try {
    await ds.initialize();
    return await use(new AuditedStudyHistory(new TypeormStudyHistory(ds.getRepository(StudyTransitionEntity)), new PgAuditTrail(ds.getRepository(AuditEventEntity))));
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.embedded?.stop();
  }
}
