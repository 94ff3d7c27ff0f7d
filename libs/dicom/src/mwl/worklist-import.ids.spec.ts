import { generatedRequestedProcedureId, generatedStepId } from './worklist-import.ids';

describe('generated worklist ids', () => {
  // Pinned: a changed scheme would make a re-run after an upgrade import every file again.
  it('stay the same from release to release', () => {
    expect(generatedRequestedProcedureId('RADFLOW/wl1.wl', undefined)).toBe('RPPCV9HX382YDBW1');
    expect(generatedRequestedProcedureId('RADFLOW/wl1.wl', '2.25.1')).toBe('RPSAWFXV637XM0NY');
    expect(generatedStepId('RADFLOW/wl1.wl', 1)).toBe('SPS49AD4D9GXY4GN');
  });

  it('are SH-sized, upper-case base32, and differ per file, per study and per step', () => {
    const ids = [
      generatedRequestedProcedureId('RADFLOW/a.wl', undefined),
      generatedRequestedProcedureId('RADFLOW/b.wl', undefined),
      generatedRequestedProcedureId('RADFLOW/a.wl', '2.25.1'),
      generatedRequestedProcedureId('RADFLOW/a.wl', '2.25.2'),
      generatedStepId('RADFLOW/a.wl', 1),
      generatedStepId('RADFLOW/a.wl', 2),
      generatedStepId('RADFLOW/b.wl', 1),
      generatedStepId('MR/a.wl', 1),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(RP|SPS)[0-9A-HJKMNP-TV-Z]+$/);
    for (const id of ids) expect(id).toHaveLength(16);
  });

  it('a Study Instance UID names the requested procedure whatever the file', () => {
    expect(generatedRequestedProcedureId('RADFLOW/a.wl', '2.25.1')).toBe(generatedRequestedProcedureId('OTHER/b.wl', '2.25.1'));
  });
});
