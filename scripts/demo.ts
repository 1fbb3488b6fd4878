/** `npm run demo`: runs the pipeline as far as it goes today and says what each step produced. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bytesToHex } from "@noble/hashes/utils.js";
import { journalDigest, okClaim, receiptClaimDigest } from "../src/receipt/claim.ts";
import { proveReceipt } from "../src/receipt/prove.ts";
import { decodeReceipt, encodeReceipt, receiptClaim, verifyReceipt } from "../src/receipt/receipt.ts";
import { encodeReceipt as encodeBinaryReceipt } from "../src/receipt/receipt-codec.ts";
import { readReceipt } from "../src/receipt/verify.ts";
import { computeImageId } from "../src/zkvm/image-id.ts";
import { loadProgram } from "../src/zkvm/program.ts";
import { prove } from "../src/zkvm/prove.ts";
import { executeSession } from "../src/zkvm/session.ts";
import { relayDemo } from "./demo-relay.ts";

const journal = new TextEncoder().encode("hello from zkvm-kit");
const imageId = new Uint8Array(32);
const claim = okClaim(imageId, journalDigest(journal));
console.log(
  `claim digest of ok(0x00…00, sha256("hello from zkvm-kit")): ${bytesToHex(receiptClaimDigest(claim))}`,
);

const examples = join(dirname(fileURLToPath(import.meta.url)), "..", "guests", "examples");
const u32le = (...xs: number[]) =>
  Uint8Array.from(xs.flatMap((x) => [x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24]));
const even = new Uint8Array(32);
even[31] = 42;

const runs: Array<{ guest: string; input: Uint8Array; about: string }> = [
  { guest: "hello", input: u32le(17, 23), about: "17 × 23" },
  { guest: "sha", input: new TextEncoder().encode("abc"), about: 'sha256("abc")' },
  { guest: "sort", input: u32le(5, 3, 9, 1, 7), about: "sort [5, 3, 9, 1, 7]" },
  { guest: "even-number", input: even, about: "x = 42" },
];

console.log("\n== execute the example guests (guests/examples/*.elf) ==");
for (const { guest, input, about } of runs) {
  const elf = readFileSync(join(examples, `${guest}.elf`));
  const t = performance.now();
  const s = executeSession(elf, { input, onStderr: (b) => process.stderr.write(b) });
  const ms = performance.now() - t;
  console.log(`\n${guest} (${about})`);
  console.log(`  exit code     ${s.exitCode}`);
  console.log(`  cycles        ${s.cycles} (${ms.toFixed(1)} ms including ImageID)`);
  console.log(`  journal       0x${bytesToHex(s.journal)}`);
  console.log(`  image id      0x${bytesToHex(s.imageId)}`);
  console.log(`  claim digest  0x${bytesToHex(s.claimDigest)}`);
}

console.log("\n== dev mode: fake receipt for even-number (ZKVM_DEV_MODE=1 set in-process) ==");
process.env.ZKVM_DEV_MODE = "1";
const evenElf = readFileSync(join(examples, "even-number.elf"));
const { receipt } = prove(evenElf, { input: even });
const encoded = encodeReceipt(receipt);
console.log(
  `  receipt       ${encoded.length} bytes of JSON, claim digest 0x${bytesToHex(receiptClaimDigest(receiptClaim(receipt)))}`,
);
verifyReceipt(decodeReceipt(encoded), computeImageId(loadProgram(evenElf)));
console.log("  verified (dev mode only: a fake receipt is rejected when ZKVM_DEV_MODE is off)");
delete process.env.ZKVM_DEV_MODE;
try {
  verifyReceipt(receipt, computeImageId(loadProgram(evenElf)));
} catch (e) {
  console.log(`  with dev mode off: ${(e as Error).name}: ${(e as Error).message}`);
}

console.log("\n== a real receipt: even-number proven with the RV32IM STARK (100-bit configuration) ==");
{
  const t = performance.now();
  const { receipt: real } = proveReceipt(evenElf, {
    input: even,
    dev: false,
    onProgress: (p) => {
      if (p.stage === "executed") console.log(`  executed      ${p.cycles} cycles, ${p.segments} segment(s)`);
    },
  });
  if (real.kind !== "composite") throw new Error("expected a real receipt");
  const bytes = encodeBinaryReceipt(real);
  console.log(
    `  proven        in ${((performance.now() - t) / 1000).toFixed(1)} s, receipt ${bytes.length} bytes`,
  );
  const v = performance.now();
  const claim = verifyReceipt(readReceipt(bytes), computeImageId(loadProgram(evenElf)));
  console.log(
    `  verified      in ${(performance.now() - v).toFixed(0)} ms; claim digest 0x${bytesToHex(receiptClaimDigest(claim))} (the same as the fake receipt's)`,
  );
}

await relayDemo();
