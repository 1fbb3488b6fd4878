/**
 * Differential tests: the same C program compiled natively with gcc (SDK host shim: stdin, stdout, exit
 * status) and for the zkVM with clang must produce the same journal and exit code for the same input.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCGuest } from "../../src/build/c.ts";
import { execute } from "../../src/zkvm/executor.ts";
import { loadProgram, type Program } from "../../src/zkvm/program.ts";
import { tmp } from "./toolchain.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const SDK = join(ROOT, "guests/sdk");

interface Built {
  host: string;
  guest: Program;
}

function build(source: string): Built {
  const host = tmp("host");
  execFileSync("gcc", ["-O2", "-std=c11", "-I", SDK, source, join(SDK, "host/zkvm_host.c"), "-o", host]);
  const elf = tmp("guest.elf");
  buildCGuest({ sources: [source], out: elf });
  return { host, guest: loadProgram(readFileSync(elf)) };
}

function compare(b: Built, input: Uint8Array): { exitCode: number; journal: Uint8Array } {
  const native = spawnSync(b.host, { input, maxBuffer: 1 << 26 });
  const guest = execute(b.guest, { input });
  expect(Buffer.from(guest.journal).toString("hex")).toBe(native.stdout.toString("hex"));
  expect(guest.exitCode).toBe(native.status);
  return guest;
}

const programs = {
  arith: join(ROOT, "test/zkvm/programs/arith.c"),
  json: join(ROOT, "test/zkvm/programs/json.c"),
  hello: join(ROOT, "guests/examples/hello.c"),
  sha: join(ROOT, "guests/examples/sha.c"),
  sort: join(ROOT, "guests/examples/sort.c"),
  even: join(ROOT, "guests/examples/even-number.c"),
};
const built: Partial<Record<keyof typeof programs, Built>> = {};

beforeAll(() => {
  for (const [name, src] of Object.entries(programs)) built[name as keyof typeof programs] = build(src);
});

describe("host and guest builds agree", () => {
  it("arith: 64-bit arithmetic, sign extension, jump tables, recursion", () => {
    for (const seed of [randomBytes(8), randomBytes(8), new Uint8Array(8)]) compare(built.arith!, seed);
  });
  it("json: parser on valid and malformed documents", () => {
    const docs = [
      '{"a": [1, 2, {"b": -3}], "c": "x\\"y", "d": true, "e": null, "f": 1.5e3}',
      "[ ]",
      '  {"nested": [[[[[[1]]]]]], "neg": -42 }  ',
      '{"a": }',
      "[1, 2",
      '"unterminated',
      "tru",
      "[1] x",
    ];
    let ok = 0;
    for (const d of docs) if (compare(built.json!, new TextEncoder().encode(d)).exitCode === 0) ok++;
    expect(ok).toBe(3);
  });
  it("hello, sha, sort, even-number on random inputs", () => {
    for (let i = 0; i < 4; i++) {
      compare(built.hello!, randomBytes(8));
      compare(built.sha!, randomBytes(i * 61));
      compare(built.sort!, randomBytes(4 * i * 97));
      compare(built.even!, randomBytes(32));
    }
    compare(built.hello!, new Uint8Array([1, 0, 0, 0, 9, 0, 0, 0]));
    compare(built.sort!, randomBytes(7));
    compare(built.even!, randomBytes(31));
  });
});
