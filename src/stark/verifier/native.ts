import { add, mul, P, sub } from "../../field/babybear.ts";
import {
  type Ext,
  extAdd,
  extEquals,
  extInv,
  extIsBase,
  extMul,
  extMulBase,
  extSub,
} from "../../field/extension.ts";
import { VerificationError } from "../errors.ts";
import { compress4, type StarkHash, UnsupportedHashError } from "../hash-config.ts";
import type { VerifierBackend } from "./backend.ts";
import { deferredOpenings } from "./deferred-openings.ts";
import { pairKey } from "./pair-key.ts";

/**
 * The verifier's native instance: values are canonical numbers, extension values 4-tuples, digests 8 words;
 * a failed check throws VerificationError with its reason.
 */
export type NativeBackend = VerifierBackend<number, Ext, Uint32Array>;

/** A native backend that defers its Merkle opening checks: {@link flush} runs them (verifier/deferred-openings.ts). */
export interface DeferringNativeBackend extends NativeBackend {
  /** Runs the deferred opening checks; throws VerificationError for the first that fails. */
  flush(): void;
}

/**
 * The native backend of a verification: with a hash whose openings can be batched
 * (verifier/deferred-openings.ts), its Merkle opening checks wait for `flush`; else they run at once and
 * `flush` does nothing.
 */
export function nativeVerifierBackend(hashConfig: StarkHash): DeferringNativeBackend {
  const backend = nativeBackend(hashConfig);
  const deferred = deferredOpenings(backend, hashConfig);
  if (!deferred) return { ...backend, flush: () => {} };
  return { ...backend, deferOpening: (check) => deferred.defer(check), flush: () => deferred.flush() };
}

/**
 * The native backend for a hash configuration. Without one it does arithmetic only (constraint and bus
 * evaluation on the prover's side); hashing then throws.
 */
export function nativeBackend(hashConfig?: StarkHash): NativeBackend {
  const hash = (): StarkHash => {
    if (!hashConfig) throw new RangeError("this native backend has no hash configuration");
    return hashConfig;
  };
  const compress = compressMemo(hash);
  return {
    hashId: hashConfig?.id ?? "none",
    constant: (x) => x,
    extConstant: (x) => x as Ext,
    known: (x) => x,
    add,
    sub,
    mul,
    extFromBase: (a) => [a, 0, 0, 0],
    extFromCoordinates: (c0, c1, c2, c3) => [c0, c1, c2, c3],
    extCoordinates: (a) => a,
    extAdd,
    extSub,
    extMul,
    extMulBase,
    dotBase(coefficients, values) {
      // Sums of canonical products, reduced once at the end (below 2^53 for up to 2^22 terms; reduced every
      // 2^20 terms for longer rows): a DEEP row of hundreds of columns without one tuple per term.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < values.length; i++) {
        const c = coefficients[i]!;
        const v = values[i]!;
        s0 += mul(c[0], v);
        s1 += mul(c[1], v);
        s2 += mul(c[2], v);
        s3 += mul(c[3], v);
        if ((i & 0xfffff) === 0xfffff) {
          s0 %= P;
          s1 %= P;
          s2 %= P;
          s3 %= P;
        }
      }
      return [s0 % P, s1 % P, s2 % P, s3 % P];
    },
    extInverse(a, reason, what) {
      if (extIsBase(a) && a[0] === 0) throw new VerificationError(reason, what);
      return extInv(a);
    },
    bits(x, count) {
      const out: number[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = Math.floor(x / 2 ** i) % 2;
      return out;
    },
    select: (bit, ifOne, ifZero) => (bit ? ifOne : ifZero),
    extSelect: (bit, ifOne, ifZero) => (bit ? ifOne : ifZero),
    digestSelect: (bit, ifOne, ifZero) => (bit ? ifOne : ifZero),
    hashRow(row) {
      const out = new Uint32Array(8);
      hash().hashRow(row, out);
      return out;
    },
    compress: (left, right) => compress(left, right),
    merkleStep: (bit, node, sibling) => (bit ? compress(sibling, node) : compress(node, sibling)),
    merkleStep4(bits, node, siblings) {
      const out = new Uint32Array(8);
      compress4(hash(), arrange(bits, node, siblings), out);
      return out;
    },
    merkleInjectStep(bits, node, siblings, row) {
      const h = hash();
      if (!h.injectNode)
        throw new UnsupportedHashError(`hash configuration ${h.id} has no fused injection (injectNode)`);
      const out = new Uint32Array(8);
      h.injectNode(arrange(bits, node, siblings), new Uint32Array(row), out);
      return out;
    },
    newChallenger: () => hash().newChallenger(),
    assertEqual(a, b, reason, what) {
      if (a !== b) throw new VerificationError(reason, what);
    },
    assertExtEqual(a, b, reason, what) {
      if (!extEquals(a, b)) throw new VerificationError(reason, what);
    },
    assertDigestEqual(a, b, reason, what) {
      for (let i = 0; i < 8; i++) if (a[i] !== b[i]) throw new VerificationError(reason, what);
    },
  };
}

/** A step's children in order: `node` at position Σ bits_k·2^k, the siblings in order around it. */
function arrange(
  bits: readonly number[],
  node: Uint32Array,
  siblings: readonly Uint32Array[],
): Uint32Array[] {
  if (siblings.length !== (1 << bits.length) - 1)
    throw new RangeError(`a Merkle step of ${bits.length} bits has ${(1 << bits.length) - 1} siblings`);
  const children = [...siblings];
  children.splice(
    bits.reduce((p, bit, k) => p + bit * 2 ** k, 0),
    0,
    node,
  );
  return children;
}

/**
 * The configuration's `compress`, remembering its results for this backend's lifetime (one verification):
 * the Merkle paths of different queries meet below the root, so a verifier of 28 queries recomputes about
 * a quarter of its compressions (the recursion release's succinct receipts: 6,412 of which 4,633 distinct).
 * An entry is looked up by `pairKey` and used only if all 16 input words are equal, so a result is
 * returned only for exactly the inputs it was computed from; a colliding entry is replaced.
 */
function compressMemo(hash: () => StarkHash): (left: Uint32Array, right: Uint32Array) => Uint32Array {
  // Entries live in one growing array, 24 words each (left, right, digest); the map holds their offsets.
  const offsets = new Map<number, number>();
  let entries = new Uint32Array(24 * 256);
  let used = 0;
  return (left, right) => {
    const key = pairKey(left, right);
    const out = new Uint32Array(8);
    let at = offsets.get(key);
    if (at !== undefined) {
      let same = true;
      for (let i = 0; i < 8 && same; i++)
        same = entries[at + i] === left[i] && entries[at + 8 + i] === right[i];
      if (same) {
        for (let i = 0; i < 8; i++) out[i] = entries[at + 16 + i]!;
        return out;
      }
    } else {
      if (used === entries.length) {
        const grown = new Uint32Array(2 * entries.length);
        grown.set(entries);
        entries = grown;
      }
      at = used;
      used += 24;
      offsets.set(key, at);
    }
    hash().compress(left, right, out);
    for (let i = 0; i < 8; i++) {
      entries[at + i] = left[i]!;
      entries[at + 8 + i] = right[i]!;
      entries[at + 16 + i] = out[i]!;
    }
    return out;
  };
}
