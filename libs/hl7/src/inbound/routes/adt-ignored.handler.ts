import { Hl7RouteHandler } from './hl7-route-handler';

/** Every ADT event HL7 v2.x defines (A01–A62), so an unknown one is told apart from one we ignore. */
export const ADT_EVENTS: readonly string[] = Array.from({ length: 62 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`);

/**
 * The ADT events no other route serves (A06, A17, A37 …): acknowledged and ignored, so the ADT
 * feed does not stall (hl7-inbound.md §7). Registered only when the site accepts them (HL7_UNHANDLED_ADT).
 */
export class AdtIgnoredHandler implements Hl7RouteHandler {
  readonly name = 'adt-ignored';
  readonly types = ADT_EVENTS.map((e) => `ADT^${e}`);
  readonly fallback = true;

  async apply(): Promise<void> {
    // acknowledged, changes nothing
  }
}
