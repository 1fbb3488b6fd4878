import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { allContractErrorsAbi } from "../../src/eth/errors.ts";

/** The custom error name a contract call reverted with (decoded against all our contracts' errors), or "ok". */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (err) {
    const reverted = err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.data?.errorName) return reverted.data.errorName;
      // Errors raised further down (verifier behind router or emergency stop) are not in the callee's ABI.
      if (reverted.raw && reverted.raw !== "0x")
        return decodeErrorResult({ abi: allContractErrorsAbi, data: reverted.raw }).errorName;
      return "revert";
    }
    throw err;
  }
}

/** `hex` with byte `byte` xor-ed with `mask`. */
export function flip(hex: Hex, byte: number, mask = 0x01): Hex {
  const b = Buffer.from(hex.slice(2), "hex");
  b[byte]! ^= mask;
  return `0x${b.toString("hex")}`;
}
