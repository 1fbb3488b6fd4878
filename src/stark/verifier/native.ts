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
import { compress4, type StarkHash } from "../hash-config.ts";
import type { VerifierBackend } from "./backend.ts";

/**
 * The verifier's native instance: values are canonical numbers, extension values 4-tuples, digests 8 words;
 * a failed check throws VerificationError with its reason.
 */
export type NativeBackend = VerifierBackend<number, Ext, Uint32Array>;

/**
 * The native backend for a hash configuration. Without one it does arithmetic only (constraint and bus
 * evaluation on the prover's side); hashing then throws.
 */
export function nativeBackend(hashConfig?: StarkHash): NativeBackend {
  const hash = (): StarkHash => {
    if (!hashConfig) throw new RangeError("this native backend has no hash configuration");
    return hashConfig;
  };
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
      hash().hashRow(Uint32Array.from(row), out);
      return out;
    },
    compress(left, right) {
      const out = new Uint32Array(8);
      hash().compress(left, right, out);
      return out;
    },
    merkleStep(bit, node, sibling) {
      const out = new Uint32Array(8);
      if (bit) hash().compress(sibling, node, out);
      else hash().compress(node, sibling, out);
      return out;
    },
    merkleStep4([b0, b1], node, siblings) {
      const children = [...siblings];
      children.splice(b0 + 2 * b1, 0, node);
      const out = new Uint32Array(8);
      compress4(hash(), children, out);
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
