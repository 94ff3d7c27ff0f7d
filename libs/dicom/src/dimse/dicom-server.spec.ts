import { CommandField } from './command-set';
import { createDataset, DicomDataset, getString, setString } from './dicom-dataset';
import { Tags } from './dicom-dictionary';
import type { FindHandler, FindMatch, NHandler } from './dimse-handler';
import { DicomServer, DicomServerOptions } from './dicom-server';
import { DimseStatus } from './dimse-status';
import { mwlAnswerFixture } from './mwl-answer.fixture';
import { AbortReason, encodePdu, PduType } from './pdu';
import { TestScu } from './test-scu.fixture';
import { SopClass, TransferSyntax } from './uids';

const MWL = SopClass.ModalityWorklistInformationModelFind;
const query = (): DicomDataset => setString(createDataset(), Tags.PatientName, '');
const findRq = (messageId = 1) => ({ commandField: CommandField.CFindRq, messageId, affectedSopClassUid: MWL, priority: 0, hasDataset: true });
const match = (i: number, charset = 'ISO_IR 192', name?: string): FindMatch => ({ status: 0xff00, identifier: mwlAnswerFixture(i, charset, name) });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls a condition (never a duration assert): fails the test if it does not hold within 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await tick(10);
  expect(condition()).toBe(true);
}

describe('DicomServer (in-process SCU over TCP)', () => {
  let server: DicomServer;
  let port: number;
  let findHandler: FindHandler;
  let nHandler: NHandler;

  async function start(options: Partial<DicomServerOptions> = {}): Promise<void> {
    server = new DicomServer({ aeTitle: 'RADFLOW', findHandler: { find: (req, signal) => findHandler.find(req, signal) }, nHandler, maxPduLength: 16384, ...options });
    port = (await server.listen(0, '127.0.0.1')).port;
  }

  beforeEach(() => {
    findHandler = {
      async *find() {
        for (let i = 0; i < 3; i++) yield match(i);
      },
    };
    nHandler = { create: jest.fn(), set: jest.fn() };
  });
  afterEach(() => server.close(500));

  it('answers C-ECHO and releases gracefully', async () => {
    await start();
    const scu = await TestScu.associated(port);
    scu.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 9, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    const rsp = await scu.nextMessage();
    expect(rsp.command).toMatchObject({ commandField: CommandField.CEchoRsp, messageIdBeingRespondedTo: 9, status: 0 });
    expect(await scu.release()).toEqual({ type: PduType.ReleaseRp });
    await scu.closed;
    await tick(10);
    expect(server.stats).toMatchObject({ associationsOpen: 0, associationsTotal: 1, associationsReleased: 1 });
  });

  it.each([TransferSyntax.ExplicitVrLittleEndian, TransferSyntax.ImplicitVrLittleEndian])('streams each match as soon as it is yielded (%s)', async (ts) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    findHandler = {
      async *find(req) {
        expect(getString(req.identifier, Tags.PatientName)).toBe('');
        yield match(0);
        await gate;
        yield match(1);
      },
    };
    await start();
    const scu = await TestScu.associated(port, { presentationContexts: [{ id: 3, abstractSyntax: MWL, transferSyntaxes: [ts] }] });
    scu.sendMessage(3, findRq(), query());
    const first = await scu.nextMessage();
    expect(first.command.status).toBe(0xff00);
    expect(getString(first.identifier!, Tags.PatientID)).toBe('PAT1000');
    release();
    expect((await scu.nextMessage()).command.status).toBe(0xff00);
    const final = await scu.nextMessage();
    expect(final.command).toMatchObject({ commandField: CommandField.CFindRsp, status: DimseStatus.Success, hasDataset: false });
  });

  it('stops on C-CANCEL with 0xFE00, aborting the signal and closing the generator', async () => {
    let signalSeen: AbortSignal | undefined;
    let finallyRan = false;
    findHandler = {
      async *find(_req, signal) {
        signalSeen = signal;
        try {
          yield match(0);
          await new Promise((r) => signal.addEventListener('abort', r));
          yield match(1);
        } finally {
          finallyRan = true;
        }
      },
    };
    await start();
    const scu = await TestScu.associated(port);
    scu.sendMessage(3, findRq(5), query());
    expect((await scu.nextMessage()).command.status).toBe(0xff00);
    scu.sendMessage(3, { commandField: CommandField.CCancelRq, messageIdBeingRespondedTo: 5, hasDataset: false });
    const final = await scu.nextMessage();
    expect(final.command).toMatchObject({ status: DimseStatus.Cancel, messageIdBeingRespondedTo: 5 });
    expect(signalSeen?.aborted).toBe(true);
    expect(finallyRan).toBe(true);
  });

  it('answers C-CANCEL while the handler is still stuck in a slow await, then closes it once it returns', async () => {
    const events: string[] = [];
    let unblock!: () => void;
    const slowQuery = new Promise<void>((r) => (unblock = r));
    findHandler = {
      async *find() {
        try {
          yield match(0);
          await slowQuery; // a slow query that does not watch the signal
          events.push('handler resumed');
          yield match(1);
          events.push('second match taken');
        } finally {
          events.push('handler closed');
        }
      },
    };
    await start();
    const scu = await TestScu.associated(port);
    scu.sendMessage(3, findRq(6), query());
    await scu.nextMessage();
    scu.sendMessage(3, { commandField: CommandField.CCancelRq, messageIdBeingRespondedTo: 6, hasDataset: false });
    expect((await scu.nextMessage()).command.status).toBe(DimseStatus.Cancel);
    events.push('FE00 received');
    unblock();
    await until(() => events.includes('handler closed'));
    expect(events).toEqual(['FE00 received', 'handler resumed', 'handler closed']);
    // The association stays usable, and nothing else was sent for the cancelled C-FIND.
    scu.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 7, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    expect((await scu.nextMessage()).command).toMatchObject({ commandField: CommandField.CEchoRsp, status: 0 });
  });

  it.each(['A-ABORT', 'socket reset'])('closes the handler when the peer leaves mid C-FIND (%s), also while a next() is pending', async (how) => {
    const closed: string[] = [];
    let unblock!: () => void;
    const slowFetch = new Promise<void>((r) => (unblock = r));
    findHandler = {
      async *find(req) {
        try {
          yield match(0);
          if (req.messageId === 2) await slowFetch;
          for (let i = 1; i < 5000; i++) yield match(i);
        } finally {
          closed.push(`find ${req.messageId}`);
        }
      },
    };
    await start();
    // 1: the peer stops reading, so the server waits for 'drain'; 2: the handler sits in a slow await.
    for (const messageId of [1, 2]) {
      const scu = await TestScu.associated(port);
      if (messageId === 1) scu.socket.pause();
      scu.sendMessage(3, findRq(messageId), query());
      await until(() => server.stats.associationsOpen === 1 && (messageId === 1 ? true : scu.messagesWaiting > 0));
      await tick(50);
      if (how === 'A-ABORT') scu.abort();
      else scu.reset();
      await until(() => server.stats.associationsOpen === 0);
      if (messageId === 2) unblock();
      await until(() => closed.length === messageId);
    }
    expect(closed).toEqual(['find 1', 'find 2']);
  });

  it('turns a throwing handler into 0xC311 and keeps the association', async () => {
    findHandler = {
      async *find() {
        throw new Error('database unavailable');
      },
    };
    await start();
    const scu = await TestScu.associated(port);
    scu.sendMessage(3, findRq(), query());
    expect((await scu.nextMessage()).command).toMatchObject({ status: DimseStatus.FindHandlerFailed, errorComment: 'Unable to process the query' });
    scu.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 2, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    expect((await scu.nextMessage()).command.status).toBe(0);
  });

  it('passes the handler final status through, and skips a match that cannot be encoded, answering the rest', async () => {
    const warnings: object[] = [];
    findHandler = {
      async *find() {
        yield { ...match(0, 'ISO_IR 100', 'Müller^Zoë'), ref: 'step-0' };
        yield { ...match(1, 'ISO_IR 100', 'Łukasiewicz^Jan'), ref: 'step-1' };
        const tooLong = match(2);
        setString(tooLong.identifier, Tags.AccessionNumber, 'A'.repeat(70000));
        yield { ...tooLong, ref: 'step-2' };
        yield { ...match(3), ref: 'step-3' };
        return { status: DimseStatus.Success };
      },
    };
    await start({ logger: { info() {}, error() {}, debug() {}, warn: (o) => void warnings.push(o) } });
    const scu = await TestScu.associated(port);
    scu.sendMessage(3, findRq(), query());
    const answered: string[] = [];
    let last;
    while ((last = await scu.nextMessage()).command.status === 0xff00) answered.push(getString(last.identifier!, Tags.PatientID) ?? '');
    expect(answered).toEqual(['PAT1000', 'PAT1003']);
    expect(last.command).toMatchObject({ status: DimseStatus.Success });
    const skipped = warnings.filter((w) => (w as { event: string }).event === 'dimse.c-find-match-skipped');
    expect(skipped).toEqual([
      expect.objectContaining({ ref: 'step-1', attribute: 'PatientName', reason: 'UNREPRESENTABLE_CHARACTER', position: 2 }),
      expect.objectContaining({ ref: 'step-2', attribute: 'AccessionNumber', reason: 'VALUE_TOO_LONG', position: 3 }),
    ]);
    expect(JSON.stringify(warnings)).not.toMatch(/Łukasiewicz|AAAA/);

    findHandler = { async *find() { return { status: 0xa700, errorComment: 'Out of resources', offendingElements: [Tags.PatientName] }; } };
    scu.sendMessage(3, findRq(2), query());
    expect((await scu.nextMessage()).command).toMatchObject({ status: 0xa700, errorComment: 'Out of resources', offendingElement: [Tags.PatientName] });
  });

  it('waits for drain: a reader that stops reading stops the handler', async () => {
    let yielded = 0;
    findHandler = {
      async *find() {
        for (let i = 0; i < 20000; i++, yielded++) yield match(i);
      },
    };
    await start();
    const scu = await TestScu.associated(port);
    scu.socket.pause();
    scu.sendMessage(3, findRq(), query());
    // Stalled: the count stops moving (sampled until it does, however slow the machine) short of the end.
    let stalledAt = -1;
    for (let i = 0; i < 50 && yielded !== stalledAt; i++) {
      stalledAt = yielded;
      await tick(100);
    }
    expect(yielded).toBe(stalledAt);
    expect(yielded).toBeLessThan(20000);
    scu.socket.resume();
    let last;
    do last = await scu.nextMessage(5000);
    while (last.command.status === 0xff00);
    expect(last.command.status).toBe(0);
    expect(yielded).toBe(20000);
  }, 30_000);

  it('routes N-CREATE and N-SET to the N handler', async () => {
    nHandler = {
      create: jest.fn(async (req) => ({ status: 0, sopInstanceUid: req.sopInstanceUid })),
      set: jest.fn(async () => ({ status: 0x0110, errorId: 0xa710, errorComment: 'Performed Procedure Step Object may no longer be updated' })),
    };
    await start();
    const scu = await TestScu.associated(port);
    const ds = setString(createDataset(), Tags.PerformedProcedureStepStatus, 'IN PROGRESS');
    scu.sendMessage(5, { commandField: CommandField.NCreateRq, messageId: 3, affectedSopClassUid: SopClass.ModalityPerformedProcedureStep, affectedSopInstanceUid: '1.2.3.4', hasDataset: true }, ds);
    expect((await scu.nextMessage()).command).toMatchObject({ commandField: CommandField.NCreateRsp, status: 0, affectedSopInstanceUid: '1.2.3.4' });
    expect(nHandler.create).toHaveBeenCalledWith(expect.objectContaining({ messageId: 3, sopClassUid: SopClass.ModalityPerformedProcedureStep, sopInstanceUid: '1.2.3.4', dataset: ds }));
    scu.sendMessage(5, { commandField: CommandField.NSetRq, messageId: 4, requestedSopClassUid: SopClass.ModalityPerformedProcedureStep, requestedSopInstanceUid: '1.2.3.4', hasDataset: true }, ds);
    expect((await scu.nextMessage()).command).toMatchObject({ commandField: CommandField.NSetRsp, status: 0x0110, errorId: 0xa710, affectedSopInstanceUid: '1.2.3.4' });
  });

  it('aborts a malformed PDU without disturbing other associations', async () => {
    await start();
    const good = await TestScu.associated(port);
    const bad = await TestScu.associated(port);
    bad.send(Buffer.from([0x09, 0, 0, 0, 0, 4, 0, 0, 0, 0]));
    expect(await bad.nextPdu()).toEqual({ type: PduType.Abort, source: 2, reason: AbortReason.UnrecognizedPdu });
    await bad.closed;
    good.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 1, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    expect((await good.nextMessage()).command.status).toBe(0);
  });

  it.each([
    ['an oversized P-DATA-TF', Buffer.from([PduType.PDataTf, 0, 0, 1, 0, 0]), AbortReason.InvalidPduParameterValue],
    ['a second A-ASSOCIATE-RQ', encodePdu({ type: PduType.AssociateRj, result: 1, source: 1, reason: 1 }), AbortReason.UnexpectedPdu],
    ['a PDV on a context that was not accepted', encodePdu({ type: PduType.PDataTf, pdvs: [{ contextId: 99, command: true, last: true, data: Buffer.alloc(2) }] }), AbortReason.InvalidPduParameterValue],
  ])('answers %s with A-ABORT', async (_name, bytes, reason) => {
    await start();
    const scu = await TestScu.associated(port);
    scu.send(bytes);
    expect(await scu.nextPdu()).toEqual({ type: PduType.Abort, source: 2, reason });
  });

  it('rejects the wrong called AE title, without evicting anyone for it', async () => {
    await start({ maxAssociations: 1 });
    const idle = await TestScu.associated(port);
    const wrong = await TestScu.connect(port);
    expect(await wrong.associate({ calledAeTitle: 'WRONG' })).toEqual({ type: PduType.AssociateRj, result: 1, source: 1, reason: 7 });
    idle.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 1, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    expect((await idle.nextMessage()).command.status).toBe(0);
    await until(() => server.stats.associationsRejected === 1);
    expect(server.stats.associationsEvicted).toBe(0);
  });

  it('at the limit, aborts the longest-idle association to admit a new one', async () => {
    await start({ maxAssociations: 2 });
    const oldest = await TestScu.associated(port);
    const recent = await TestScu.associated(port);
    oldest.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 1, affectedSopClassUid: SopClass.Verification, hasDataset: false });
    await oldest.nextMessage(); // now `recent` has been idle longest
    const newcomer = await TestScu.associated(port);
    expect(await recent.nextPdu()).toEqual({ type: PduType.Abort, source: 2, reason: 0 });
    for (const scu of [oldest, newcomer]) {
      scu.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 2, affectedSopClassUid: SopClass.Verification, hasDataset: false });
      expect((await scu.nextMessage()).command.status).toBe(0);
    }
    expect(server.stats.associationsEvicted).toBe(1);
  });

  it('never evicts an association with an operation running: with none idle, rejects as transient local limit exceeded', async () => {
    let unblock!: () => void;
    const slow = new Promise<void>((r) => (unblock = r));
    findHandler = {
      async *find() {
        yield match(0);
        await slow;
      },
    };
    await start({ maxAssociations: 1 });
    const busy = await TestScu.associated(port);
    busy.sendMessage(3, findRq(), query());
    await busy.nextMessage();
    const extra = await TestScu.connect(port);
    expect(await extra.associate()).toEqual({ type: PduType.AssociateRj, result: 2, source: 3, reason: 2 });
    unblock();
    expect((await busy.nextMessage()).command.status).toBe(DimseStatus.Success);
    expect(server.stats).toMatchObject({ associationsEvicted: 0, associationsRefusedAtLimit: 1 });
  });

  it('per peer: a peer at its own limit evicts only its own idle association, others are untouched', async () => {
    await start({ maxAssociations: 10, maxAssociationsPerPeer: 2 });
    const other = await TestScu.associated(port, {}, '127.0.0.2');
    const first = await TestScu.associated(port);
    const second = await TestScu.associated(port);
    await TestScu.associated(port);
    expect(await first.nextPdu()).toEqual({ type: PduType.Abort, source: 2, reason: 0 });
    for (const scu of [other, second]) {
      scu.sendMessage(1, { commandField: CommandField.CEchoRq, messageId: 1, affectedSopClassUid: SopClass.Verification, hasDataset: false });
      expect((await scu.nextMessage()).command.status).toBe(0);
    }
    expect(server.stats.associationsEvicted).toBe(1);
  });

  it('aborts an idle association and closes a silent connection after ARTIM', async () => {
    await start({ idleTimeoutMs: 100, artimTimeoutMs: 100 });
    const idle = await TestScu.associated(port);
    expect(await idle.nextPdu()).toEqual({ type: PduType.Abort, source: 2, reason: 0 });
    const silent = await TestScu.connect(port);
    await silent.closed;
    expect(silent.isClosed).toBe(true);
  });

  it('close() aborts idle associations and stops listening', async () => {
    await start();
    const scu = await TestScu.associated(port);
    await server.close(200);
    expect(await scu.nextPdu()).toEqual({ type: PduType.Abort, source: 0, reason: 0 });
    await expect(TestScu.connect(port)).rejects.toThrow();
  });
});
