import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

/**
 * The relay contract's Solidity fuzz and invariant tests (test/relay/sol/*.t.sol) run in Hardhat's Solidity
 * test runner (EDR's fuzzer); this runs them as part of `npm test` and fails with their report.
 */
it("Solidity fuzz and invariant tests of the relay pass", { timeout: 300_000 }, async () => {
  const root = join(import.meta.dirname, "../..");
  const files = ["ZkvmRelay.t.sol", "ZkvmRelayInvariant.t.sol", "RelayConsumer.t.sol"].map((f) =>
    join("test/relay/sol", f),
  );
  let out: string;
  try {
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, "node_modules/hardhat/dist/src/cli.js"), "test", "solidity", ...files],
      { cwd: root, maxBuffer: 16 << 20, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } },
    );
    out = r.stdout + r.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`Solidity tests failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
  expect(out).not.toMatch(/failing/);
  const passing = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
  expect(passing).toBeGreaterThanOrEqual(15);
  expect(out).toMatch(/invariant_escrowIsExact\(\) \(runs: \d+\)/);
});
