import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  type PublicClient,
} from "viem";
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

/**
 * Compiles one Solidity source with solc-js (imports resolved from the project root, as `path` places the
 * file) and deploys `contract` on Hardhat's in-process chain. For contracts generated at test time, which
 * the Hardhat build does not see.
 */
export async function compileAndDeploy(
  source: { path: string; content: string },
  contract: string,
  args: readonly unknown[] = [],
): Promise<{ address: Hex; abi: Abi; client: PublicClient }> {
  const solc = createRequire(import.meta.url)("solc") as {
    compile(
      input: string,
      callbacks: { import(path: string): { contents: string } | { error: string } },
    ): string;
  };
  const input = {
    language: "Solidity",
    sources: { [source.path]: { content: source.content } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const root = resolve(import.meta.dirname, "../..");
  const readImport = (path: string) => {
    const file = join(root, path);
    return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `not found: ${path}` };
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport }));
  const errors = (out.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${JSON.stringify(errors)}`);
  const compiled = out.contracts[source.path][contract] as {
    abi: Abi;
    evm: { bytecode: { object: string } };
  };
  const hre = (await import("hardhat")).default;
  const { viem } = await hre.network.connect();
  const [wallet] = await viem.getWalletClients();
  const client = (await viem.getPublicClient()) as unknown as PublicClient;
  const hash = await wallet!.deployContract({
    abi: compiled.abi,
    bytecode: `0x${compiled.evm.bytecode.object}`,
    args,
  });
  const address = (await client.waitForTransactionReceipt({ hash })).contractAddress!;
  return { address, abi: compiled.abi, client };
}

/**
 * Creation bytecode without solc's trailing CBOR metadata (whose last two bytes give its length). The
 * metadata hashes the compilation's inputs, which differ between builds with and without Solidity tests;
 * the code does not.
 */
export function withoutMetadata(bytecode: string): string {
  const len = Number.parseInt(bytecode.slice(-4), 16);
  return bytecode.slice(0, bytecode.length - 2 * (len + 2));
}
