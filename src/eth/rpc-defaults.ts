/** Default limit on one RPC request. */
export const DEFAULT_RPC_TIMEOUT_MS = 30_000;
/** Default limit on waiting for a transaction to be mined. */
export const DEFAULT_CONFIRMATION_TIMEOUT_MS = 300_000;
