/**
 * A value in an update: a new value, `null` to clear the stored one (HL7 `""`), or `undefined` to
 * keep it (the sender left the field empty).
 */
export type FieldUpdate<T> = T | null | undefined;

/** Applies an update to a stored value. */
export function applyUpdate<T>(current: T | null, update: FieldUpdate<T>): T | null {
  return update === undefined ? current : update;
}
