import { connect, Socket } from 'node:net';
import { DimseCommand, encodeCommand } from './command-set';
import { decodeDataset } from './dataset-decoder';
import { encodeDataset } from './dataset-encoder';
import type { DicomDataset } from './dicom-dataset';
import { DimseMessage, encodeMessage, MessageAssembler } from './dimse-message';
import { AssociateAcPdu, AssociateRqPdu, decodePdu, encodePdu, Pdu, PduType } from './pdu';
import { PduReader } from './pdu-reader';
import { DICOM_APPLICATION_CONTEXT, SopClass, TransferSyntax } from './uids';

/**
 * Test-only DICOM requestor speaking raw PDUs, so specs can drive the server into states a
 * well-behaved SCU never reaches (malformed PDUs, pauses, cancels at exact moments).
 */
export class TestScu {
  readonly closed: Promise<void>;
  private readonly reader = new PduReader(0);
  private readonly assembler = new MessageAssembler();
  private readonly pdus: Pdu[] = [];
  private readonly messages: DimseMessage[] = [];
  private waiters: (() => void)[] = [];
  private explicitVr = true;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.reader.push(chunk);
      for (let raw = this.reader.next(); raw; raw = this.reader.next()) {
        const pdu = decodePdu(raw.type, raw.body);
        if (pdu.type !== PduType.PDataTf) this.pdus.push(pdu);
        else
          for (const pdv of pdu.pdvs) {
            const m = this.assembler.push(pdv);
            if (m) this.messages.push(m);
          }
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => (this.wake(), resolve())));
  }

  /** `localAddress` (another loopback address such as 127.0.0.2) makes the server see a different peer. */
  static connect(port: number, localAddress?: string): Promise<TestScu> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new TestScu(socket)));
      socket.once('error', reject);
    });
  }

  static async associated(port: number, overrides: Partial<AssociateRqPdu> = {}, localAddress?: string): Promise<TestScu> {
    const scu = await TestScu.connect(port, localAddress);
    const answer = await scu.associate(overrides);
    if (answer.type !== PduType.AssociateAc) throw new Error(`association rejected: ${JSON.stringify(answer)}`);
    return scu;
  }

  async associate(overrides: Partial<AssociateRqPdu> = {}): Promise<Pdu> {
    const transferSyntaxes = overrides.presentationContexts?.[0]?.transferSyntaxes ?? [TransferSyntax.ExplicitVrLittleEndian];
    this.explicitVr = transferSyntaxes[0] === TransferSyntax.ExplicitVrLittleEndian;
    this.send(
      encodePdu({
        type: PduType.AssociateRq,
        protocolVersion: 1,
        calledAeTitle: 'RADFLOW',
        callingAeTitle: 'TESTSCU',
        applicationContext: DICOM_APPLICATION_CONTEXT,
        presentationContexts: [
          { id: 1, abstractSyntax: SopClass.Verification, transferSyntaxes },
          { id: 3, abstractSyntax: SopClass.ModalityWorklistInformationModelFind, transferSyntaxes },
          { id: 5, abstractSyntax: SopClass.ModalityPerformedProcedureStep, transferSyntaxes },
        ],
        userInformation: { maxLength: 16384, implementationClassUid: '1.2.3', roleSelections: [] },
        ...overrides,
      }),
    );
    return this.nextPdu();
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendMessage(contextId: number, command: DimseCommand, dataset?: DicomDataset): void {
    const ds = dataset ? encodeDataset(dataset, { explicitVr: this.explicitVr }) : undefined;
    this.send(encodeMessage(contextId, encodeCommand(command), ds, 16384));
  }

  async nextPdu(timeoutMs = 2000): Promise<Pdu> {
    await this.until(() => this.pdus.length > 0, timeoutMs);
    return this.pdus.shift() as Pdu;
  }

  async nextMessage(timeoutMs = 2000): Promise<DimseMessage & { identifier?: DicomDataset }> {
    await this.until(() => this.messages.length > 0, timeoutMs);
    const m = this.messages.shift() as DimseMessage;
    return { ...m, identifier: m.dataset ? decodeDataset(m.dataset, { explicitVr: this.explicitVr }) : undefined };
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** DIMSE messages received and not yet taken with nextMessage(). */
  get messagesWaiting(): number {
    return this.messages.length;
  }

  /** A-ABORT (source: service user) and close, as a modality that gives up mid-operation. */
  abort(): void {
    this.socket.end(encodePdu({ type: PduType.Abort, source: 0, reason: 0 }));
  }

  /** TCP RST: the peer vanishes without any PDU. */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  async release(): Promise<Pdu> {
    this.send(encodePdu({ type: PduType.ReleaseRq }));
    const rp = await this.nextPdu();
    this.socket.end();
    return rp;
  }

  private async until(ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.socket.destroyed && !ready()) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 20);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}

export type { AssociateAcPdu };
