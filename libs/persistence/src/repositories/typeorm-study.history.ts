import { In, Repository } from 'typeorm';
import { HistoryScope, StudyHistory, StudyHistoryReader, StudyHistoryRow } from '@radflow/domain';
import { StudyTransitionEntity } from '../entities/study-transition.entity';

interface ProcedureRow {
  ref: string;
  studyInstanceUid: string;
  accessionNumber: string | null;
}

/**
 * The history read side: study_transitions through its TypeORM repository. The procedures and
 * steps it names are looked up by table (their writers are the ingest SQL, ADR 0004), each by
 * one of its indexes: the Study Instance UID, the order's accession, the procedure of a step.
 */
export class TypeormStudyHistory implements StudyHistoryReader {
  constructor(private readonly transitions: Repository<StudyTransitionEntity>) {}

  async find(key: string): Promise<StudyHistory[]> {
    const [byUid, byAccession] = await Promise.all([this.procedures('r.study_instance_uid = :key', key), this.procedures('o.accession_number = :key', key)]);
    const matched = new Map<string, StudyHistory>();
    for (const [rows, matchedBy] of [[byAccession, 'accession'], [byUid, 'study-uid']] as const) {
      for (const p of rows) if (!matched.has(p.ref)) matched.set(p.ref, { procedureRef: p.ref, studyInstanceUid: p.studyInstanceUid, accessionNumber: p.accessionNumber, matchedBy, rows: [] });
    }
    if (matched.size === 0) return [];
    const refs = [...matched.keys()];
    const [rows, spsIds] = await Promise.all([
      this.transitions.find({ where: { procedureRef: In(refs) }, order: { id: 'ASC' } }),
      this.spsIdsOfSteps(refs),
    ]);
    for (const r of rows) matched.get(r.procedureRef)!.rows.push(toRow(r, spsIds));
    return [...matched.values()];
  }

  private procedures(where: string, key: string): Promise<ProcedureRow[]> {
    return this.transitions.manager
      .createQueryBuilder()
      .select('r.id', 'ref')
      .addSelect('r.study_instance_uid', 'studyInstanceUid')
      .addSelect('o.accession_number', 'accessionNumber')
      .from('requested_procedures', 'r')
      .innerJoin('imaging_orders', 'o', 'o.id = r.order_ref')
      .where(where, { key })
      .orderBy('r.created_at')
      .addOrderBy('r.id')
      .getRawMany<ProcedureRow>();
  }

  private async spsIdsOfSteps(procedureRefs: string[]): Promise<Map<string, string>> {
    const steps = await this.transitions.manager
      .createQueryBuilder()
      .select('s.id', 'ref')
      .addSelect('s.sps_id', 'spsId')
      .from('scheduled_procedure_steps', 's')
      .where('s.procedure_ref IN (:...procedureRefs)', { procedureRefs })
      .getRawMany<{ ref: string; spsId: string }>();
    return new Map(steps.map((s) => [s.ref, s.spsId]));
  }
}

function toRow(t: StudyTransitionEntity, spsIds: ReadonlyMap<string, string>): StudyHistoryRow {
  return {
    at: t.at, scope: t.scope as HistoryScope, stepRef: t.stepRef, spsId: t.stepRef ? (spsIds.get(t.stepRef) ?? null) : null,
    from: t.fromStatus, to: t.toStatus, event: t.event, source: { kind: t.sourceKind, ref: t.sourceRef }, note: t.note,
  };
}
