/**
 * `node bench/verify-segments.ts <receipt.bin> [calls]`: verifies every segment of a composite receipt (the
 * bytes of `encodeReceipt`) in a fresh process — a verifier's own heap, not one a prover has just filled —
 * separating the process's first verification (the Poseidon2 WebAssembly compile, the machine AIR, JIT
 * warm-up) from the steady cost: two untimed rounds, then `calls` timed ones per segment (default 9), each
 * segment's median.
 * bench/prove.bench.ts runs it on each session it proves. Last line: JSON.
 */
import { readFileSync } from "node:fs";
import { verifySegmentSeal } from "../src/machine/verify.ts";
import { decodeReceipt } from "../src/receipt/receipt-codec.ts";
import { report } from "./util.ts";

const [receiptPath, callsArg] = process.argv.slice(2);
if (!receiptPath) {
  console.error("usage: node bench/verify-segments.ts <receipt.bin> [calls]");
  process.exit(2);
}
const calls = Number(callsArg ?? 9);
const receipt = decodeReceipt(new Uint8Array(readFileSync(receiptPath)));
const ms = (start: number) => performance.now() - start;
let t = performance.now();
verifySegmentSeal(receipt.segments[0]!.statement, receipt.segments[0]!.seal, receipt.config);
const firstMs = ms(t);
// Two untimed rounds more, so that the timed ones run the optimised code.
for (let r = 0; r < 2; r++)
  for (const seg of receipt.segments) verifySegmentSeal(seg.statement, seg.seal, receipt.config);
const medians = receipt.segments.map((seg) => {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    t = performance.now();
    verifySegmentSeal(seg.statement, seg.seal, receipt.config);
    times.push(ms(t));
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
});
const round = (x: number) => Math.round(x * 10) / 10;
console.log(
  `first verification ${round(firstMs)} ms; per segment (median of ${calls}): ${medians.map(round).join(", ")} ms`,
);
report("verify-segments", {
  firstMs: round(firstMs),
  medianMsPerSegment: medians.map(round),
  meanOfMediansMs: round(medians.reduce((a, b) => a + b, 0) / medians.length),
  calls,
});
