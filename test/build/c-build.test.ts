/**
 * `zkvm build` for C guests and projects: several sources, -I/-D, paths relative to the caller's
 * directory, reproducible output, ImageID.sol, and the errors a user meets.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { imageIdConstantName, renderImageIdSol } from "../../src/build/image-id-sol.ts";
import { readProject } from "../../src/build/project.ts";
import { computeImageId } from "../../src/zkvm/image-id.ts";
import { loadProgram } from "../../src/zkvm/program.ts";
import { executeSession } from "../../src/zkvm/session.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "src/cli/main.ts");
const zkvm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env });
const digest = (path: string) => bytesToHex(sha256(readFileSync(path)));

/** A two-file guest with a header in its own include directory and a -D setting. */
function writeGuest(dir: string): void {
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, "include"), { recursive: true });
  writeFileSync(join(dir, "include/twice.h"), "unsigned twice(unsigned x);\n");
  writeFileSync(
    join(dir, "src/twice.c"),
    '#include "twice.h"\nunsigned twice(unsigned x) { return 2 * x; }\n',
  );
  writeFileSync(
    join(dir, "src/main.c"),
    [
      '#include "zkvm.h"',
      '#include "twice.h"',
      "#ifndef FACTOR",
      "#error FACTOR is not defined",
      "#endif",
      "int main(void) {",
      "  unsigned x = 0;",
      "  if (zkvm_read(&x, 4) != 4) return 2;",
      "  unsigned y = twice(x) * FACTOR;",
      "  zkvm_commit(&y, 4);",
      "  zkvm_log(__FILE__);",
      "  return y == 0 ? 7 : 0;",
      "}",
      "",
    ].join("\n"),
  );
}

describe("zkvm build (C)", () => {
  it("builds several sources with -I and -D, relative to the current directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkvm-c-"));
    writeGuest(dir);
    const r = zkvm(
      ["build", "src/main.c", "src/twice.c", "-I", "include", "-DFACTOR=3", "-o", "out/g.elf"],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const elf = readFileSync(join(dir, "out/g.elf"));
    expect(r.stdout).toBe(`built out/g.elf  image id 0x${bytesToHex(computeImageId(loadProgram(elf)))}\n`);
    const s = executeSession(elf, { input: Uint8Array.of(5, 0, 0, 0) });
    expect([...s.journal]).toEqual([30, 0, 0, 0]);
    // __FILE__ names the source relative to the build directory, never by an absolute path.
    expect(new TextDecoder().decode(s.stderr)).toBe("src/main.c\n");
    expect(executeSession(elf, { input: new Uint8Array(4) }).exitCode).toBe(7);
  });

  it("is reproducible: the same sources built in another directory give the same bytes", () => {
    const a = mkdtempSync(join(tmpdir(), "zkvm-c-a-"));
    const b = mkdtempSync(join(tmpdir(), "zkvm-c-b-"));
    for (const dir of [a, b]) {
      writeGuest(dir);
      const r = zkvm(["build", "src/main.c", "src/twice.c", "-Iinclude", "-D", "FACTOR=3", "-O", "s"], dir);
      expect(r.status).toBe(0);
    }
    expect(digest(join(a, "main.elf"))).toBe(digest(join(b, "main.elf")));
  });

  it("rebuilds the committed C examples byte for byte", () => {
    const out = mkdtempSync(join(tmpdir(), "zkvm-c-examples-"));
    for (const name of ["hello", "sha", "sort", "even-number"]) {
      const r = zkvm(["build", `${name}.c`, "-o", join(out, `${name}.elf`)], join(ROOT, "guests/examples"));
      expect(r.status).toBe(0);
      expect(digest(join(out, `${name}.elf`)), `${name}.elf is stale: npm run build:examples`).toBe(
        digest(join(ROOT, "guests/examples", `${name}.elf`)),
      );
    }
  });

  it("builds a project (zkvm.json): its guests and ImageID.sol, only the guests asked for with --guest", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkvm-cproj-"));
    writeGuest(dir);
    const manifest = {
      guests: [
        { name: "triple", c: ["src/main.c", "src/twice.c"], include: ["include"], define: ["FACTOR=3"] },
        {
          name: "fiveFold",
          c: ["src/main.c", "src/twice.c"],
          include: ["include"],
          define: ["FACTOR=5"],
          out: "x/5.elf",
        },
      ],
      imageIdSol: "contracts/ImageID.sol",
    };
    writeFileSync(join(dir, "zkvm.json"), JSON.stringify(manifest));
    const r = zkvm(["build", "--json"], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const id = (p: string) => `0x${bytesToHex(computeImageId(loadProgram(readFileSync(join(dir, p)))))}`;
    expect(out.guests).toEqual([
      { name: "triple", elf: "build/triple.elf", imageId: id("build/triple.elf"), rebuilt: true },
      { name: "fiveFold", elf: "x/5.elf", imageId: id("x/5.elf"), rebuilt: true },
    ]);
    const sol = readFileSync(join(dir, "contracts/ImageID.sol"), "utf8");
    expect(sol).toContain(`bytes32 public constant TRIPLE_ID = bytes32(${id("build/triple.elf")});`);
    expect(sol).toContain(`bytes32 public constant FIVE_FOLD_ID = bytes32(${id("x/5.elf")});`);
    const only = zkvm(["build", "--guest", "fiveFold"], dir);
    expect(only.stdout).toMatch(/^kept {2}build\/triple\.elf/m);
    expect(only.stdout).toMatch(/^built x\/5\.elf/m);
  });

  it("explains what is wrong: missing toolchain, compile errors, bad options and manifests", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkvm-c-bad-"));
    writeGuest(dir);
    const cases: Array<[string[], number, RegExp, NodeJS.ProcessEnv?]> = [
      [
        ["build", "src/main.c", "src/twice.c", "-Iinclude", "-DFACTOR=1"],
        1,
        /apt-get install -y clang lld gcc-riscv64-unknown-elf/,
        { PATH: "/nonexistent" },
      ],
      [["build", "src/main.c", "src/twice.c", "-Iinclude"], 1, /clang failed:[\s\S]*FACTOR is not defined/],
      [["build", "nope.c"], 1, /guest source nope\.c does not exist/],
      [["build", "src/main.c", "-O9"], 1, /-O9 is not one of/],
      [["build", "src/main.c", "-D", "1X"], 1, /not NAME or NAME=VALUE/],
      [["build", "src/main.c", "--bin", "x"], 2, /apply to Rust guests/],
      [["build"], 2, /nothing to build: no zkvm\.json here/],
      [["build", "src"], 2, /directory without a Cargo\.toml or zkvm\.json/],
    ];
    for (const [args, status, message, env] of cases) {
      const r = zkvm(args, dir, env ? { ...process.env, ...env } : process.env);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("project manifests and ImageID.sol", () => {
  it("names constants after guests and refuses clashes", () => {
    expect(imageIdConstantName("is-even")).toBe("IS_EVEN_ID");
    expect(imageIdConstantName("evenNumber")).toBe("EVEN_NUMBER_ID");
    expect(imageIdConstantName("sha_2")).toBe("SHA_2_ID");
    const entry = (name: string) => ({ name, imageId: new Uint8Array(32), elf: `${name}.elf` });
    expect(() => renderImageIdSol([entry("a-b"), entry("a_b")], { source: "zkvm.json" })).toThrow(
      /both map to the Solidity constant A_B_ID/,
    );
  });

  it("rejects malformed manifests with the file and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "zkvm-manifest-"));
    const bad: Array<[unknown, RegExp]> = [
      [{}, /at least one guest/],
      [{ guests: [{ name: "1x", c: ["a.c"] }] }, /guests\[0\]\.name/],
      [{ guests: [{ name: "a", c: ["a.c"], rust: "." }] }, /exactly one of "rust"/],
      [{ guests: [{ name: "a", c: [] }] }, /non-empty list/],
      [
        {
          guests: [
            { name: "a", rust: "." },
            { name: "a", rust: "." },
          ],
        },
        /two guests are named a/,
      ],
      [{ guests: [{ name: "a", rust: "." }], imageIdSol: 3 }, /imageIdSol/],
    ];
    for (const [manifest, message] of bad) {
      writeFileSync(join(dir, "zkvm.json"), JSON.stringify(manifest));
      expect(() => readProject(dir)).toThrow(message);
    }
    writeFileSync(join(dir, "zkvm.json"), "{ not json");
    expect(() => readProject(dir)).toThrow(/not valid JSON/);
  });
});
