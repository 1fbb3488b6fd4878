/**
 * `zkvm new` end to end, following the generated README: create the project, build the Rust guest and
 * ImageID.sol, run its Hardhat test (dev-mode proof, contract call), then on a local chain deploy the
 * verifiers and the consumer, prove and submit with the CLI and with the project's script.
 *
 * The project uses the package as installed: its node_modules links zkvm-kit (a package directory made
 * from this checkout: package.json, bin/, a fresh build in dist/, the shipped folders) and the kit's own
 * copies of the dependencies its package.json pins, instead of downloading them with `npm install`.
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type Address, getAddress } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { evenNumberAbi } from "../../src/eth/contracts.ts";
import { RUST_TARGET_DIR } from "../build/rust-target.ts";
import { connectChain } from "../contracts/chain.ts";
import { serveProvider } from "../eth/rpc-bridge.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const X42 = `0x${"00".repeat(31)}2a`;

/** The kit as npm installs it (built in a temporary directory: the checkout's dist/ is left alone). */
let kit: string;

/** node_modules for a generated project: the kit's dependencies, the kit itself, and their bins. */
function linkNodeModules(project: string): void {
  const modules = join(project, "node_modules");
  const bin = join(modules, ".bin");
  mkdirSync(bin, { recursive: true });
  for (const entry of readdirSync(join(ROOT, "node_modules"))) {
    if (entry !== ".bin") symlinkSync(join(ROOT, "node_modules", entry), join(modules, entry));
  }
  for (const tool of readdirSync(join(ROOT, "node_modules/.bin"))) {
    symlinkSync(join(ROOT, "node_modules/.bin", tool), join(bin, tool));
  }
  symlinkSync(kit, join(modules, "zkvm-kit"));
  symlinkSync("../zkvm-kit/bin/zkvm.js", join(bin, "zkvm"));
}

async function sh(cwd: string, cmd: string, args: string[], env: Record<string, string> = {}) {
  const bin = join(cwd, "node_modules/.bin");
  try {
    const { stdout, stderr } = await promisify(execFile)(join(bin, cmd), args, {
      cwd,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        ZKVM_DEV_MODE: "",
        CARGO_TARGET_DIR: RUST_TARGET_DIR,
        ...env,
      },
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

beforeAll(() => {
  kit = mkdtempSync(join(tmpdir(), "zkvm-kit-package-"));
  execFileSync(
    process.execPath,
    [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      join(kit, "dist"),
    ],
    { cwd: ROOT },
  );
  cpSync(join(ROOT, "package.json"), join(kit, "package.json"));
  cpSync(join(ROOT, "bin"), join(kit, "bin"), { recursive: true });
  for (const shipped of ["contracts", "circuits", "guests", "templates", "node_modules"]) {
    symlinkSync(join(ROOT, shipped), join(kit, shipped));
  }
}, 300_000);

describe("zkvm new (Rust guest) followed through its README", () => {
  let project: string;

  beforeAll(async () => {
    project = join(mkdtempSync(join(tmpdir(), "zkvm-new-")), "my-app");
    const created = execFileSync(process.execPath, [join(ROOT, "src/cli/main.ts"), "new", project], {
      encoding: "utf8",
    });
    expect(created).toMatch(/npm install/);
    linkNodeModules(project);
  }, 60_000);

  it("generates a project that depends on this kit and pins the kit's toolchain", () => {
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    const kit = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-app");
    expect(pkg.dependencies["zkvm-kit"]).toMatch(/^file:/);
    expect(resolve(project, pkg.dependencies["zkvm-kit"].slice(5))).toBe(ROOT);
    for (const dep of ["hardhat", "solc", "node"])
      expect(pkg.devDependencies[dep]).toBe(kit.devDependencies[dep] ?? kit.dependencies[dep]);
    for (const f of [
      ".gitignore",
      "README.md",
      "zkvm.json",
      "Cargo.toml",
      "guests/is-even/src/main.rs",
      "contracts/EvenNumber.sol",
    ]) {
      expect(existsSync(join(project, f)), f).toBe(true);
    }
    expect(readFileSync(join(project, "README.md"), "utf8")).toContain("# my-app");
  });

  it("npm test: zkvm build writes the ELF and ImageID.sol, the Hardhat test proves and calls the contract", async () => {
    const build = await sh(project, "zkvm", ["build"]);
    expect(build.stderr).not.toMatch(/^error/m);
    expect(build.code).toBe(0);
    const imageId = build.stdout.match(/built build\/is-even\.elf {2}image id (0x[0-9a-f]{64})/)![1];
    expect(readFileSync(join(project, "contracts/ImageID.sol"), "utf8")).toContain(
      `IS_EVEN_ID = bytes32(${imageId})`,
    );
    const test = await sh(project, "hardhat", ["test", "nodejs"]);
    expect(test.stdout + test.stderr).toMatch(/2 passing/);
    expect(test.code).toBe(0);
  }, 600_000); // a Rust build, a Solidity compile and a Hardhat run in a child: minutes on a shared machine

  it("on a local chain: zkvm deploy, scripts/deploy.ts, zkvm prove, zkvm submit, scripts/prove-and-submit.ts", async () => {
    const chain = await connectChain();
    const rpc = await serveProvider(chain.provider);
    try {
      const key = { ZKVM_PRIVATE_KEY: DEV_KEY };
      const deploy = await sh(project, "zkvm", ["deploy", "--rpc", rpc.url, "--mock"], key);
      expect(deploy.code).toBe(0);
      const consumer = await sh(project, "node", ["scripts/deploy.ts", "--rpc", rpc.url], key);
      expect(consumer.code).toBe(0);
      const app = JSON.parse(readFileSync(join(project, "deployments/31337.app.json"), "utf8"));
      const address = getAddress(app.evenNumber) as Address;

      const prove = await sh(
        project,
        "zkvm",
        ["prove", "build/is-even.elf", "--input", X42, "-o", "receipt.json"],
        {
          ZKVM_DEV_MODE: "1",
        },
      );
      expect(prove.code).toBe(0);
      const submit = await sh(
        project,
        "zkvm",
        [
          "submit",
          "--receipt",
          "receipt.json",
          "--rpc",
          rpc.url,
          "--contract",
          address,
          "--function",
          "set(uint256,bytes)",
        ],
        { ...key, ZKVM_DEV_MODE: "1" },
      );
      expect(submit.stderr).not.toMatch(/^error/m);
      expect(submit.code).toBe(0);
      expect(submit.stdout).toMatch(/^transaction 0x[0-9a-f]{64}\nblock {7}\d+\ngas used {4}\d+\n$/);
      const publicClient = await chain.viem.getPublicClient();
      const number = () => publicClient.readContract({ address, abi: evenNumberAbi, functionName: "number" });
      expect(await number()).toBe(42n);

      const script = await sh(project, "node", ["scripts/prove-and-submit.ts", "44", "--rpc", rpc.url], {
        ...key,
        ZKVM_DEV_MODE: "1",
      });
      expect(script.code).toBe(0);
      expect(script.stdout).toContain("EvenNumber.number = 44");
      expect(await number()).toBe(44n);
      const odd = await sh(project, "node", ["scripts/prove-and-submit.ts", "45", "--rpc", rpc.url], {
        ...key,
        ZKVM_DEV_MODE: "1",
      });
      expect(odd.code).toBe(1);
      expect(odd.stderr).toMatch(/the guest rejected 45 \(exit code 1\)/);
    } finally {
      await rpc.close();
    }
  }, 600_000);
});

describe("zkvm new --guest c", () => {
  it("generates a C guest that builds, with its ImageID.sol", async () => {
    const project = join(mkdtempSync(join(tmpdir(), "zkvm-new-c-")), "c-app");
    execFileSync(process.execPath, [join(ROOT, "src/cli/main.ts"), "new", project, "--guest", "c"]);
    linkNodeModules(project);
    expect(existsSync(join(project, "Cargo.toml"))).toBe(false);
    const build = await sh(project, "zkvm", ["build"]);
    expect(build.code).toBe(0);
    expect(readFileSync(join(project, "contracts/ImageID.sol"), "utf8")).toMatch(
      /IS_EVEN_ID = bytes32\(0x[0-9a-f]{64}\)/,
    );
    const even = await sh(project, "zkvm", ["execute", "build/is-even.elf", "--input", X42]);
    expect(even.stdout).toContain(`journal:        ${X42}`);
    const odd = await sh(project, "zkvm", [
      "execute",
      "build/is-even.elf",
      "--input",
      `0x${"00".repeat(31)}2b`,
    ]);
    expect(odd.code).toBe(3);
  });

  it("refuses a directory that is not empty, and an unknown guest language", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkvm-new-bad-"));
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args]).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
    return Promise.all([
      expect(cli(["new", ROOT])).resolves.toBe(2),
      expect(cli(["new", join(dir, "x"), "--guest", "go"])).resolves.toBe(2),
    ]);
  });
});
