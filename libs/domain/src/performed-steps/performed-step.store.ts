/** Port: the performed procedure steps (MPPS) a modality reported, bound to one transaction. Implemented in libs/persistence. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PerformedStepStore {}
