/**
 * The defects a new user hit with the CLI (issue 14), each reproduced: exit codes, 0x-prefixed output,
 * huge and streamed inputs, output into missing directories, a directory given as the ELF, release names
 * for control roots, and RPC endpoints that never answer.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { bytesToHex } from "@noble/hashes/utils.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReceipt, receiptClaim } from "../../src/receipt/receipt.ts";
import { FileInput } from "../../src/zkvm/file-input.ts";
import { executeSession } from "../../src/zkvm/session.ts";
import { REAL_RECEIPTS } from "../eth/fixtures.ts";
import { zkvm } from "./run-zkvm.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const hello = join(ROOT, "guests/examples/hello.elf");
const HELLO_7x6 = "0x0700000006000000";
const run = promisify(execFile);

const tmp = () => mkdtempSync(join(tmpdir(), "zkvm-cli-"));

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe("exit codes", () => {
  it("execute exits 3 when the guest exits non-zero, after printing the result", async () => {
    const r = await zkvm(["execute", hello, "--input", "0x0100000005000000"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("exit code:      2");
    expect(r.stderr).toContain("the guest exited with code 2");
    const json = await zkvm(["execute", hello, "--input", "0x0100000005000000", "--json"]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).exitCode).toBe(2);
    expect((await zkvm(["execute", hello, "--input", HELLO_7x6])).code).toBe(0);
  });

  it("prove --dev exits 3 when the guest exits non-zero, and the receipt records the exit code", async () => {
    const out = join(tmp(), "r.json");
    const r = await zkvm(["prove", hello, "--dev", "--input", "0x0100000005000000", "-o", out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/exited with code 2/);
    expect(receiptClaim(decodeReceipt(readFileSync(out, "utf8"))).exitCode).toEqual({
      kind: "halted",
      user: 2,
    });
  });

  it("usage errors exit 2, as verify's help says; help exits 0", async () => {
    const missing = await zkvm(["verify", "--seal", "0x00", "--image-id", `0x${"00".repeat(32)}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--journal/);
    expect((await zkvm(["verify"])).code).toBe(2);
    expect((await zkvm(["deploy"])).code).toBe(2);
    expect((await zkvm(["execute", hello, "--no-such-option"])).code).toBe(2);
    expect((await zkvm(["nonsense"])).code).toBe(2);
    const help = await zkvm(["verify", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/2 for bad input/);
  });
});

describe("0x-prefixed output", () => {
  it("image-id and every hex field of a receipt file carry 0x", async () => {
    expect((await zkvm(["image-id", hello])).stdout).toMatch(/^0x[0-9a-f]{64}\n$/);
    const r = await zkvm(["prove", hello, "--dev", "--input", HELLO_7x6]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    for (const v of [json.imageId, json.claimDigest, json.journal, json.seal, ...Object.values(json.claim)]) {
      if (typeof v === "string") expect(v).toMatch(/^0x[0-9a-f]*$/);
    }
    expect(json.seal).toBe(`0xffffffff${json.claimDigest.slice(2)}`);
  });
});

describe("inputs and outputs", () => {
  it("a 3 GB --input file is read as the guest consumes it", async () => {
    const path = join(tmp(), "huge.bin");
    // Sparse: 3 GB long, 8 bytes written (7 × 6), no disk space used.
    writeFileSync(path, Buffer.from(HELLO_7x6.slice(2), "hex"));
    truncateSync(path, 3 * 1024 ** 3);
    const r = await zkvm(["execute", hello, "--input", path]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("journal:        0x2a00000000000000");
  });

  it("FileInput reads only the bytes the guest asks for", () => {
    const path = join(tmp(), "in.bin");
    writeFileSync(path, Buffer.alloc(300_000, 7));
    const file = new FileInput(path);
    let read = 0;
    const counting = {
      length: file.length,
      readAt: (position: number, into: Uint8Array) => {
        read += into.length;
        file.readAt(position, into);
      },
    };
    const s = executeSession(readFileSync(hello), { input: counting });
    file.close();
    expect(s.exitCode).toBe(0);
    expect(read).toBe(8);
    const product = Buffer.alloc(8);
    product.writeBigUInt64LE(0x07070707n * 0x07070707n);
    expect(bytesToHex(s.journal)).toBe(product.toString("hex"));
  });

  it("--journal and -o create missing directories; an unwritable path is reported, not a raw ENOENT", async () => {
    const dir = tmp();
    const journal = join(dir, "a/b/journal.bin");
    expect((await zkvm(["execute", hello, "--input", HELLO_7x6, "--journal", journal])).code).toBe(0);
    expect([...readFileSync(journal)]).toEqual([42, 0, 0, 0, 0, 0, 0, 0]);
    const receipt = join(dir, "c/receipt.json");
    expect((await zkvm(["prove", hello, "--dev", "--input", HELLO_7x6, "-o", receipt])).code).toBe(0);
    expect(decodeReceipt(readFileSync(receipt, "utf8")).journal.length).toBe(8);
    writeFileSync(join(dir, "file"), "");
    const blocked = await zkvm([
      "execute",
      hello,
      "--input",
      HELLO_7x6,
      "--journal",
      join(dir, "file/j.bin"),
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/cannot write the journal to .*file\/j\.bin: (ENOTDIR|EEXIST)/);
    const isDir = await zkvm(["execute", hello, "--input", HELLO_7x6, "--journal", dir]);
    expect(isDir.code).toBe(2);
    expect(isDir.stderr).toMatch(/is a directory/);
  });

  it("a directory given as the ELF says so (and how to build a project there)", async () => {
    const dir = tmp();
    const plain = await zkvm(["execute", dir]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/is a directory, not an ELF file/);
    writeFileSync(join(dir, "Cargo.toml"), "[package]\n");
    expect((await zkvm(["execute", dir])).stderr).toMatch(/zkvm build .* -o guest\.elf/);
    const missing = await zkvm(["execute", join(dir, "nope.elf")]);
    expect(missing.stderr).toMatch(/not found; build a guest with: zkvm build/);
  });
});

describe("control roots by release name", () => {
  const v12 = REAL_RECEIPTS[0]!;
  it("--control-root v1.2 verifies RISC Zero's v1.2 receipt; an unknown release lists the known ones", async () => {
    const base = [
      "verify",
      "--seal",
      v12.hex.seal,
      "--image-id",
      v12.hex.imageId,
      "--journal",
      v12.hex.journal,
    ];
    for (const name of ["v1.2", "V1.2", "1.2", v12.hex.controlRoot]) {
      const r = await zkvm([...base, "--control-root", name]);
      expect(r.code, name).toBe(0);
    }
    const unknown = await zkvm([...base, "--control-root", "v9.9"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no such release; known control roots: v1\.2 \(0x8cdad924.*v3\.0/);
  });
});

describe("RPC endpoints that never answer", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Accepts connections and never replies.
    server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it("verify --rpc gives up after --timeout, naming the URL (exit 2)", async () => {
    const r = await zkvm([
      "verify",
      ...["--seal", REAL_RECEIPTS[1]!.hex.seal, "--image-id", REAL_RECEIPTS[1]!.hex.imageId],
      ...["--journal", REAL_RECEIPTS[1]!.hex.journal, "--rpc", url, "--router", `0x${"11".repeat(20)}`],
      ...["--timeout", "1"],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`connecting to ${url}`);
    expect(r.stderr).toMatch(
      new RegExp(`cannot reach the JSON-RPC endpoint \\(${url}\\): no answer in time`),
    );
    expect(r.ms).toBeLessThan(15_000);
  });

  it("deploy gives up after --timeout too; a refused connection names the URL", async () => {
    const key = { ZKVM_PRIVATE_KEY: `0x${"11".repeat(32)}` };
    const r = await zkvm(["deploy", "--rpc", url, "--timeout", "1", "--out", tmp()], key);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(url);
    expect(r.ms).toBeLessThan(15_000);
    const closed = await freePort();
    const refused = await zkvm(["deploy", "--rpc", `http://127.0.0.1:${closed}`, "--out", tmp()], key);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`(http://127.0.0.1:${closed}): connection refused`);
  });
});

describe("the demo", () => {
  it("prints its lines whole", async () => {
    const r = await run(process.execPath, [join(ROOT, "scripts/demo.ts")], {
      env: { ...process.env, ZKVM_DEV_MODE: "" },
    });
    expect(r.stdout.endsWith("\n")).toBe(true);
    const devOff = r.stdout.split("\n").find((l) => l.includes("with dev mode off:"));
    expect(devOff).toMatch(
      /with dev mode off: DevModeRequiredError: .*in production, prove without dev mode to get a real receipt$/,
    );
  });
});
