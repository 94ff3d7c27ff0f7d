import { OrderGroupCommand, OrderRecord, ProcedureStepInput, RequestedProcedureInput, StepOrigin, VisitInput, WorklistImportStore } from '@radflow/domain';
import { orderColumns, procedureColumns, visitColumns } from './pg-workflow.store';
import { definedColumns, Sql, SqlSession } from './sql';
import { stepColumns } from './step-columns';

/** WorklistImportStore over one Postgres transaction: reads only, compared with the columns PgWorkflowStore writes. */
export class PgWorklistImportStore implements WorklistImportStore {
  private readonly sql: Sql;

  constructor(db: SqlSession) {
    this.sql = db.query;
  }

  async findOrderWithoutAccession(patientRef: string, requestedProcedureId: string): Promise<OrderRecord | null> {
    const rows = await this.sql(
      `SELECT o.id FROM imaging_orders o JOIN requested_procedures r ON r.order_ref = o.id
        WHERE o.accession_number IS NULL AND o.patient_ref = $1 AND r.requested_procedure_id = $2
        ORDER BY o.id LIMIT 1 FOR UPDATE OF o`,
      [patientRef, requestedProcedureId],
    );
    return rows[0] ? { ref: rows[0].id, patientRef, accessionNumber: '' } : null;
  }

  async stepOrigins(orderRef: string): Promise<StepOrigin[]> {
    // the creation row is the step's first history row; through procedure_ref, which is indexed
    const rows = await this.sql(
      `SELECT s.id, s.procedure_ref, s.sps_id, t.source_kind, t.source_ref
         FROM requested_procedures r JOIN scheduled_procedure_steps s ON s.procedure_ref = r.id
         LEFT JOIN LATERAL (
           SELECT source_kind, source_ref FROM study_transitions t
            WHERE t.procedure_ref = r.id AND t.step_ref = s.id AND t.scope = 'step' ORDER BY t.id LIMIT 1) t ON true
        WHERE r.order_ref = $1 ORDER BY s.id`,
      [orderRef],
    );
    return rows.map((r) => ({
      stepRef: r.id,
      procedureRef: r.procedure_ref,
      spsId: r.sps_id,
      createdBy: r.source_kind ? { kind: r.source_kind, ref: r.source_ref ?? '' } : null,
    }));
  }

  orderDiffers(orderRef: string, group: OrderGroupCommand, visit: VisitInput): Promise<boolean> {
    const { accession_number: _key, ...columns } = orderColumns(group);
    return this.differs('imaging_orders', orderRef, { ...columns, ...visitColumns(visit) });
  }

  procedureDiffers(procedureRef: string, input: RequestedProcedureInput): Promise<boolean> {
    return this.differs('requested_procedures', procedureRef, procedureColumns(input));
  }

  stepDiffers(stepRef: string, input: ProcedureStepInput): Promise<boolean> {
    return this.differs('scheduled_procedure_steps', stepRef, stepColumns(input));
  }

  /** Column names are the store's own, never input; a value left undefined keeps the stored one, so it cannot differ. */
  private async differs(table: string, id: string, columns: Record<string, unknown>): Promise<boolean> {
    const cols = definedColumns(columns);
    if (cols.length === 0) return false;
    const rows = await this.sql(
      `SELECT 1 FROM ${table} WHERE id = $1 AND (${cols.map(([c], i) => `${c} IS DISTINCT FROM $${i + 2}`).join(' OR ')})`,
      [id, ...cols.map(([, v]) => v)],
    );
    return rows.length > 0;
  }
}
