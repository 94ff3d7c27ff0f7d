/** Port: the reports received for studies, bound to one transaction. Implemented in libs/persistence. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ReportStore {}
