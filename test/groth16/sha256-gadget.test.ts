/**
 * The SHA-256 gadget against @noble/hashes: digests of messages of every padding case, a constant prefix
 * (the ReceiptClaim's first block), constant folding, and its constraint counts; then malicious witnesses —
 * each kind of hint the gadget creates, tampered, must violate the constraint that guards it, checked by the
 * builder and once by evaluating the written .r1cs/.wtns with the toolchain's checkWitness.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { type BuilderOptions, CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import { type Lc, ZERO } from "../../src/groth16/circuit/lc.ts";
import {
  constantWord,
  digestBytes,
  sha256Compress,
  sha256Message,
  type Word,
  wordHint,
} from "../../src/groth16/circuit/sha256.ts";
import { WitnessError } from "../../src/groth16/errors.ts";
import { readR1cs } from "../../src/groth16/r1cs.ts";
import { checkWitness, readWitness } from "../../src/groth16/witness.ts";
import { SHA256_IV, sha256CompressBlock, sha256Midstate } from "../../src/hash/sha256-block.ts";
import { prng } from "../../src/stark/testing/perturb.ts";

type Tamper = NonNullable<BuilderOptions["tamper"]>;
const builder = (record = true, tamper?: Tamper) => new CircuitBuilder({ publicCount: 0, record, tamper });

const rand = prng(0x5a256);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => rand() & 0xff);
const randomWords = (n: number) => Array.from({ length: n }, () => rand());

/** Bytes as 8 hinted bits each (least significant first), each constrained boolean. */
function byteHints(c: CircuitBuilder, bytes: Uint8Array): Lc[][] {
  return [...bytes].map((x) =>
    Array.from({ length: 8 }, (_, i) => {
      const b = c.hint(BigInt((x >> i) & 1), "message");
      c.enforce(b, b.addConstant(-1n), ZERO, "message bit");
      return b;
    }),
  );
}

const constantBytes = (bytes: Uint8Array): Lc[][] => [...bytes].map((x) => constantWord(x).slice(0, 8));
const bitsValue = (bits: readonly Lc[]) => bits.reduce((acc, b, i) => acc + Number(b.value) * 2 ** i, 0);
const digestOf = (words: readonly Word[]) => Uint8Array.from(digestBytes(words).map(bitsValue));
const wordValues = (words: readonly Word[]) => words.map(bitsValue);

/** The constraints `f` adds to `c`. */
function cost(c: CircuitBuilder, f: () => void): number {
  const before = c.constraints;
  f();
  return c.constraints - before;
}

/** Whether the builder's witness, written as .wtns, satisfies its written .r1cs (evaluated independently). */
function r1csAccepts(c: CircuitBuilder): boolean {
  try {
    checkWitness(readR1cs(Buffer.concat(c.r1cs())), readWitness(Buffer.concat(c.wtns())));
    return true;
  } catch (e) {
    if (e instanceof WitnessError) return false;
    throw e;
  }
}

function blockBytes(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * words.length);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, false));
  return out;
}

/** Measured with this gadget: one compression of a variable state and a variable block. */
const MEASURED_VARIABLE_COMPRESSION = 26_128;
/** Measured: one compression of a variable block from the constant IV (rounds 0–2 fold). */
const MEASURED_IV_COMPRESSION = 25_769;
/** Measured totals of sha256Message over hinted bytes (the bytes' own 8 constraints each excluded). */
const MEASURED_MESSAGE: Readonly<Record<number, number>> = {
  0: 0, // the empty message is all padding: constant
  55: 25_518, // one block, from the constant IV (rounds 0–2 fold)
  56: 44_573, // two blocks; the second is constant padding, so its schedule folds
  64: 44_803,
  100: 51_358,
  170: 77_565, // the ReceiptClaim's length; circomlib's Sha256(1360) measured 90,175 (docs/wrap-circuit.md §9)
};
/** Room for harmless changes (a different fold order); anything larger must update the figures above. */
const MARGIN = 64;

describe("native SHA-256 compression (midstates)", () => {
  it("equals @noble/hashes on padded messages of every padding case", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 119, 120, 200]) {
      const message = randomBytes(n);
      const padded = new Uint8Array(Math.ceil((n + 9) / 64) * 64);
      padded.set(message);
      padded[n] = 0x80;
      new DataView(padded.buffer).setBigUint64(padded.length - 8, BigInt(n) * 8n, false);
      let state = [...SHA256_IV];
      for (let at = 0; at < padded.length; at += 64) state = sha256CompressBlock(state, padded, at);
      expect(blockBytes(state)).toEqual(sha256(message));
    }
  });

  it("takes whole blocks only", () => {
    expect(() => sha256Midstate(new Uint8Array(65))).toThrow(RangeError);
    expect(() => sha256CompressBlock(SHA256_IV, new Uint8Array(63))).toThrow(RangeError);
    expect(sha256Midstate(new Uint8Array(0))).toEqual(SHA256_IV);
  });
});

describe("SHA-256 as constraints", () => {
  it("compresses a variable state and block like the native function, within the measured cost", () => {
    const state = randomWords(8);
    const block = randomWords(16);
    const c = builder();
    const s = state.map((x) => wordHint(c, x, "state"));
    const b = block.map((x) => wordHint(c, x, "block"));
    let out: Word[] = [];
    const n = cost(c, () => {
      out = sha256Compress(c, s, b);
    });
    expect(wordValues(out)).toEqual(sha256CompressBlock(state, blockBytes(block)));
    expect(n).toBeLessThanOrEqual(MEASURED_VARIABLE_COMPRESSION + MARGIN);
    expect(c.satisfied).toBe(true);
    expect(r1csAccepts(c)).toBe(true);

    const fromIv = builder(false);
    const ivBlock = block.map((x) => wordHint(fromIv, x, "block"));
    const ivCost = cost(fromIv, () => {
      out = sha256Compress(fromIv, SHA256_IV.map(constantWord), ivBlock);
    });
    expect(wordValues(out)).toEqual(sha256CompressBlock(SHA256_IV, blockBytes(block)));
    expect(ivCost).toBeLessThanOrEqual(MEASURED_IV_COMPRESSION + MARGIN);
    expect(ivCost).toBeLessThan(n);
  });

  it.each(Object.keys(MEASURED_MESSAGE).map(Number))(
    "hashes a %i-byte message of hinted bytes to @noble/hashes's digest",
    (length) => {
      const message = randomBytes(length);
      const c = builder(false);
      const bytes = byteHints(c, message);
      let digest: Word[] = [];
      const n = cost(c, () => {
        digest = sha256Message(c, bytes);
      });
      expect(digestOf(digest)).toEqual(sha256(message));
      expect(c.satisfied).toBe(true);
      expect(n).toBeLessThanOrEqual(MEASURED_MESSAGE[length]! + MARGIN);
      const compressions = Math.ceil((length + 9) / 64);
      expect(n).toBeLessThanOrEqual(compressions * (MEASURED_VARIABLE_COMPRESSION + MARGIN));
    },
  );

  it("hashes a constant prefix natively: the ReceiptClaim's first block costs nothing", () => {
    // The ReceiptClaim preimage starts with sha256(tag) and the input digest (zero in today's claims).
    const prefix = new Uint8Array(64);
    prefix.set(sha256(new TextEncoder().encode("risc0.ReceiptClaim")));
    const rest = randomBytes(106);
    const expected = sha256(Uint8Array.from([...prefix, ...rest]));

    const withPrefix = builder(false);
    const restBits = byteHints(withPrefix, rest);
    let digest: Word[] = [];
    const prefixed = cost(withPrefix, () => {
      digest = sha256Message(withPrefix, restBits, { prefix });
    });
    expect(digestOf(digest)).toEqual(expected);
    expect(withPrefix.satisfied).toBe(true);

    // The same prefix as constant bytes of the message folds to exactly the same circuit.
    const folded = builder(false);
    const foldedBits = [...constantBytes(prefix), ...byteHints(folded, rest)];
    const foldedCost = cost(folded, () => {
      digest = sha256Message(folded, foldedBits);
    });
    expect(digestOf(digest)).toEqual(expected);
    expect(foldedCost).toBe(prefixed);

    // All 170 bytes variable: a third compression.
    const variable = builder(false);
    const allBits = byteHints(variable, Uint8Array.from([...prefix, ...rest]));
    const variableCost = cost(variable, () => {
      digest = sha256Message(variable, allBits);
    });
    expect(digestOf(digest)).toEqual(expected);
    expect(variableCost).toBeGreaterThan(prefixed + 25_000);
    // Measured: 51,437 with the prefix, against 77,565 without.
    expect(prefixed).toBeLessThanOrEqual(51_437 + MARGIN);
  });

  it("folds constants: an all-constant message or compression costs no constraint", () => {
    const message = randomBytes(100);
    const c = builder();
    let digest: Word[] = [];
    expect(
      cost(c, () => {
        digest = sha256Message(c, constantBytes(message));
      }),
    ).toBe(0);
    expect(digestOf(digest)).toEqual(sha256(message));
    expect(digest.every((w) => w.every((bit) => bit.isConstant))).toBe(true);

    const block = randomWords(16);
    let out: Word[] = [];
    expect(
      cost(c, () => {
        out = sha256Compress(c, SHA256_IV.map(constantWord), block.map(constantWord));
      }),
    ).toBe(0);
    expect(wordValues(out)).toEqual(sha256CompressBlock(SHA256_IV, blockBytes(block)));
  });

  it("builds the same circuit in record and witness mode", () => {
    const message = randomBytes(170);
    const run = (record: boolean) => {
      const c = builder(record);
      const digest = sha256Message(c, byteHints(c, message));
      return {
        fingerprint: c.fingerprint,
        constraints: c.constraints,
        wires: c.wireCount,
        digest: digestOf(digest),
      };
    };
    const recorded = run(true);
    expect(run(false)).toEqual(recorded);
    expect(recorded.digest).toEqual(sha256(message));
  });

  it("rejects words and messages of the wrong shape", () => {
    const c = builder();
    const iv = SHA256_IV.map(constantWord);
    const block = randomWords(16).map(constantWord);
    expect(() => sha256Compress(c, iv.slice(1), block)).toThrow(RangeError);
    expect(() => sha256Compress(c, iv, block.slice(1))).toThrow(RangeError);
    expect(() => sha256Compress(c, iv, [block[0]!.slice(1), ...block.slice(1)])).toThrow(RangeError);
    expect(() => sha256Message(c, [constantWord(1).slice(0, 7)])).toThrow(RangeError);
    expect(() => sha256Message(c, [], { prefix: new Uint8Array(32) })).toThrow(RangeError);
    expect(() => digestBytes(iv.slice(1))).toThrow(RangeError);
    expect(() => constantWord(2 ** 32)).toThrow(RangeError);
    expect(() => wordHint(c, -1, "x")).toThrow(RangeError);
  });
});

describe("SHA-256 soundness: tampered hints violate a constraint", () => {
  // One compression of a variable state and block, in witness mode (the builder checks every constraint).
  const state = randomWords(8);
  const block = randomWords(16);
  function compress(record: boolean, tamper?: Tamper): CircuitBuilder {
    const c = builder(record, tamper);
    sha256Compress(
      c,
      state.map((x) => wordHint(c, x, "state")),
      block.map((x) => wordHint(c, x, "block")),
    );
    return c;
  }

  // The honest hints of each kind, in order of creation.
  const honest = new Map<string, bigint[]>();
  compress(false, (kind, _i, value) => {
    honest.set(kind, [...(honest.get(kind) ?? []), value]);
    return value;
  });

  const guarded: readonly (readonly [kind: string, label: string])[] = [
    ["sha256 sum", "sha256 sums"],
    ["sha256 carry", "sha256 sums"],
    ["sha256 xor", "sha256 xor"],
    ["sha256 ch", "sha256 ch"],
    ["sha256 maj and", "sha256 maj and"],
    ["sha256 maj", "sha256 maj"],
  ];

  it("creates exactly these kinds of hints", () => {
    expect([...honest.keys()].sort()).toEqual(["block", "state", ...guarded.map(([kind]) => kind)].sort());
  });

  it.each(guarded)("a flipped %s hint violates %s", (kind, label) => {
    const count = honest.get(kind)!.length;
    for (const index of [0, Math.floor(count / 2), count - 1]) {
      const c = compress(false, (k, i, value) => (k === kind && i === index ? value ^ 1n : value));
      expect(c.violationTotal, `${kind} #${index}`).toBeGreaterThan(0);
      expect(c.violations[0]!.label).toBe(label);
    }
  });

  it("a non-boolean bit with the same weighted sum violates its boolean constraint", () => {
    // An output word's bits (the last sums settled): bit i + 2 and bit i+1 − 1 keep Σ bits·2^j unchanged.
    const sums = honest.get("sha256 sum")!;
    const first = sums.length - 32;
    const i = first + sums.slice(first + 1).indexOf(1n);
    expect(sums[i + 1]).toBe(1n);
    const c = compress(true, (k, j, value) =>
      k !== "sha256 sum" ? value : j === i ? value + 2n : j === i + 1 ? 0n : value,
    );
    expect(c.violationTotal).toBe(1);
    expect(c.violations[0]!.label).toBe("sha256 boolean");
    expect(r1csAccepts(c)).toBe(false);
  });

  it("the written .r1cs rejects a flipped carry", () => {
    const c = compress(true, (k, i, value) => (k === "sha256 carry" && i === 7 ? value ^ 1n : value));
    expect(c.violations.map((v) => v.label)).toEqual(["sha256 sums"]);
    expect(r1csAccepts(c)).toBe(false);
  });
});
