import {
  type Address,
  BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  type Hex,
  type PublicClient,
} from "viem";
import { ZkvmError } from "../errors.ts";
import { receiptVerifierRouterAbi } from "./contracts.ts";
import { allContractErrorsAbi } from "./errors.ts";

/** There is no contract at the verifier address on this chain. */
export class NoContractError extends ZkvmError {
  override name = "NoContractError";
}

/** The result of an on-chain verification: valid, or the revert that rejected it. */
export type OnChainVerification =
  | { valid: true }
  | { valid: false; error: string; args?: readonly unknown[] };

const routerWithErrors = [...receiptVerifierRouterAbi, ...allContractErrorsAbi] as const;

/**
 * Calls `verify(seal, imageId, journalDigest)` on a deployed verifier or router (an `eth_call`, no gas
 * spent). Returns `{ valid: false, error }` for a revert, with the custom error decoded; transport failures
 * (unreachable RPC, no contract at the address) are thrown.
 */
export async function verifyOnChain(args: {
  client: PublicClient;
  verifier: Address;
  seal: Uint8Array | Hex;
  imageId: Uint8Array | Hex;
  journalDigest: Uint8Array | Hex;
}): Promise<OnChainVerification> {
  const hex = (v: Uint8Array | Hex): Hex => (typeof v === "string" ? v : bytesToHex(v));
  const code = await args.client.getCode({ address: args.verifier });
  if (!code || code === "0x") {
    throw new NoContractError(
      `no contract at ${args.verifier} on this chain; check the router address and the RPC endpoint`,
    );
  }
  try {
    await args.client.readContract({
      address: args.verifier,
      abi: routerWithErrors,
      functionName: "verify",
      args: [hex(args.seal), hex(args.imageId), hex(args.journalDigest)],
    });
    return { valid: true };
  } catch (err) {
    if (err instanceof BaseError) {
      const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) {
        return {
          valid: false,
          error: reverted.data?.errorName ?? reverted.reason ?? reverted.shortMessage,
          ...(reverted.data?.args ? { args: reverted.data.args } : {}),
        };
      }
    }
    throw err;
  }
}
