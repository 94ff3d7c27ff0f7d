/** What we do with each HL7 message type (MSH-9.1 ^ MSH-9.2). Data, checked by the MSH validator. */
export type RouteKind = 'order' | 'adt' | 'adt-ignored';

const ORDER_TYPES: Record<string, true> = { 'ORM^O01': true, 'OMI^O23': true };

/** ADT events that change patients or visits; the rest are acknowledged and change nothing. */
const ADT_APPLIED = new Set(['A01', 'A02', 'A03', 'A04', 'A05', 'A08', 'A11', 'A13', 'A28', 'A31', 'A34', 'A35', 'A36', 'A40', 'A46', 'A47', 'A49']);

/** Every ADT event HL7 v2.x defines (A01–A62), so an unknown one is told apart from one we ignore. */
const ADT_KNOWN = new Set(Array.from({ length: 62 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`));

export function routeOf(code: string, trigger: string, unhandledAdt: 'accept' | 'reject'): RouteKind | 'unsupported-type' | 'unsupported-event' {
  if (code === 'ORM' || code === 'OMI') return ORDER_TYPES[`${code}^${trigger}`] ? 'order' : 'unsupported-event';
  if (code === 'ADT') {
    if (ADT_APPLIED.has(trigger)) return 'adt';
    if (ADT_KNOWN.has(trigger) && unhandledAdt === 'accept') return 'adt-ignored';
    return 'unsupported-event';
  }
  return 'unsupported-type';
}
