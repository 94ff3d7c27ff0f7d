import { adt, omiO23 } from '@radflow/testing';
import { parseHl7 } from '../parser';
import { toAdtCommand } from './adt-message.mapper';
import { DESCRIPTIVE_TEXT_BOUNDS, TruncatedText, truncateChars } from './dicom-text-bounds';
import { toPlaceOrdersCommand } from './order-message.mapper';

describe('descriptive texts are cut to their DICOM maximum, and reported', () => {
  const ordersOf = (text: string) => {
    const cut: TruncatedText[] = [];
    const cmd = toPlaceOrdersCommand(parseHl7(text), { onTruncated: (t) => cut.push(t) });
    return { cmd, cut, step: cmd.groups[0].procedures[0].steps[0] };
  };

  it('cuts a 70,000-character station name (IPC-7, SH) to 16 and says which attribute', () => {
    const { step, cut } = ordersOf(omiO23({ stationName: 'S'.repeat(70_000) }));
    expect(step.stationName).toBe('S'.repeat(16));
    expect(cut).toEqual([{ attribute: 'step.stationName', vr: 'SH', max: 16 }]);
  });

  it('leaves texts within their maximum as they are, and reports nothing', () => {
    const { step, cut } = ordersOf(omiO23({ stationName: 'S'.repeat(16), location: 'L'.repeat(16) }));
    expect(step.stationName).toBe('S'.repeat(16));
    expect(step.location).toBe('L'.repeat(16));
    expect(cut).toEqual([]);
  });

  it('cuts names (PN, 64 per group), descriptions (LO) and comments (LT)', () => {
    const { cmd, step, cut } = ordersOf(
      omiO23({ name: `${'F'.repeat(70)}^GIVEN`, protocolCodes: `P1^${'D'.repeat(100)}^LOCAL`, notes: ['N'.repeat(20_000)] }),
    );
    expect(cmd.patient.name).toBe('F'.repeat(64));
    expect(step.description).toBe('D'.repeat(64));
    expect(step.protocolCodes![0].meaning).toBe('D'.repeat(64));
    expect((cmd.groups[0].procedures[0].comments as string).length).toBe(10240);
    expect(cut.map((c) => c.attribute).sort()).toEqual(['order.comments', 'patient.name', 'procedure.comments', 'step.description', 'step.protocolCode.meaning'].sort());
  });

  it('keeps allergy values within LO each and within LT together', () => {
    const allergies = Array.from({ length: 400 }, (_, i) => `A${i}^${'x'.repeat(100)}^L`);
    const cut: TruncatedText[] = [];
    const cmd = toAdtCommand(parseHl7(adt({ event: 'A08', allergies })), { onTruncated: (t) => cut.push(t) });
    if (cmd.kind !== 'upsert-patient') throw new Error(cmd.kind);
    const values = (cmd.visit.allergies as string).split('\\');
    expect(values.every((v) => v.length === 64)).toBe(true);
    expect((cmd.visit.allergies as string).length).toBeLessThanOrEqual(10240);
    expect(cut).toEqual([{ attribute: 'visit.allergies', vr: 'LO', max: 64 }]);
  });

  it('cuts ADT names too', () => {
    const cmd = toAdtCommand(parseHl7(adt({ event: 'A08', name: `${'N'.repeat(65)}^X` })));
    if (cmd.kind !== 'upsert-patient') throw new Error(cmd.kind);
    expect(cmd.patient.name).toBe('N'.repeat(64));
  });

  it('has a bound of at most its VR maximum for every text', () => {
    const vrMax = { PN: 64, LO: 64, SH: 16, LT: 10240 };
    for (const bounds of Object.values(DESCRIPTIVE_TEXT_BOUNDS)) {
      for (const [vr, max] of Object.values(bounds)) expect(max).toBe(vrMax[vr]);
    }
  });

  it('counts characters, not UTF-16 units, and never splits a pair', () => {
    expect(truncateChars('😀😀😀', 2)).toBe('😀😀');
    expect(truncateChars('ab', 2)).toBe('ab');
  });
});
