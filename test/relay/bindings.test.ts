import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { RELAY_BOUND_CONTRACTS } from "../../src/relay/bound-contracts.ts";
import * as bindings from "../../src/relay/contracts.ts";
import { withoutMetadata } from "../contracts/helpers.ts";

it("src/relay/contracts.ts matches the build artifacts (run scripts/generate-bindings.ts)", () => {
  const all = bindings as Record<string, unknown>;
  for (const { artifact, prefix } of RELAY_BOUND_CONTRACTS) {
    const a = JSON.parse(readFileSync(join(import.meta.dirname, "../../artifacts", artifact), "utf8"));
    expect(all[`${prefix}Abi`], artifact).toEqual(a.abi);
    expect(withoutMetadata(all[`${prefix}Bytecode`] as string), artifact).toBe(withoutMetadata(a.bytecode));
  }
});
