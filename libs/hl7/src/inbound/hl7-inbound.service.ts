import { createHash, randomUUID } from 'node:crypto';
import { DomainError, DomainErrorCode, MessageAlreadyStored, MessageKey, TransactionContext, UnitOfWork } from '@radflow/domain';
import { Logger, errorFields } from '@radflow/observability';
import { ackDelimiters, Hl7Error, Hl7ErrorCode, Hl7Warning, isFramableAck, toHl7Error } from '../ack';
import { decodeHl7, Hl7CharsetError, Hl7CharsetErrorCode, readRawMsh } from '../charset';
import { MappingWarnings } from '../mapping';
import { checkMessageKey, isHl7V2Version, isStorableMessageKey, validateMsh, MshInfo } from '../msh';
import { Hl7InputError, Hl7Message, isBatch, parseHl7, splitBatch } from '../parser';
import { Hl7InboundOptions } from './hl7-inbound.options';
import { AckWriter, encodeInCharset } from './ack-writer';
import { MessageApplier } from './message-applier';
import { profileFromOptions, SenderProfile, SenderProfiles, singleProfile } from './sender-profile';
import { defaultRoutes, Hl7RouteRegistry } from './routes';

export interface InboundContext {
  peer: string;
  connectionId: string;
}

interface Answer {
  bytes: Buffer;
  code: string;
  duplicate?: boolean;
  /** True enhanced mode: the application ACK for the sender's return link, stored with the message, sent after commit. */
  applicationAck?: { bytes: Buffer; code: string };
  /** The stored message's id (not for a duplicate). */
  messageRef?: string;
  /** How many warnings the ACK and the stored message carry (not known for a resend's stored ACK). */
  warnings?: number;
}

/** The duplicate key; null when there is none or it is too long (or holds a NUL) to be stored and indexed. */
function messageKey(p: Prepared): MessageKey | null {
  const controlId = p.info?.controlId ?? p.msg?.controlId;
  if (!controlId || !p.msg) return null;
  const sendingApplication = p.info?.sendingApplication ?? p.msg.msh.raw(3);
  const sendingFacility = p.info?.sendingFacility ?? p.msg.msh.raw(4);
  if (!isStorableMessageKey(sendingApplication, sendingFacility, controlId)) return null;
  return { sendingApplication, sendingFacility, controlId, payloadSha256: p.sha };
}

/** Longest sender-derived text we put in a log column that is no key (type, error text). */
const STORED_TEXT_MAX_CHARS = 1000;

/** Sender-derived text for a text column: PostgreSQL refuses NUL in text, and no column needs a megabyte. */
function storableText(value: string): string {
  const clean = value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
  return clean.length > STORED_TEXT_MAX_CHARS ? clean.slice(0, STORED_TEXT_MAX_CHARS) : clean;
}

interface Prepared {
  raw: Buffer;
  sha: Buffer;
  charset: string | null;
  /** The sender's profile, chosen from MSH-3/MSH-4 before the bytes were decoded. */
  profile: SenderProfile;
  msg?: Hl7Message;
  info?: MshInfo;
  rejection?: Hl7Error;
}

const RETRIES = 3;

/**
 * The inbound path for one framed message: decode, check the header, then in one transaction
 * store it raw, apply it and store its ACK. Returns the ACK bytes to send, only after commit.
 */
export class Hl7InboundService {
  private readonly applier: MessageApplier;
  private readonly acks: AckWriter;
  private readonly profiles: SenderProfiles;
  private readonly routes: Hl7RouteRegistry;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly options: Hl7InboundOptions,
    private readonly log: Logger,
  ) {
    this.routes = defaultRoutes(options);
    this.applier = new MessageApplier(this.routes, options, log);
    this.acks = new AckWriter(options, log);
    this.profiles = options.profiles ?? singleProfile(profileFromOptions(options));
  }

  async handle(raw: Buffer, ctx: InboundContext): Promise<Buffer> {
    let text: string;
    let charset: string | null = null;
    // A batch opens with FHS/BHS; its charset is that of its first message.
    const start = batchBodyOffset(raw);
    const profile = this.profileOfBytes(raw.subarray(start));
    try {
      const decoded = decodeHl7(raw.subarray(start), { defaultCharset: profile.charset });
      text = raw.subarray(0, start).toString('latin1') + decoded.text;
      charset = decoded.charset;
      if (decoded.mismatch) this.log.warn({ event: 'hl7.charset-mismatch', declared: decoded.declared, used: decoded.charset, profile: profile.name, connectionId: ctx.connectionId }, 'bytes disagree with MSH-18');
    } catch (e) {
      return this.unparseable(raw, ctx, charsetError(e));
    }
    if (isBatch(text)) return this.handleBatch(text, charset, ctx);
    return this.handleOne(this.prepare(raw, text, charset, profile), ctx);
  }

  /**
   * The profile of the sender named in the raw MSH (MSH-3.1, MSH-4.1): it says which charset to
   * assume, so it is picked before decoding. Bytes with no readable MSH get the default profile.
   */
  private profileOfBytes(raw: Buffer): SenderProfile {
    const hasBom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
    try {
      const msh = readRawMsh(hasBom ? raw.subarray(3) : raw);
      return this.profiles.profileFor(msh.sendingApplication, msh.sendingFacility);
    } catch {
      return this.profiles.profileFor('', '');
    }
  }

  /**
   * A frame over the size limit is not stored (we never saw all of it); it gets AR from what its
   * first bytes tell of the header, so the sender does not wait forever.
   */
  async rejectOversize(head: Buffer, ctx: InboundContext, limit: number): Promise<Buffer> {
    const error = new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.ApplicationInternalError, userMessage: `message larger than ${limit} bytes` });
    this.log.warn({ event: 'hl7.oversize', connectionId: ctx.connectionId, limit }, 'message too large; answering AR');
    const firstSegment = head.subarray(0, Math.max(0, head.indexOf(0x0d)) || head.length);
    let msg: Hl7Message | undefined;
    try {
      msg = parseHl7(firstSegment.toString('latin1'));
    } catch {
      msg = undefined;
    }
    return this.acks.forMessage({ charset: null, profile: this.profileOfBytes(head), msg }, error).bytes;
  }

  private prepare(raw: Buffer, text: string, charset: string | null, profile: SenderProfile): Prepared {
    const sha = createHash('sha256').update(raw).digest();
    let msg: Hl7Message;
    let refused: Hl7InputError | undefined;
    try {
      msg = parseHl7(text, { limits: this.options.limits });
    } catch (e) {
      if (!(e instanceof Hl7InputError)) return { raw, sha, charset, profile, rejection: toHl7Error(e) };
      // Over a cap or holding a NUL: answered AE from its header, stored, and not applied.
      msg = e.header;
      refused = e;
    }
    let info: MshInfo;
    try {
      info = validateMsh(msg, {
        supportsVersion: isHl7V2Version,
        processingIds: profile.processingIds,
        handledTypes: (type) => this.routes.support(type),
      });
    } catch (e) {
      return { raw, sha, charset, profile, msg, rejection: toHl7Error(e) }; // header problems: AR, whatever else is wrong
    }
    try {
      checkMessageKey(msg, info.version);
    } catch (e) {
      return { raw, sha, charset, profile, msg, info, rejection: toHl7Error(e) };
    }
    return refused ? { raw, sha, charset, profile, msg, info, rejection: toHl7Error(refused, { version: info.version }) } : { raw, sha, charset, profile, msg, info };
  }

  private async handleOne(p: Prepared, ctx: InboundContext): Promise<Buffer> {
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await this.process(p, ctx);
        this.log.info({ event: 'hl7.ack', connectionId: ctx.connectionId, controlId: p.info?.controlId, type: p.info?.type, profile: p.profile.name, ack: ack.code, duplicate: ack.duplicate, warnings: ack.warnings, ms: msSince(started) }, 'ack sent');
        if (ack.applicationAck) this.sendApplicationAck(p, ack.applicationAck, ack.messageRef);
        return ack.bytes;
      } catch (e) {
        if (attempt < RETRIES && isRetryable(e)) continue;
        this.log.error({ event: 'hl7.failed', connectionId: ctx.connectionId, controlId: p.info?.controlId, ...errorFields(e) }, 'message not stored; answering AR');
        return this.acks.forMessage(p, toHl7Error(e)).bytes; // nothing was committed: the sender must resend
      }
    }
  }

  /**
   * Applies the message and stores it with its ACK in one transaction. The message row goes in
   * last: its unique key (sender, control id, bytes) is what makes a resend a duplicate, so a resend
   * rolls back whatever it did and answers with the ACK stored the first time. When the content is
   * refused (AE), the changes are rolled back and the message is stored with its AE in a second
   * transaction: the data stays as it was.
   */
  private async process(p: Prepared, ctx: InboundContext): Promise<Answer> {
    const id = randomUUID();
    const key = messageKey(p);
    let error = p.rejection;
    // Warnings found before a refusal stay with the stored message: they describe what it held.
    let warnings = new MappingWarnings(p.profile.leniency, p.info?.version);
    if (!error) {
      try {
        return await this.uow.run(async (tx) => {
          warnings = new MappingWarnings(p.profile.leniency, p.info?.version); // a retried transaction starts afresh
          await this.checkReusedControlId(tx, key);
          await this.applier.apply(tx, p.msg!, p.info!, id, p.profile, warnings);
          return this.store(tx, p, ctx, id, key, undefined, warnings.list());
        });
      } catch (e) {
        if (e instanceof MessageAlreadyStored) return this.storedAck(key!);
        if (!(e instanceof DomainError)) throw e;
        error = toHl7Error(e, { version: p.info?.version });
      }
    }
    const kept = warnings.list();
    try {
      return await this.uow.run((tx) => this.store(tx, p, ctx, id, key, error, kept));
    } catch (e) {
      if (e instanceof MessageAlreadyStored) return this.storedAck(key!);
      throw e;
    }
  }

  private async store(tx: TransactionContext, p: Prepared, ctx: InboundContext, id: string, key: MessageKey | null, error?: Hl7Error, warnings: readonly Hl7Warning[] = []): Promise<Answer> {
    const ack = this.acks.forMessage(p, error, warnings);
    await tx.messages.insert({
      id, peer: ctx.peer, sendingApplication: key?.sendingApplication ?? storableText(p.msg?.msh.raw(3) ?? ''), sendingFacility: key?.sendingFacility ?? storableText(p.msg?.msh.raw(4) ?? ''),
      controlId: key?.controlId ?? null, messageType: p.info?.type ?? (p.msg ? storableText(p.msg.type) : null), version: p.info?.version ?? null, charset: p.charset, raw: p.raw, payloadSha256: p.sha,
      ack: { ackCode: ack.code, ack: ack.bytes, errorCode: error ? String(error.errorCode) : null, errorText: error ? storableText(error.userMessage) : null },
      warnings,
    });
    if (ack.applicationAck && p.profile.applicationAckUrl) {
      await tx.messages.insertApplicationAck({ messageRef: id, url: p.profile.applicationAckUrl, profile: p.profile.name, ackCode: ack.applicationAck.code, ack: ack.applicationAck.bytes });
    }
    return { ...ack, messageRef: id, warnings: warnings.length };
  }

  private async storedAck(key: MessageKey): Promise<Answer> {
    const stored = await this.uow.run((tx) => tx.messages.findDuplicate(key));
    if (!stored) throw Object.assign(new Error('duplicate without a stored ACK'), { code: '40001' });
    // An ACK stored before ACKs were made safe may hold 0x0B/0x1C: answer something the sender can read.
    if (!isFramableAck(stored.ack)) return { ...this.acks.fallback('ack-unframable'), duplicate: true };
    return { bytes: stored.ack, code: stored.ackCode, duplicate: true };
  }

  /** Same sender and control id, other bytes: refused when the site says so (AE 205). */
  private async checkReusedControlId(tx: TransactionContext, key: MessageKey | null): Promise<void> {
    if (!key || this.options.duplicateIdNewContent !== 'reject') return;
    if (await tx.messages.controlIdSeenWithOtherContent(key)) {
      throw new DomainError(DomainErrorCode.DuplicateMessage, 'control id already used for another message', { entity: 'message', attribute: 'controlId' });
    }
  }

  /** Hands the application ACK to the return link; a resend (duplicate) never gets here: it answers from the store. */
  private sendApplicationAck(p: Prepared, ack: { bytes: Buffer; code: string }, messageRef?: string): void {
    const fields = { event: 'hl7.application-ack-unsent', profile: p.profile.name, controlId: p.info?.controlId, ackCode: ack.code };
    if (!this.options.applicationAcks || !p.profile.applicationAckUrl) {
      this.log.error(fields, 'application ACK requested but no return link is configured');
      return;
    }
    this.options.applicationAcks.send({ url: p.profile.applicationAckUrl, bytes: ack.bytes, code: ack.code, controlId: p.info?.controlId, profile: p.profile.name, messageRef });
  }

  private async unparseable(raw: Buffer, ctx: InboundContext, error: Hl7Error): Promise<Buffer> {
    const p: Prepared = { raw, sha: createHash('sha256').update(raw).digest(), charset: null, profile: this.profileOfBytes(raw), rejection: error };
    return this.handleOne(p, ctx);
  }

  /** A batch (BHS … BTS) is answered with a batch of ACKs, one per message, each applied on its own. */
  private async handleBatch(text: string, charset: string | null, ctx: InboundContext): Promise<Buffer> {
    const parts: Buffer[] = [];
    let messages: string[];
    try {
      messages = splitBatch(text, this.options.limits);
    } catch (e) {
      return this.unparseable(Buffer.from(text, 'utf8'), ctx, toHl7Error(e));
    }
    // The batch ACK is read with the delimiters its ACKs use, so its BHS takes the first message's
    // (the sender's BHS may disagree with its own MSH); only usable delimiters are echoed.
    const header = messages[0] ?? '';
    const d = ackDelimiters({ field: header[3] ?? '', component: header[4] ?? '', repetition: header[5] ?? '', escape: header[6] ?? '', subcomponent: header[7] ?? '' });
    const fs = d.field;
    parts.push(Buffer.from(`BHS${fs}${d.component}${d.repetition}${d.escape}${d.subcomponent}${fs}${this.options.receivingApplication}${fs}${this.options.receivingFacility}\r`, 'latin1'));
    for (const m of messages) {
      const raw = encodeInCharset(m, charset); // the message's own bytes, in the charset they came in
      const ack = await this.handleOne(this.prepare(raw, m, charset, this.profileOfBytes(raw)), ctx);
      parts.push(ack);
    }
    parts.push(Buffer.from(`BTS${fs}${messages.length}\r`, 'latin1'));
    return Buffer.concat(parts);
  }
}

const MSH_AFTER_LINE_END = [Buffer.from('\rMSH', 'latin1'), Buffer.from('\nMSH', 'latin1')];

/**
 * Where the first MSH of a batch starts; 0 for a plain message. indexOf, not /[\r\n]+MSH/: that
 * regex rescans every run of line ends from each of its characters (quadratic on hostile input).
 */
function batchBodyOffset(raw: Buffer): number {
  const head = raw.subarray(0, 3).toString('latin1');
  if (head !== 'FHS' && head !== 'BHS') return 0;
  const found = MSH_AFTER_LINE_END.map((needle) => raw.indexOf(needle)).filter((at) => at >= 0);
  return found.length > 0 ? Math.min(...found) + 1 : 0;
}

/** A message we cannot even decode: not HL7 at all, or a charset we cannot read. */
function charsetError(e: unknown): Hl7Error {
  if (!(e instanceof Hl7CharsetError)) return toHl7Error(e);
  if (e.code === Hl7CharsetErrorCode.NotHl7) {
    return new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.SegmentSequenceError, userMessage: 'not an HL7 v2 message', location: { segment: 'MSH', sequence: 1 } });
  }
  return new Hl7Error({ ackCode: 'AR', errorCode: Hl7ErrorCode.TableValueNotFound, userMessage: 'character set not supported', location: { segment: 'MSH', sequence: 1, field: 18 } });
}

/**
 * Worth another attempt on a fresh connection: a race with a concurrent copy (unique violation,
 * serialization, deadlock) or a connection the server dropped under us (terminated backend, admin
 * shutdown, link lost). Nothing of a failed attempt is committed; should a COMMIT have landed after
 * all, the retry finds the stored message and answers with its ACK.
 */
const RETRYABLE_CODES = new Set(['23505', '40001', '40P01', '57P01', '57P02', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE']);

function isRetryable(e: unknown): boolean {
  const code = (e as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (e as { code?: string })?.code;
  if (code !== undefined) return RETRYABLE_CODES.has(code);
  return e instanceof Error && /Connection terminated|Client has encountered a connection error/.test(e.message);
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
