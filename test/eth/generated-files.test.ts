import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BOUND_CONTRACTS } from "../../src/eth/bindings-render.ts";
import * as bindings from "../../src/eth/contracts.ts";
import { GENERATED_VERIFIERS } from "../../src/eth/generated-verifiers.ts";
import { renderGroth16VerifierSolidity, VerifierRenderError } from "../../src/eth/solidity-verifier.ts";
import { Groth16FormatError } from "../../src/groth16/types.ts";
import { RISC0_GROTH16_VERIFYING_KEY } from "../../src/receipt/risc0.ts";
import { withoutMetadata } from "../contracts/helpers.ts";
import { TEST_VERIFIERS } from "./test-verifiers.ts";

const root = join(import.meta.dirname, "../..");

describe("generated files are up to date", () => {
  it("contracts/groth16/*.sol match renderGroth16VerifierSolidity (run scripts/generate-verifiers.ts)", () => {
    for (const v of [...GENERATED_VERIFIERS, ...TEST_VERIFIERS]) {
      expect(readFileSync(join(root, v.path), "utf8"), v.path).toBe(
        renderGroth16VerifierSolidity(v.verifyingKey, v.name),
      );
    }
  });

  it("src/eth/contracts.ts matches the build artifacts (run scripts/generate-bindings.ts)", () => {
    const all = bindings as Record<string, unknown>;
    for (const { artifact, prefix } of BOUND_CONTRACTS) {
      const a = JSON.parse(readFileSync(join(root, "artifacts", artifact), "utf8"));
      expect(all[`${prefix}Abi`], artifact).toEqual(a.abi);
      expect(withoutMetadata(all[`${prefix}Bytecode`] as string), artifact).toBe(withoutMetadata(a.bytecode));
    }
  });
});

describe("renderGroth16VerifierSolidity", () => {
  it("refuses keys it cannot render, with typed errors", () => {
    const vk = RISC0_GROTH16_VERIFYING_KEY;
    expect(() => renderGroth16VerifierSolidity({ ...vk, ic: vk.ic.slice(0, 5) }, "V")).toThrow(
      VerifierRenderError,
    );
    expect(() => renderGroth16VerifierSolidity(vk, "not a name")).toThrow(/Solidity identifier/);
    expect(() => renderGroth16VerifierSolidity({ ...vk, alpha: { x: 1n, y: 3n } }, "V")).toThrow(
      Groth16FormatError,
    );
    const swapped = { ...vk, beta: { x: { c0: vk.beta.x.c1, c1: vk.beta.x.c0 }, y: vk.beta.y } };
    expect(() => renderGroth16VerifierSolidity(swapped, "V")).toThrow(Groth16FormatError);
  });

  it("names the contract and embeds the key's digest", () => {
    const src = renderGroth16VerifierSolidity(RISC0_GROTH16_VERIFYING_KEY, "OtherVerifier");
    expect(src).toContain("contract OtherVerifier is IReceiptVerifier");
    expect(src).toContain("0x21c5fdd9b4d576b17581f50b755482ba7a2134a3b5186e8e454acfa1f69511ab");
  });
});
