import { FindHandler, FindMatch, FindOutcome, FindRequest } from '@radflow/dicom';
import { AuditTrail, Logger, errorFields } from '@radflow/observability';

/**
 * Records every worklist query in the audit trail: who asked, from where, how many answers, and
 * which answers were changed to be sent (transliterated, `?`, UTF-8 instead of the AE's set) with
 * their step ids and attribute keywords. Values stay out (the audit trail is PHI-free, DESIGN.md
 * §3); the original values are the stored item's, found by those step ids.
 */
export class AuditedFindHandler implements FindHandler {
  constructor(
    private readonly inner: FindHandler,
    private readonly audit: AuditTrail,
    private readonly log: Logger,
  ) {}

  async *find(req: FindRequest, signal: AbortSignal): AsyncGenerator<FindMatch, FindOutcome | void, void> {
    const started = Date.now();
    let answers = 0;
    const warnings = new Map<string, { code: string; steps: string[]; attributes: Set<string> }>();
    let outcome: FindOutcome | void = undefined;
    const it = this.inner.find(req, signal);
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) {
          outcome = next.value;
          break;
        }
        answers++;
        const { warning, ref } = next.value;
        if (warning) {
          const w = warnings.get(warning.code) ?? { code: warning.code, steps: [], attributes: new Set<string>() };
          warnings.set(warning.code, w);
          if (ref && w.steps.length < 100) w.steps.push(ref);
          warning.attributes.forEach((a) => w.attributes.add(a));
        }
        yield next.value;
      }
      return outcome;
    } finally {
      // When our consumer stops early (cancel, abort, a match it could not send) only this
      // generator gets return(); the inner one must get it too, or its cursor and transaction stay open.
      await it.return(undefined).catch(() => undefined);
      const detail = { answers, status: outcome?.status ?? (signal.aborted ? 0xfe00 : undefined), ms: Date.now() - started, messageId: req.messageId };
      this.log.info({ event: 'mwl.query', association: req.association.id, callingAe: req.association.callingAeTitle, ...detail }, 'worklist query');
      const audited = warnings.size > 0 ? { ...detail, warnings: [...warnings.values()].map((w) => ({ code: w.code, steps: w.steps, attributes: [...w.attributes] })) } : detail;
      this.audit
        .record({ actor: req.association.callingAeTitle, action: 'mwl.query', entity: 'worklist', peer: req.association.peerAddress, detail: audited })
        .catch((e) => this.log.warn({ event: 'audit.failed', ...errorFields(e) }, 'audit row not written'));
    }
  }
}
