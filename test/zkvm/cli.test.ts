/** `zkvm execute` and `zkvm image-id` end to end, compared with the library. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { printable } from "../../src/cli/commands/execute.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { tmp } from "./toolchain.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const hello = join(ROOT, "guests/examples/hello.elf");
const zkvm = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, "src/cli/main.ts"), ...args], { encoding: "utf8" });

describe("zkvm CLI", () => {
  it("image-id prints the library's ImageID as 0x-prefixed hex", () => {
    const r = zkvm("image-id", hello);
    expect(r.status).toBe(0);
    const lib = executeSession(readFileSync(hello), { input: new Uint8Array(8) });
    expect(r.stdout).toBe(`0x${bytesToHex(lib.imageId)}\n`);
  });
  it("execute prints exit code, cycles, journal and claim digest; --journal writes the journal", () => {
    const out = tmp("journal.bin");
    const r = zkvm("execute", hello, "--input", "0x0700000006000000", "--journal", out);
    expect(r.status).toBe(0);
    const lib = executeSession(readFileSync(hello), { input: new Uint8Array([7, 0, 0, 0, 6, 0, 0, 0]) });
    expect(r.stdout).toContain("exit code:      0");
    expect(r.stdout).toContain(`cycles:         ${lib.cycles}`);
    expect(r.stdout).toContain("journal:        0x2a00000000000000");
    expect(r.stdout).toContain(`claim digest:   0x${bytesToHex(lib.claimDigest)}`);
    expect(readFileSync(out)).toEqual(Buffer.from([42, 0, 0, 0, 0, 0, 0, 0]));
  });
  it("execute reads input from a file; --json prints one object", () => {
    const input = tmp("in.txt");
    writeFileSync(input, "hash me");
    const sha = zkvm("execute", join(ROOT, "guests/examples/sha.elf"), "--input", input, "--json");
    expect(sha.status).toBe(0);
    const result = JSON.parse(sha.stdout);
    expect(result.exitCode).toBe(0);
    expect(result.journal).toBe(`0x${bytesToHex(sha256(new TextEncoder().encode("hash me")))}`);
    expect(result.journalText).toBeNull();
  });
  it("journals are shown as text only when printable", () => {
    expect(printable(new TextEncoder().encode("hello, world\n"))).toBe("hello, world\n");
    expect(printable(new Uint8Array([0x68, 0x00]))).toBeNull();
    expect(printable(new Uint8Array([0xff, 0xfe]))).toBeNull();
    expect(printable(new Uint8Array(0))).toBeNull();
  });
  it("bad input gives one-line errors and a non-zero status", () => {
    const cases: Array<[string[], RegExp]> = [
      [["execute", join(ROOT, "package.json")], /ElfError: not an ELF file/],
      [["execute", "missing.elf"], /missing.elf not found/],
      [["execute", hello, "--input", "0xabc"], /not valid hex/],
      [["execute", hello, "--input", "nope.bin"], /no such file/],
      [["execute", hello, "--cycle-limit", "100"], /cycle limit of 100 cycles/],
      [["execute", hello, "--cycle-limit", "-5"], /positive integer/],
    ];
    for (const [args, message] of cases) {
      const r = zkvm(...args);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
