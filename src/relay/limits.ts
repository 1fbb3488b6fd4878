/** Defaults for a relay deployment: callbacks may ask for up to 5M gas; inline inputs up to 16 KiB. */
export const DEFAULT_MAX_CALLBACK_GAS = 5_000_000n;
export const DEFAULT_MAX_INLINE_INPUT_BYTES = 16_384n;
