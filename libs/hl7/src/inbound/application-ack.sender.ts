import { errorFields, Logger } from '@radflow/observability';
import { parseMllpUrl, sendMllp } from '../mllp/mllp-client';

/** An application ACK (true enhanced mode) for the sender's return link. */
export interface OutboundApplicationAck {
  /** `mllp://host:port` from the sender's profile */
  url: string;
  bytes: Buffer;
  /** MSA-1: AA, AE or AR */
  code: string;
  /** MSH-10 of the message it answers: for the log line */
  controlId?: string;
  /** The sender profile's name: for the log line */
  profile: string;
  /** The stored message it answers, when the ACK is stored with it (then it is marked sent). */
  messageRef?: string;
}

/** Where the inbound service hands application ACKs; it never waits for their delivery. */
export interface ApplicationAckSender {
  send(ack: OutboundApplicationAck): void;
}

export interface RetryingSenderOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the second try; it doubles after each failure. */
  firstDelayMs?: number;
  /** How long one try waits for the peer's reply. */
  replyTimeoutMs?: number;
  /** Connections open at once: a start-up resending thousands must not open thousands. */
  maxInFlight?: number;
  /** Told of each delivery, e.g. to mark the stored ACK sent; its failure is logged, not retried. */
  onDelivered?: (ack: OutboundApplicationAck) => Promise<void>;
}

/** 1 s, 2 s, 4 s … 128 s: about four minutes, which outlives a RIS interface engine restart. */
const DEFAULTS: Required<Omit<RetryingSenderOptions, 'onDelivered'>> = { attempts: 8, firstDelayMs: 1000, replyTimeoutMs: 10_000, maxInFlight: 8 };

/**
 * Delivers application ACKs over a new MLLP connection each, retrying with backoff until the peer
 * answers with a frame (whatever its MSA-1: the ACK reached it). An ACK stored with its message
 * (messageRef) that runs out of tries, or is still pending at shutdown, stays stored and is sent
 * again at the next start (`hl7.application-ack-deferred`); one that is not stored is lost
 * (`hl7.application-ack-lost`). Either line names the control id it answers.
 */
export class RetryingApplicationAckSender implements ApplicationAckSender {
  private readonly options: Required<Omit<RetryingSenderOptions, 'onDelivered'>> & Pick<RetryingSenderOptions, 'onDelivered'>;
  private readonly pending = new Set<Promise<void>>();
  private readonly waits = new Set<() => void>();
  private closed = false;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];

  constructor(
    private readonly log: Logger,
    options: RetryingSenderOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  send(ack: OutboundApplicationAck): void {
    const run: Promise<void> = this.deliver(ack).finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Stops retrying; what is still pending is logged as lost. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waits, ...this.slotWaiters.splice(0)]) wake();
    await Promise.allSettled([...this.pending]);
  }

  private async deliver(ack: OutboundApplicationAck): Promise<void> {
    const fields = { profile: ack.profile, controlId: ack.controlId, ackCode: ack.code };
    const endpoint = parseMllpUrl(ack.url);
    let delay = this.options.firstDelayMs;
    for (let attempt = 1; attempt <= this.options.attempts && !this.closed; attempt++) {
      try {
        const reply = await this.inSlot(() => sendMllp(endpoint, ack.bytes, this.options.replyTimeoutMs));
        this.log.info({ event: 'hl7.application-ack-sent', ...fields, attempt, replyCode: replyCodeOf(reply) }, 'application ACK delivered');
        await this.options.onDelivered?.(ack).catch((e) => this.log.error({ event: 'hl7.application-ack-unmarked', ...fields, ...errorFields(e) }, 'application ACK delivered but not marked sent; it will be sent again at the next start'));
        return;
      } catch (e) {
        if (attempt === this.options.attempts) break;
        this.log.warn({ event: 'hl7.application-ack-retry', ...fields, attempt, delayMs: delay, ...errorFields(e) }, 'application ACK not delivered; retrying');
        await this.sleep(delay);
        delay *= 2;
      }
    }
    const reason = this.closed ? 'shutdown' : 'attempts-exhausted';
    if (ack.messageRef) this.log.warn({ event: 'hl7.application-ack-deferred', ...fields, reason }, 'application ACK not delivered; kept for the next start');
    else this.log.error({ event: 'hl7.application-ack-lost', ...fields, reason }, 'application ACK not delivered; giving up');
  }

  private async inSlot<T>(run: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.options.maxInFlight && !this.closed) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    if (this.closed) throw new Error('sender closed');
    this.inFlight++;
    try {
      return await run();
    } finally {
      this.inFlight--;
      this.slotWaiters.shift()?.();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waits.add(wake);
    });
  }
}

/** MSA-1 of the peer's reply, for the log; the reply's other fields are not read. */
function replyCodeOf(reply: Buffer): string | undefined {
  const text = reply.toString('latin1');
  const msa = text.split(/\r\n|\r|\n/).find((segment) => segment.startsWith('MSA'));
  const code = msa?.split(msa.charAt(3))[1];
  return code && /^[A-Z]{2}$/.test(code) ? code : undefined;
}
