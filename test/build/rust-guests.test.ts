/**
 * Rust guests built offline with Debian's toolchain (src/build/rust.ts) run in the executor: the examples
 * rebuild to the committed ELFs and ImageID.sol, give the same journals as their C twins, decode inputs
 * written by the host codec (src/zkvm/serde.ts), and report panics and allocation failures.
 *
 * All Rust builds of the test run share one cargo target directory, so core/alloc are built once.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { encodeAbiParameters, toHex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { GuestBuildError, ToolchainMissingError } from "../../src/build/errors.ts";
import { buildProject } from "../../src/build/project.ts";
import { buildRustGuest, findRustToolchain } from "../../src/build/rust.ts";
import {
  array,
  bool,
  bytes,
  char,
  encode,
  enumOf,
  f64,
  i16,
  i32,
  i128,
  map,
  option,
  str,
  struct,
  tuple,
  u8,
  u16,
  u32,
  u64,
  unit,
  vec,
  WordReader,
  WordWriter,
} from "../../src/zkvm/serde.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { RUST_TARGET_DIR } from "./rust-target.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = (elf: string, input: Uint8Array) => executeSession(readFileSync(elf), { input });
const digest = (path: string) => bytesToHex(sha256(readFileSync(path)));

/** A copy of the kit's Rust workspace (Cargo.toml, Cargo.lock, guests/, the test guests) without ELFs. */
function copyRustTree(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of ["Cargo.toml", "Cargo.lock"]) cpSync(join(ROOT, f), join(dir, f));
  for (const d of ["guests", "test/fixtures/rust-guests"]) {
    cpSync(join(ROOT, d), join(dir, d), { recursive: true, filter: (src) => !src.endsWith(".elf") });
  }
  return dir;
}

let copy: string;
let built: Awaited<ReturnType<typeof buildProject>>;

beforeAll(async () => {
  // Build the examples in a copy of the tree, so the committed ELFs and ImageID.sol stay untouched.
  copy = copyRustTree("zkvm-examples-");
  mkdirSync(join(copy, "contracts/examples"), { recursive: true });
  built = await buildProject(join(copy, "guests/examples"), { targetDir: RUST_TARGET_DIR });
}, 600_000);

describe("the example guests", () => {
  it("rebuild to the committed ELFs and contracts/examples/ImageID.sol", () => {
    const committedSol = readFileSync(join(ROOT, "contracts/examples/ImageID.sol"), "utf8");
    const toolchain = findRustToolchain().version;
    const sameToolchain = committedSol.includes(toolchain);
    for (const g of built.guests) {
      const rel = g.elf.slice(copy.length + 1);
      if (g.name.endsWith("-rust") && !sameToolchain) {
        // Another compiler makes other code: the journals are compared below instead.
        console.warn(
          `${rel}: built with ${toolchain}, not the toolchain ImageID.sol records; skipping byte comparison`,
        );
        continue;
      }
      expect(
        digest(g.elf),
        `${rel} differs from the committed ELF: rebuild with npm run build:examples`,
      ).toBe(digest(join(ROOT, rel)));
    }
    if (sameToolchain) expect(readFileSync(built.imageIdSol!, "utf8")).toBe(committedSol);
  });

  it("sha: the Rust guest (sha2 crate) and the C guest commit the same SHA-256", () => {
    const guest = (name: string) => built.guests.find((g) => g.name === name)!.elf;
    for (const n of [0, 1, 55, 56, 63, 64, 65, 1000, 5000]) {
      const input = randomBytes(n);
      const rust = run(guest("sha-rust"), input);
      const c = run(guest("sha"), input);
      expect(rust.exitCode).toBe(0);
      expect(bytesToHex(rust.journal)).toBe(bytesToHex(sha256(input)));
      expect(bytesToHex(rust.journal)).toBe(bytesToHex(c.journal));
    }
  });

  it("even-number: the same journal and exit codes in Rust and C", () => {
    const guest = (name: string) => built.guests.find((g) => g.name === name)!.elf;
    const x = (v: bigint) => Buffer.from(encodeAbiParameters([{ type: "uint256" }], [v]).slice(2), "hex");
    const inputs = [x(42n), x(2n ** 255n), x(43n), x(42n).subarray(1), Buffer.concat([x(42n), Buffer.of(0)])];
    const expected = [0, 0, 1, 2, 2];
    inputs.forEach((input, i) => {
      const rust = run(guest("even-number-rust"), input);
      const c = run(guest("even-number"), input);
      expect(rust.exitCode).toBe(expected[i]);
      expect(c.exitCode).toBe(expected[i]);
      expect(bytesToHex(rust.journal)).toBe(bytesToHex(c.journal));
      expect(bytesToHex(rust.journal)).toBe(expected[i] === 0 ? bytesToHex(input) : "");
    });
  });

  it("balances: serde-decoded ledger, journal abi.encode(account, balance, sequence); overdraft exits 1", () => {
    const elf = built.guests.find((g) => g.name === "balances-rust")!.elf;
    const Ledger = struct({
      account: array(u8, 20),
      sequence: u64,
      entries: vec(enumOf({ Credit: u64, Debit: u64 })),
    });
    const account = [...randomBytes(20)];
    const entries = [{ Credit: 2n ** 63n }, { Credit: 2n ** 63n }, { Debit: 5n }, { Credit: 7n }];
    const ok = run(elf, encode(Ledger, { account, sequence: 9n, entries }));
    expect(ok.exitCode).toBe(0);
    const balance = 2n ** 64n - 5n + 7n;
    expect(toHex(ok.journal)).toBe(
      encodeAbiParameters(
        [{ type: "address" }, { type: "uint256" }, { type: "uint64" }],
        [toHex(Uint8Array.from(account)), balance, 9n],
      ),
    );
    const overdraft = run(
      elf,
      encode(Ledger, { account, sequence: 1n, entries: [{ Credit: 3n }, { Debit: 4n }] }),
    );
    expect(overdraft.exitCode).toBe(1);
    expect(overdraft.journal.length).toBe(0);
    expect(new TextDecoder().decode(overdraft.stderr)).toContain(
      "Overdraft { entry: 1, balance: 3, debit: 4 }",
    );
  });
});

describe("Rust guest SDK", () => {
  let echo: string;
  let heap: string;
  beforeAll(async () => {
    const project = join(ROOT, "test/fixtures/rust-guests/probe");
    const out = mkdtempSync(join(tmpdir(), "zkvm-probe-"));
    echo = (
      await buildRustGuest({
        project,
        bin: "serde_echo",
        out: join(out, "echo.elf"),
        targetDir: RUST_TARGET_DIR,
      })
    ).elf;
    heap = (
      await buildRustGuest({ project, bin: "heap", out: join(out, "heap.elf"), targetDir: RUST_TARGET_DIR })
    ).elf;
  }, 600_000);

  const Everything = struct({
    small: u8,
    signed: i16,
    big: u64,
    huge: i128,
    flag: bool,
    letter: char,
    name: str,
    blob: bytes,
    maybe: option(u32),
    list: vec(tuple(u32, str)),
    fixed: array(i32, 2),
    shape: enumOf({ Empty: unit, Circle: u32, Rect: struct({ w: u16, h: u16 }) }),
    map: map(str, u64),
    real: f64,
  });
  const Facts = struct({
    big_plus_one: u64,
    name_chars: u32,
    blob_sum: u32,
    list_sum: u64,
    map_total: u64,
    area: u32,
    letter_code: u32,
    doubled: f64,
  });

  it("env::read decodes what the host codec writes, env::commit encodes what it reads", () => {
    const value = {
      small: 200,
      signed: -1234,
      big: 2n ** 64n - 1n,
      huge: -(2n ** 100n) + 3n,
      flag: true,
      letter: "€",
      name: "zkVM ✓",
      blob: Uint8Array.of(1, 2, 3, 4, 5, 250),
      maybe: 77,
      list: [
        [5, "a"],
        [7, "bcd"],
      ] as [number, string][],
      fixed: [-1, 2147483647],
      shape: { Rect: { w: 300, h: 20 } },
      map: new Map([
        ["x", 10n],
        ["y", 2n ** 40n],
      ]),
      real: 1.5,
    };
    const s = run(
      echo,
      new WordWriter()
        .write(Everything, value)
        .raw(Uint8Array.of(9, 8, 7))
        .toBytes(),
    );
    expect(new TextDecoder().decode(s.stderr)).toBe("");
    expect(s.exitCode).toBe(0);
    const r = new WordReader(s.journal);
    expect(r.read(Everything)).toEqual(value);
    expect(r.read(Facts)).toEqual({
      big_plus_one: 0n,
      name_chars: 6,
      blob_sum: 265,
      list_sum: 12n,
      map_total: 10n + 2n ** 40n,
      area: 6000,
      letter_code: 0x20ac,
      doubled: 3,
    });
    expect(r.raw(3)).toEqual(Uint8Array.of(9, 8, 7));
    expect(r.remaining).toBe(0);
  });

  it("a malformed input panics with exit code 101, naming the caller and the reason", () => {
    const good = encode(struct({ small: u8, signed: i16, big: u64, huge: i128 }), {
      small: 1,
      signed: 1,
      big: 1n,
      huge: 1n,
    });
    const badBool = new Uint8Array([...good, 2, 0, 0, 0]);
    const s = run(echo, badBool);
    expect(s.exitCode).toBe(101);
    const stderr = new TextDecoder().decode(s.stderr);
    expect(stderr).toMatch(
      /guest panicked at test\/fixtures\/rust-guests\/probe\/src\/bin\/serde_echo\.rs:\d+:\d+:/,
    );
    expect(stderr).toContain("bool word must be 0 or 1, got 2");
    expect(run(echo, good.subarray(0, 7)).exitCode).toBe(101);
  });

  it("the heap serves large allocations, and running out of memory is a panic", () => {
    const ok = run(heap, encode(u32, 8));
    expect(ok.exitCode).toBe(0);
    let expected = 0n;
    for (let i = 0; i < 8; i++) expected += BigInt(i % 251) * 1024n;
    expect(new WordReader(ok.journal).read(u64)).toBe(expected);
    expect(new TextDecoder().decode(ok.stderr)).toMatch(/^allocated 8 MiB after \d+ cycles\n$/);
    const oom = run(heap, encode(u32, 400));
    expect(oom.exitCode).toBe(101);
    expect(new TextDecoder().decode(oom.stderr)).toContain("memory allocation of 1048576 bytes failed");
  });

  it("builds reproducibly: no build-machine path in the ELF, the same bytes from another location", async () => {
    const elf = readFileSync(echo);
    const text = new TextDecoder("latin1").decode(elf);
    for (const p of [ROOT, tmpdir(), "/usr/share/cargo", "/usr/lib/rustlib", RUST_TARGET_DIR]) {
      expect(text.includes(p), `ELF contains ${p}`).toBe(false);
    }
    const elsewhere = copyRustTree("zkvm-probe-copy-");
    const again = await buildRustGuest({
      project: join(elsewhere, "test/fixtures/rust-guests/probe"),
      bin: "serde_echo",
      out: join(elsewhere, "echo.elf"),
      targetDir: RUST_TARGET_DIR,
    });
    expect(digest(again.elf)).toBe(digest(echo));
  });

  it("explains a package with several binaries, a compile error, and a missing toolchain", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "zkvm-rust-errors-")), "x.elf");
    const project = join(ROOT, "test/fixtures/rust-guests/probe");
    await expect(buildRustGuest({ project, out, targetDir: RUST_TARGET_DIR })).rejects.toThrow(
      /several binaries/,
    );
    await expect(buildRustGuest({ project: join(ROOT, "docs"), out })).rejects.toThrow(/not a Cargo project/);

    const broken = copyRustTree("zkvm-broken-");
    const brokenProbe = join(broken, "test/fixtures/rust-guests/probe");
    writeFileSync(
      join(brokenProbe, "src/bin/heap.rs"),
      "#![no_std]\n#![no_main]\nzkvm_guest::entry!(main);\nfn main() { undefined_thing(); }\n",
    );
    const err = await buildRustGuest({
      project: brokenProbe,
      bin: "heap",
      out,
      targetDir: RUST_TARGET_DIR,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(GuestBuildError);
    expect(err.message).toMatch(/cannot find function `undefined_thing`/);

    const saved = process.env.ZKVM_RUSTC;
    process.env.ZKVM_RUSTC = join(broken, "no-such-rustc");
    try {
      expect(() => findRustToolchain()).toThrow(ToolchainMissingError);
      expect(() => findRustToolchain()).toThrow(/ZKVM_RUSTC.*no-such-rustc/);
      // A compiler without the standard library sources: the message names the package that has them.
      const fake = join(broken, "fake-rustc");
      writeFileSync(fake, `#!/bin/sh\n[ "$1" = "-V" ] && echo "rustc 0.0.0" || echo ${broken}\n`, {
        mode: 0o755,
      });
      process.env.ZKVM_RUSTC = fake;
      expect(() => findRustToolchain()).toThrow(/rust-web-src/);
    } finally {
      if (saved === undefined) delete process.env.ZKVM_RUSTC;
      else process.env.ZKVM_RUSTC = saved;
    }
  });
});
