import { add, mul, sub } from "../../field/babybear.ts";
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
