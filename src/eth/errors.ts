import type { Abi } from "viem";
import { ZkvmError } from "../errors.ts";
import {
  emergencyStopVerifierAbi,
  evenNumberAbi,
  mockReceiptVerifierAbi,
  provenBalancesAbi,
  receiptVerifierRouterAbi,
  riscZeroGroth16VerifierAbi,
} from "./contracts.ts";

/**
 * Every custom error of our contracts, so that a revert anywhere along router → emergency stop → verifier
 * decodes to its name (viem decodes revert data against the ABI it is given).
 */
export const allContractErrorsAbi: Abi = (() => {
  const seen = new Set<string>();
  const errors = [];
  for (const abi of [
    receiptVerifierRouterAbi,
    emergencyStopVerifierAbi,
    riscZeroGroth16VerifierAbi,
    mockReceiptVerifierAbi,
    evenNumberAbi,
    provenBalancesAbi,
  ] as const) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(item);
    }
  }
  return errors;
})();

/** Thrown for deployment problems the user must resolve (missing key, selector removed, not the owner). */
export class DeploymentError extends ZkvmError {
  override name = "DeploymentError";
}
