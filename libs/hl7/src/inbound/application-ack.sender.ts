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
}

/** 1 s, 2 s, 4 s … 128 s: about four minutes, which outlives a RIS interface engine restart. */
const DEFAULTS: Required<RetryingSenderOptions> = { attempts: 8, firstDelayMs: 1000, replyTimeoutMs: 10_000 };

/**
 * Delivers application ACKs over a new MLLP connection each, retrying with backoff until the peer
 * answers with a frame (whatever its MSA-1: the ACK reached it). Best effort: what is pending lives
 * in memory only, so a restart loses it; every loss is logged (`hl7.application-ack-lost`) with the
 * control id it answered, for the interface analyst to follow up.
 */
export class RetryingApplicationAckSender implements ApplicationAckSender {
  private readonly options: Required<RetryingSenderOptions>;
  private readonly pending = new Set<Promise<void>>();
  private readonly waits = new Set<() => void>();
  private closed = false;

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
    for (const wake of this.waits) wake();
    await Promise.allSettled([...this.pending]);
  }

  private async deliver(ack: OutboundApplicationAck): Promise<void> {
    const fields = { profile: ack.profile, controlId: ack.controlId, ackCode: ack.code };
    const endpoint = parseMllpUrl(ack.url);
    let delay = this.options.firstDelayMs;
    for (let attempt = 1; attempt <= this.options.attempts && !this.closed; attempt++) {
      try {
        const reply = await sendMllp(endpoint, ack.bytes, this.options.replyTimeoutMs);
        this.log.info({ event: 'hl7.application-ack-sent', ...fields, attempt, replyCode: replyCodeOf(reply) }, 'application ACK delivered');
        return;
      } catch (e) {
        if (attempt === this.options.attempts) break;
        this.log.warn({ event: 'hl7.application-ack-retry', ...fields, attempt, delayMs: delay, ...errorFields(e) }, 'application ACK not delivered; retrying');
        await this.sleep(delay);
        delay *= 2;
      }
    }
    this.log.error({ event: 'hl7.application-ack-lost', ...fields, reason: this.closed ? 'shutdown' : 'attempts-exhausted' }, 'application ACK not delivered; giving up');
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
