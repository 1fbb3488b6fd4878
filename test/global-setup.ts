import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Compiles the contracts once before any test file runs, so that test files (run in parallel forks) never
 * race to build the same artifacts. A no-op when the build cache is fresh.
 */
export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync(
    process.execPath,
    [join(root, "node_modules/hardhat/dist/src/cli.js"), "build", "--quiet", "--no-tests"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
}
