import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { C_DEBIAN_PACKAGES } from "../../build/c.ts";
import { KIT_ROOT } from "../../build/paths.ts";
import { RUST_DEBIAN_PACKAGES } from "../../build/rust.ts";
import { usageError } from "../errors.ts";

type GuestLanguage = "rust" | "c";

interface NewOptions {
  guest: GuestLanguage;
  name?: string;
  kit?: string;
}

const TEMPLATES = join(KIT_ROOT, "templates");

interface KitPackage {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** How the new project depends on zkvm-kit: the registry version when installed from it, else this checkout. */
function kitDependency(dir: string, kit: KitPackage): string {
  if (KIT_ROOT.split(sep).includes("node_modules")) return `^${kit.version}`;
  const path = relative(dir, KIT_ROOT) || ".";
  return `file:${path.split(sep).join("/")}`;
}

/** An npm package name from a directory name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name || "zkvm-app";
}

/** package.json of the new project, with the toolchain versions this kit is tested with. */
function packageJson(name: string, dependency: string, kit: KitPackage): string {
  const dev = (pkg: string) => {
    // A tool the kit also needs at run time (solc: verifiers compiled for wrap keys) is a dependency there.
    const v = kit.devDependencies[pkg] ?? kit.dependencies[pkg];
    if (!v) throw new Error(`zkvm-kit's package.json has no dependency ${pkg}`);
    return v;
  };
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    engines: { node: ">=22.18" },
    scripts: {
      build: "zkvm build && hardhat build",
      test: "zkvm build && hardhat test nodejs",
      chain: "hardhat node",
    },
    dependencies: { "zkvm-kit": dependency, viem: kit.dependencies.viem },
    devDependencies: {
      "@nomicfoundation/hardhat-toolbox-viem": dev("@nomicfoundation/hardhat-toolbox-viem"),
      "@types/node": dev("@types/node"),
      hardhat: dev("hardhat"),
      // Node 22 for npm scripts and npx, whatever the system Node is.
      node: dev("node"),
      solc: dev("solc"),
      typescript: dev("typescript"),
    },
    allowScripts: { node: true },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function zkvmJson(guest: GuestLanguage): string {
  const spec =
    guest === "rust"
      ? { name: "is-even", rust: "guests/is-even", out: "build/is-even.elf" }
      : { name: "is-even", c: ["guests/is-even.c"], out: "build/is-even.elf" };
  return `${JSON.stringify({ guests: [spec], imageIdSol: "contracts/ImageID.sol" }, null, 2)}\n`;
}

/** Creates a project in `dir` (which must not exist or be empty); returns the files written. */
export function createProject(dir: string, options: NewOptions): string[] {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw usageError(`${dir} exists and is not empty; choose a new directory`);
  }
  const kit = JSON.parse(readFileSync(join(KIT_ROOT, "package.json"), "utf8")) as KitPackage;
  const name = options.name ?? packageName(target);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
    throw usageError(`--name ${name} is not a valid npm package name`);
  mkdirSync(target, { recursive: true });
  cpSync(join(TEMPLATES, "app"), target, { recursive: true });
  cpSync(join(TEMPLATES, `guest-${options.guest}`), target, { recursive: true });
  // npm leaves .gitignore files out of packages, so the template carries it under another name.
  renameSync(join(target, "gitignore"), join(target, ".gitignore"));
  writeFileSync(
    join(target, "package.json"),
    packageJson(name, options.kit ?? kitDependency(target, kit), kit),
  );
  writeFileSync(join(target, "zkvm.json"), zkvmJson(options.guest));
  const readme = join(target, "README.md");
  writeFileSync(
    readme,
    readFileSync(readme, "utf8")
      .replaceAll("{{name}}", name)
      .replaceAll("{{guestKind}}", options.guest === "rust" ? "Rust, guests/is-even" : "C, guests/is-even.c")
      .replaceAll(
        "{{toolchain}}",
        `\`apt-get install ${options.guest === "rust" ? RUST_DEBIAN_PACKAGES : C_DEBIAN_PACKAGES}\``,
      ),
  );
  return listFiles(target).map((f) => relative(target, f));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

export function register(program: Command): void {
  program
    .command("new")
    .description(
      "create a project: a guest, a journal-gated contract, a Hardhat test that proves and calls it, scripts and a README",
    )
    .argument("<dir>", "directory to create (must not exist or be empty)")
    .option("--guest <language>", "the guest's language: rust or c", "rust")
    .option("--name <name>", "npm package name (default: from the directory)")
    .option("--kit <spec>", "how package.json depends on zkvm-kit (default: this installation)")
    .action((dir: string, opts: NewOptions) => {
      if (opts.guest !== "rust" && opts.guest !== "c")
        throw usageError(`--guest ${opts.guest}: choose rust or c`);
      const files = createProject(dir, opts);
      console.log(`created ${dir} (${files.length} files). Next:\n`);
      console.log(
        `  cd ${dir}\n  npm install\n  npm test          # builds the guest, proves in dev mode, calls the contract\n`,
      );
      console.log("Then README.md shows the same on a local chain (zkvm deploy, zkvm prove, zkvm submit).");
    });
}
