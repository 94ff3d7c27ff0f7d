/**
 * A value in an update: a new value, `null` to clear the stored one (HL7 `""`), or `undefined` to
 * keep it (the sender left the field empty).
 */
export type FieldUpdate<T> = T | null | undefined;

