import type { PrivateKeyAccount } from "viem/accounts";
import { usageError } from "./errors.ts";

/** Environment variable that holds the sending account's private key (never a command-line argument). */
export const PRIVATE_KEY_ENV = "ZKVM_PRIVATE_KEY";

export const PRIVATE_KEY_HELP = `\nThe sending account's key is read from $${PRIVATE_KEY_ENV} (0x-prefixed, 32 bytes).`;

/** The account of $ZKVM_PRIVATE_KEY, or a usage error saying how to set it. */
export async function accountFromEnv(role: string): Promise<PrivateKeyAccount> {
  const key = process.env[PRIVATE_KEY_ENV];
  if (!key || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw usageError(`set ${PRIVATE_KEY_ENV} to the ${role}'s 0x-prefixed 32-byte private key`);
  }
  const { privateKeyToAccount } = await import("viem/accounts");
  return privateKeyToAccount(key as `0x${string}`);
}
