import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";
import { ZkvmError } from "../errors.ts";
import type { VerifyingKey } from "../groth16/types.ts";
import { renderGroth16VerifierSolidity } from "./solidity-verifier.ts";

/**
 * Compiles the receipt verifier of a verifying key (renderGroth16VerifierSolidity) with the solc-js build in
 * the `solc` package, at the settings of hardhat.config.ts, so that a key made after the package was built —
 * a development setup, a ceremony's — gets its verifier contract without a Solidity toolchain. The ABI is
 * the same for every key (that of the committed RiscZeroGroth16Verifier).
 */

export class VerifierCompileError extends ZkvmError {
  override name = "VerifierCompileError";
}

/** The compiler of the committed contracts; a verifier compiled here is byte-for-byte one hardhat would build. */
export const SOLC_VERSION = "0.8.30";

/** The sources the generated verifier imports, by the path it imports them with. */
const IMPORTS = ["IReceiptVerifier.sol", "ReceiptClaim.sol", "groth16/DigestSplit.sol"] as const;

export interface CompiledVerifier {
  readonly name: string;
  readonly abi: Abi;
  /** Creation bytecode (constructor: control root, BN254 control ID). */
  readonly bytecode: Hex;
  readonly source: string;
}

interface Solc {
  version(): string;
  compile(input: string): string;
}

let solc: Solc | null = null;
function loadSolc(): Solc {
  if (solc) return solc;
  const require = createRequire(import.meta.url);
  const loaded = require("solc") as Solc;
  if (!loaded.version().startsWith(SOLC_VERSION))
    throw new VerifierCompileError(
      `the installed solc is ${loaded.version()}; the verifier needs ${SOLC_VERSION} (npm install solc@${SOLC_VERSION})`,
    );
  solc = loaded;
  return solc;
}

/** Compiles the verifier contract `name` for `vk` (tens of seconds: solc-js with the IR optimizer). */
export function compileReceiptVerifier(vk: VerifyingKey, name = "ZkvmGroth16Verifier"): CompiledVerifier {
  const source = renderGroth16VerifierSolidity(vk, name);
  const contracts = new URL("../../contracts/", import.meta.url);
  const sources: Record<string, { content: string }> = { [`groth16/${name}.sol`]: { content: source } };
  for (const path of IMPORTS) sources[path] = { content: readFileSync(new URL(path, contracts), "utf8") };
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 1_000_000 },
      viaIR: true,
      evmVersion: "cancun",
      outputSelection: { [`groth16/${name}.sol`]: { [name]: ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(loadSolc().compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0)
    throw new VerifierCompileError(
      `solc rejected the generated verifier:\n${errors.map((e) => e.formattedMessage).join("\n")}`,
    );
  const compiled = output.contracts?.[`groth16/${name}.sol`]?.[name];
  if (!compiled) throw new VerifierCompileError(`solc produced no contract ${name}`);
  return { name, abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}`, source };
}
