/**
 * `node bench/verify-succinct.ts <receipt.json> <imageId hex> [release.json] [calls]`: verifies one succinct
 * receipt (the JSON of `encodeReceipt`) in a fresh process, separating what a process pays once from what
 * each receipt costs: building the recursion AIR template of the release's shape, the first verification
 * (Poseidon2 WebAssembly compile, the AIR's structure digest, JIT warm-up), then `calls` more verifications
 * (default 20; median and minimum). The release (shape, config, controlRoot) defaults to the published one.
 * bench/recursion.bench.ts runs it on the receipt it proves. Last line: JSON.
 */
import { readFileSync } from "node:fs";
import { decodeReceipt, verifyReceipt } from "../src/receipt/receipt.ts";
import type { RecursionRelease } from "../src/receipt/succinct-receipt.ts";
import { recursionTemplate } from "../src/recursion/programs.ts";
import { RECURSION_RELEASE } from "../src/recursion/release.ts";
import { report } from "./util.ts";

const [receiptPath, imageIdHex, releasePath, callsArg] = process.argv.slice(2);
if (!receiptPath || !imageIdHex) {
  console.error("usage: node bench/verify-succinct.ts <receipt.json> <imageId hex> [release.json] [calls]");
  process.exit(2);
}
const release: RecursionRelease = releasePath
  ? (() => {
      const r = JSON.parse(readFileSync(releasePath, "utf8"));
      return { shape: r.shape, config: r.config, controlRoot: Uint32Array.from(r.controlRoot) };
    })()
  : RECURSION_RELEASE;
const calls = Number(callsArg ?? 20);
const imageId = Uint8Array.from(Buffer.from(imageIdHex, "hex"));
const ms = (start: number) => Math.round((performance.now() - start) * 10) / 10;

let t = performance.now();
const receipt = decodeReceipt(readFileSync(receiptPath, "utf8"));
const decodeMs = ms(t);
t = performance.now();
recursionTemplate(release.shape);
const templateMs = ms(t);
t = performance.now();
verifyReceipt(receipt, imageId, undefined, { recursionRelease: release });
const firstMs = ms(t);
const times: number[] = [];
for (let i = 0; i < calls; i++) {
  t = performance.now();
  verifyReceipt(receipt, imageId, undefined, { recursionRelease: release });
  times.push(ms(t));
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`decode ${decodeMs} ms, template ${templateMs} ms, first verification ${firstMs} ms`);
console.log(`then ${calls} verifications: ${times.join(" ")} ms`);
report("verify-succinct", {
  decodeMs,
  templateMs,
  firstMs,
  steadyMedianMs: sorted[sorted.length >> 1],
  steadyMinMs: sorted[0],
  calls,
});
