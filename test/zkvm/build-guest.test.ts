/** `npm run build:guest`: builds with the SDK, and explains a missing toolchain or a compile error. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { executeSession } from "../../src/zkvm/session.ts";
import { tmp } from "./toolchain.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const script = join(ROOT, "scripts/build-guest.ts");
const build = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env });

describe("build:guest", () => {
  it("builds a single-file guest that runs and returns main's value as exit code", () => {
    const src = tmp("g.c");
    writeFileSync(
      src,
      '#include "zkvm.h"\n#include <string.h>\nint main(void) { const char *m = "hi"; zkvm_commit(m, strlen(m)); zkvm_log("log line"); return 7; }\n',
    );
    const out = tmp("g.elf");
    const r = build([src, "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const s = executeSession(readFileSync(out));
    expect(s.exitCode).toBe(7);
    expect(new TextDecoder().decode(s.journal)).toBe("hi");
    expect(new TextDecoder().decode(s.stderr)).toBe("log line\n");
  });
  it("names the Debian packages when the toolchain is missing", () => {
    const r = build([join(ROOT, "guests/examples/hello.c"), "-o", tmp("x.elf")], { PATH: "/nonexistent" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("apt-get install -y clang lld gcc-riscv64-unknown-elf");
  });
  it("reports compile errors with the compiler's message", () => {
    const src = tmp("bad.c");
    writeFileSync(src, "int main(void) { return undeclared; }\n");
    const r = build([src, "-o", tmp("x.elf")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/clang failed:[\s\S]*undeclared/);
  });
});
