/**
 * Writes typed viem bindings (ABI `as const` + creation bytecode) for the deployable contracts from the
 * Hardhat build artifacts into src/eth/contracts.ts, so that the library and `zkvm deploy` need neither
 * Hardhat nor a compiler at run time. test/eth/bindings.test.ts fails while the file is out of date.
 *
 *   npx hardhat build && npx node scripts/generate-bindings.ts
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderBindings } from "../src/eth/bindings-render.ts";
import { RELAY_BOUND_CONTRACTS } from "../src/relay/bound-contracts.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [file, contracts] of [
  ["src/eth/contracts.ts", undefined],
  ["src/relay/contracts.ts", RELAY_BOUND_CONTRACTS],
] as const) {
  const out = join(root, file);
  writeFileSync(out, renderBindings(join(root, "artifacts"), contracts));
  execFileSync(join(root, "node_modules/.bin/biome"), ["format", "--write", out], { stdio: "ignore" });
  console.log(`wrote ${file}`);
}
