import { MessageTypeSupport } from '../../msh';
import { Hl7MessageType, Hl7RouteHandler } from './hl7-route-handler';

/**
 * Message type → route handler (dcm4che's HL7ServiceRegistry, HAPI's ApplicationRouter). The MSH
 * validator asks it what we handle, the applier which handler applies a message: one table, so
 * the two cannot disagree. A type claimed by two handlers is a wiring mistake, refused at start-up.
 */
export class Hl7RouteRegistry {
  private readonly handlers = new Map<Hl7MessageType, Hl7RouteHandler>();
  private readonly fallbacks = new Map<Hl7MessageType, Hl7RouteHandler>();
  private readonly codes = new Set<string>();

  constructor(handlers: readonly Hl7RouteHandler[] = []) {
    for (const handler of handlers) this.register(handler);
  }

  register(handler: Hl7RouteHandler): this {
    const table = handler.fallback ? this.fallbacks : this.handlers;
    for (const type of handler.types) {
      const taken = table.get(type);
      if (taken) throw new Error(`HL7 route ${type} claimed by both ${taken.name} and ${handler.name}`);
      table.set(type, handler);
      this.codes.add(codeOf(type));
    }
    return this;
  }

  /** The handler for `CODE^EVENT`, if any. */
  find(type: Hl7MessageType): Hl7RouteHandler | undefined {
    return this.handlers.get(type) ?? this.fallbacks.get(type);
  }

  /** For the MSH validator: a code we never route is an unsupported type (200), else an unsupported event (201). */
  support(type: Hl7MessageType): MessageTypeSupport {
    if (this.find(type)) return 'handled';
    return this.codes.has(codeOf(type)) ? 'unsupported-event' : 'unsupported-type';
  }

  /** Every type served, for documentation and specs. */
  types(): Hl7MessageType[] {
    return [...new Set([...this.handlers.keys(), ...this.fallbacks.keys()])].sort();
  }
}

function codeOf(type: Hl7MessageType): string {
  return type.split('^')[0];
}
