/** MLLP release 2 block characters (hl7-inbound.md §1). */
export const MLLP_START_BLOCK = 0x0b; // <VT>
export const MLLP_END_BLOCK = 0x1c; // <FS>
export const MLLP_CARRIAGE_RETURN = 0x0d; // <CR>

/** How much of an oversized frame is kept so the caller can still read its MSH for an AR ACK. */
export const MLLP_OVERSIZE_HEAD_BYTES = 4096;
