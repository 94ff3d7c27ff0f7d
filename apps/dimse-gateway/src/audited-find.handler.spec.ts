import type { FindHandler, FindMatch, FindRequest } from '@radflow/dicom';
import { createDataset } from '@radflow/dicom';
import type { AuditTrail, Logger } from '@radflow/observability';
import { AuditedFindHandler } from './audited-find.handler';

const request: FindRequest = {
  association: { id: 'a1', callingAeTitle: 'CT01', calledAeTitle: 'RADFLOW', peerAddress: '127.0.0.1' },
  messageId: 1,
  affectedSopClassUid: '1.2.840.10008.5.1.4.31',
  priority: 0,
  identifier: createDataset(),
  combinedDateTimeMatching: false,
};
const match: FindMatch = { status: 0xff00, identifier: createDataset() };

describe('AuditedFindHandler', () => {
  it('closes the inner handler when its consumer stops early, so the cursor behind it is released', async () => {
    const events: string[] = [];
    const inner: FindHandler = {
      async *find() {
        try {
          for (;;) yield match;
        } finally {
          events.push('inner closed');
        }
      },
    };
    const audit = { record: jest.fn(async () => undefined) } as unknown as AuditTrail;
    const log = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
    const controller = new AbortController();
    const outer = new AuditedFindHandler(inner, audit, log).find(request, controller.signal);
    await outer.next();
    await outer.next();
    controller.abort();
    await outer.return(undefined);
    expect(events).toEqual(['inner closed']);
    expect(audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'mwl.query', detail: expect.objectContaining({ answers: 2, status: 0xfe00 }) }));
  });

  it('puts the answers changed to fit the AE set in the audit detail: step ids and attribute keywords, never values', async () => {
    const inner: FindHandler = {
      async *find() {
        yield { ...match, ref: 'step-1', warning: { code: 'mwl.value-transliterated', attributes: ['PatientName'] } };
        yield { ...match, ref: 'step-2' };
        yield { ...match, ref: 'step-3', warning: { code: 'mwl.value-transliterated', attributes: ['PatientName', 'ScheduledProcedureStepDescription'] } };
      },
    };
    const audit = { record: jest.fn(async () => undefined) } as unknown as AuditTrail;
    const log = { info: jest.fn(), warn: jest.fn() } as unknown as Logger;
    for await (const _ of new AuditedFindHandler(inner, audit, log).find(request, new AbortController().signal)) void _;
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        detail: expect.objectContaining({ answers: 3, warnings: [{ code: 'mwl.value-transliterated', steps: ['step-1', 'step-3'], attributes: ['PatientName', 'ScheduledProcedureStepDescription'] }] }),
      }),
    );
  });
});
