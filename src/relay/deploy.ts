import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import { getAddress } from "viem";
import {
  evenNumberConsumerAbi,
  evenNumberConsumerBytecode,
  zkvmRelayAbi,
  zkvmRelayBytecode,
} from "./contracts.ts";

import { DEFAULT_MAX_CALLBACK_GAS, DEFAULT_MAX_INLINE_INPUT_BYTES } from "./limits.ts";

export { DEFAULT_MAX_CALLBACK_GAS, DEFAULT_MAX_INLINE_INPUT_BYTES } from "./limits.ts";

type Clients = {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

async function deploy(
  c: Clients,
  abi: readonly unknown[],
  bytecode: `0x${string}`,
  args: readonly unknown[],
) {
  const hash = await c.walletClient.deployContract({
    abi,
    bytecode,
    args,
    account: c.walletClient.account,
    chain: c.walletClient.chain,
  } as Parameters<typeof c.walletClient.deployContract>[0]);
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new Error(`deployment failed (transaction ${hash})`);
  return getAddress(receipt.contractAddress);
}

/** Deploys a ZkvmRelay that verifies through `verifier` (normally the router). */
export function deployRelay(
  c: Clients & { verifier: Address; maxCallbackGas?: bigint; maxInlineInputBytes?: bigint },
): Promise<Address> {
  return deploy(c, zkvmRelayAbi, zkvmRelayBytecode, [
    c.verifier,
    c.maxCallbackGas ?? DEFAULT_MAX_CALLBACK_GAS,
    c.maxInlineInputBytes ?? DEFAULT_MAX_INLINE_INPUT_BYTES,
  ]);
}

/** Deploys the example consumer (even-number guest) for `relay`. */
export function deployEvenNumberConsumer(
  c: Clients & { relay: Address; imageId: `0x${string}` },
): Promise<Address> {
  return deploy(c, evenNumberConsumerAbi, evenNumberConsumerBytecode, [c.relay, c.imageId]);
}
