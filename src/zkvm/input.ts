/**
 * Where a guest's input comes from. The executor asks for bytes only as the guest reads them (READ
 * ecalls), so an input far larger than what the guest consumes costs nothing, and one larger than a
 * JavaScript buffer can hold still works.
 */
export interface InputSource {
  /** Total input length in bytes. */
  readonly length: number;
  /** Fills `into` with the input bytes starting at `position`; the caller keeps within `length`. */
  readAt(position: number, into: Uint8Array): void;
}

/** Input held in memory. */
export function bytesInput(bytes: Uint8Array): InputSource {
  return {
    length: bytes.length,
    readAt: (position, into) => into.set(bytes.subarray(position, position + into.length)),
  };
}
