import type { Address, Hex } from "viem";

/** Where the prover finds a request's input (the contract's `InputKind`). */
export const InputKind = { Inline: 0, Url: 1 } as const;
export type InputKind = (typeof InputKind)[keyof typeof InputKind];

/** The contract's `CallbackRequest`: every field a request names, as the relay stores its commitment. */
export interface CallbackRequest {
  requester: Address;
  nonce: bigint;
  imageId: Hex;
  inputDigest: Hex;
  callback: Address;
  selector: Hex;
  gasLimit: bigint;
  deadline: bigint;
}

/** The contract's `RequestStatus`. */
export const OnChainStatus = { None: 0, Pending: 1, Delivered: 2, CallbackFailed: 3, Refunded: 4 } as const;
