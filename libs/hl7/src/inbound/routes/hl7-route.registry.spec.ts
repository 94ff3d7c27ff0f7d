import { ADT_EVENT_TABLE } from '../../mapping';
import { ADT_EVENTS } from './adt-ignored.handler';
import { defaultRoutes } from './default-routes';
import { Hl7RouteHandler } from './hl7-route-handler';
import { Hl7RouteRegistry } from './hl7-route.registry';

const ORDER_POLICY = { newOrderWhenExists: 'reject' as const };
const accepting = () => defaultRoutes({ orderPolicy: ORDER_POLICY, unhandledAdt: 'accept' });
const rejecting = () => defaultRoutes({ orderPolicy: ORDER_POLICY, unhandledAdt: 'reject' });
const handler = (name: string, types: string[], fallback = false): Hl7RouteHandler => ({ name, types, fallback, apply: async () => undefined });

describe('HL7 route registry', () => {
  it('routes each message type to its handler', () => {
    const routes = accepting();
    expect(['ORM^O01', 'OMI^O23', 'ADT^A08', 'ADT^A40', 'ADT^A47', 'ADT^A17', 'ORU^R01'].map((t) => routes.find(t)?.name)).toEqual([
      'orders', 'orders', 'adt-patient', 'adt-merge', 'adt-change-id', 'adt-ignored', 'reports',
    ]);
  });

  it('tells the MSH check what it handles: an unknown code is an unsupported type (200), an unknown event of a known code an unsupported event (201)', () => {
    const routes = accepting();
    expect(routes.support('ORU^R01')).toBe('handled');
    expect(routes.support('SIU^S12')).toBe('unsupported-type');
    expect(routes.support('ORU^R30')).toBe('unsupported-event');
    expect(routes.support('ORM^O02')).toBe('unsupported-event');
    expect(routes.support('ADT^A99')).toBe('unsupported-event');
    expect(routes.support('ADT^')).toBe('unsupported-event');
  });

  it('serves the ADT events that change nothing only when the site accepts them (HL7_UNHANDLED_ADT)', () => {
    expect(accepting().support('ADT^A17')).toBe('handled');
    expect(rejecting().support('ADT^A17')).toBe('unsupported-event');
    expect(rejecting().support('ADT^A08')).toBe('handled');
  });

  it('gives every event the ADT mapper knows a route of its own, not the ignoring one', () => {
    const routes = rejecting();
    for (const event of Object.keys(ADT_EVENT_TABLE)) expect([event, routes.find(`ADT^${event}`)?.name]).toEqual([event, expect.stringMatching(/^adt-(patient|merge|change-id)$/)]);
    expect(ADT_EVENTS).toHaveLength(62);
  });

  it('refuses two handlers for one type at start-up; a fallback yields to a specific handler', () => {
    expect(() => new Hl7RouteRegistry([handler('a', ['SIU^S12']), handler('b', ['SIU^S12'])])).toThrow('HL7 route SIU^S12 claimed by both a and b');
    const routes = new Hl7RouteRegistry([handler('any', ['SIU^S12', 'SIU^S14'], true), handler('new', ['SIU^S12'])]);
    expect([routes.find('SIU^S12')?.name, routes.find('SIU^S14')?.name]).toEqual(['new', 'any']);
  });

  it('a new message type is one handler registered', () => {
    const routes = rejecting().register(handler('appointments', ['SIU^S12']));
    expect(routes.support('SIU^S12')).toBe('handled');
    expect(routes.support('SIU^S13')).toBe('unsupported-event');
  });
});
