import { sha256 } from "@noble/hashes/sha2.js";
import { SYSTEM_STATE_ZERO_DIGEST } from "../../receipt/claim.ts";
import { Claim, RECURSION_PUBLIC_COUNT } from "../../recursion/programs.ts";
import type { Bb } from "../circuit/babybear.ts";
import type { CircuitBuilder } from "../circuit/builder.ts";
import { combine, type Lc, ONE, ZERO } from "../circuit/lc.ts";
import { ch, constantByte, digestBytes, sha256Message } from "../circuit/sha256.ts";
import type { PublicStatement, VerifiedStatement } from "../circuit/stark-verifier.ts";

/**
 * The public inputs of a Groth16 receipt, as RISC Zero's circuit exposes them (docs/wrap-circuit.md §9):
 * `[controlRoot₀, controlRoot₁, claim₀, claim₁, bn254ControlId]`, each digest split like the verifier
 * contract's `splitDigest` (its bytes read as a little-endian integer, low 128 bits then high 128 bits).
 *
 * They are computed from the statement the circuit has verified — the recursion proof's 43 public values
 * (control root, then the structured claim: docs/recursion.md) and the BN254 control ID (the preprocessed
 * root, an input of the circuit). The claim digest is RISC Zero's tagged-struct SHA-256 of the ReceiptClaim,
 * computed in the circuit from the structured claim exactly as `receiptClaimDigest(recursionClaim(publics))`
 * computes it natively, so the contract's `ReceiptClaim.ok(imageId, journalDigest).digest()` is what a seal
 * proves. The claim's small fields are range-checked here (the inner proof's values are only known to be
 * canonical BabyBear values): `halted` is a bit, the exit code and the Output digest are 16-bit halves.
 */
export const RECEIPT_STATEMENT: PublicStatement = {
  count: 5,
  signals(s: VerifiedStatement, backend: { readonly c: CircuitBuilder }): Lc[] {
    if (s.publics.length !== RECURSION_PUBLIC_COUNT)
      throw new RangeError(`a recursion claim has ${RECURSION_PUBLIC_COUNT} values, got ${s.publics.length}`);
    if (!s.preprocessedRoot)
      throw new RangeError("the receipt statement needs the BN254 control ID as an input of the circuit");
    const c = backend.c;
    return c.withCategory("statement", () => {
      const root = s.publics.slice(Claim.CONTROL_ROOT, Claim.CONTROL_ROOT + 8);
      const digest = claimDigestBytes(c, s.publics);
      return [
        packWords(root.slice(0, 4)),
        packWords(root.slice(4, 8)),
        packBytes(digest.slice(0, 16)),
        packBytes(digest.slice(16, 32)),
        s.preprocessedRoot!,
      ];
    });
  },
};

/** A byte as 8 bits, least significant first (each 0/1: a constant or a constrained bit). */
type ByteBits = readonly Lc[];

const TAG_DIGEST = sha256(new TextEncoder().encode("risc0.ReceiptClaim"));
/** The ReceiptClaim preimage's first block: the tag digest and the `input` digest, zero in every claim. */
const CONSTANT_BLOCK = new Uint8Array(64);
CONSTANT_BLOCK.set(TAG_DIGEST, 0);

/**
 * The SHA-256 ReceiptClaim digest of the structured claim, as 32 bytes of bits: sha256(tag ‖ input ‖ pre ‖
 * post ‖ output ‖ system exit (u32 LE) ‖ user exit (u32 LE) ‖ 4 (u16 LE)), with, as `recursionClaim` reads the
 * claim: a halted claim has post = the zero SystemState's digest, exit (0, lo | hi << 16) and output the
 * Output digest from its 16 halves; otherwise (a split) post = the post-state digest, exit (2, 0), output 0.
 */
function claimDigestBytes(c: CircuitBuilder, p: readonly Bb[]): Lc[][] {
  const halted = p[Claim.HALTED]!;
  const h = smallBits(c, halted, 1, "halted")[0]!;
  const pre = p.slice(Claim.PRE, Claim.PRE + 8).flatMap((x) => elementBytes(x));
  const post = p
    .slice(Claim.POST, Claim.POST + 8)
    .flatMap((x) => elementBytes(x))
    .map((byte, i) =>
      byte.map((bit, k) => select(c, h, constantByte(SYSTEM_STATE_ZERO_DIGEST[i]!)[k]!, bit)),
    );
  const output = p
    .slice(Claim.OUTPUT, Claim.OUTPUT + 16)
    .flatMap((x) => halfBytes(smallBits(c, x, 16, "output half")))
    .map((byte) => byte.map((bit) => select(c, h, bit, ZERO)));
  const exitBits = [
    ...smallBits(c, p[Claim.EXIT_LO]!, 16, "exit code half"),
    ...smallBits(c, p[Claim.EXIT_HI]!, 16, "exit code half"),
  ].map((bit) => select(c, h, bit, ZERO));
  const notHalted = ONE.sub(h);
  const system: ByteBits[] = [
    [ZERO, notHalted, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO],
    ...constantBytes([0, 0, 0]),
  ];
  const user = [0, 1, 2, 3].map((j) => exitBits.slice(8 * j, 8 * j + 8));
  const message = [...pre, ...post, ...output, ...system, ...user, ...constantBytes([4, 0])];
  return digestBytes(sha256Message(c, message, { prefix: CONSTANT_BLOCK }));
}

/** The canonical value's low `n` bits, constraining the rest to zero (one linear constraint). */
function smallBits(c: CircuitBuilder, x: Bb, n: number, what: string): Lc[] {
  const bits = x.bits!;
  c.enforceEqual(
    combine(bits.slice(n).map((b, i) => [b, 1n << BigInt(n + i)] as const)),
    ZERO,
    `the claim's ${what} is below 2^${n}`,
  );
  return bits.slice(0, n);
}

/** A canonical BabyBear value as its 4 little-endian bytes (bit 31 is zero). */
function elementBytes(x: Bb): ByteBits[] {
  const bits = [...x.bits!, ZERO];
  return [0, 1, 2, 3].map((j) => bits.slice(8 * j, 8 * j + 8));
}

const halfBytes = (bits: readonly Lc[]): ByteBits[] => [bits.slice(0, 8), bits.slice(8, 16)];

const constantBytes = (bytes: readonly number[]): ByteBits[] => bytes.map(constantByte);

/** sel ? ifOne : ifZero for bits: SHA-256's Ch, one constraint (its hints named for this statement). */
const select = (c: CircuitBuilder, sel: Lc, ifOne: Lc, ifZero: Lc): Lc =>
  ch(c, sel, ifOne, ifZero, "statement select");

/** Σ word_w · 2^(32w): four digest words (canonical BabyBear values) as half of a little-endian integer. */
const packWords = (words: readonly Bb[]): Lc =>
  combine(words.map((w, i) => [w.lc, 1n << BigInt(32 * i)] as const));

/** Σ byte_i · 256^i: sixteen digest bytes as half of a little-endian integer. */
const packBytes = (bytes: readonly ByteBits[]): Lc =>
  combine(bytes.flatMap((byte, i) => byte.map((bit, k) => [bit, 1n << BigInt(8 * i + k)] as const)));
