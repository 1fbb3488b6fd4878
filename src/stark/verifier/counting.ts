import { add, mul, sub } from "../../field/babybear.ts";
import { type Ext, extAdd, extInv, extMul, extMulBase, extSub } from "../../field/extension.ts";
import type { Air } from "../air.ts";
import type { StarkConfig } from "../config.ts";
import { merkleScheme, type StarkHash } from "../hash-config.ts";
import { proofLayout } from "../layout.ts";
import { airStructureDigest, preprocessedTables } from "../protocol.ts";
import { verifyStarkProof } from "./algorithm.ts";
import type { VerifierBackend } from "./backend.ts";
import { mapProof, zeroProof } from "./proof-vars.ts";

/**
 * The verifier's counting instance: runs the verification algorithm on symbolic values and counts every
 * operation by kind — the cost model of the recursion program and of the R1CS circuit, before either is
 * built. Operations whose inputs are all constants are folded (every builder folds them too) and not
 * counted; products by a constant are counted apart, since circuits get them almost for free.
 */
export interface OperationCounts {
  base: { add: number; sub: number; mul: number; mulByConstant: number };
  ext: {
    add: number;
    sub: number;
    mul: number;
    mulByConstant: number;
    mulByBase: number;
    inverse: number;
    fromBase: number;
    fromCoordinates: number;
  };
  /** Bit decompositions and the bits they produce. */
  bits: { decompositions: number; bits: number };
  select: { base: number; ext: number; digest: number };
  hash: {
    /** Leaf hashes, and the base elements they absorb. */
    rows: number;
    rowElements: number;
    /** 2-to-1 compressions (binary Merkle steps and injections) and 4-to-1 ones (4-ary Merkle steps). */
    compress: number;
    compress4: number;
    /**
     * Fused injections (`merkleInjectStep`, after a binary or a 4-ary step), and the base elements of the
     * rows they absorb: not counted in `compress`, `compress4` or `rows`.
     */
    inject2: number;
    inject4: number;
    injectElements: number;
  };
  transcript: {
    observe: number;
    observeDigest: number;
    sample: number;
    /** Permutations of a duplex sponge with the given rate (16 elements for Poseidon2 width 24). */
    permutations: number;
  };
  assert: { base: number; ext: number; digest: number };
}

interface Sym<T> {
  readonly known: T | undefined;
}
type F = Sym<number>;
type E = Sym<Ext>;
type D = Sym<never>;

const VAR: Sym<never> = { known: undefined };

export function emptyCounts(): OperationCounts {
  return {
    base: { add: 0, sub: 0, mul: 0, mulByConstant: 0 },
    ext: {
      add: 0,
      sub: 0,
      mul: 0,
      mulByConstant: 0,
      mulByBase: 0,
      inverse: 0,
      fromBase: 0,
      fromCoordinates: 0,
    },
    bits: { decompositions: 0, bits: 0 },
    select: { base: 0, ext: 0, digest: 0 },
    hash: { rows: 0, rowElements: 0, compress: 0, compress4: 0, inject2: 0, inject4: 0, injectElements: 0 },
    transcript: { observe: 0, observeDigest: 0, sample: 0, permutations: 0 },
    assert: { base: 0, ext: 0, digest: 0 },
  };
}

/**
 * A counting backend. Transcript permutations follow the Poseidon2 duplex discipline (overwrite mode,
 * `rate` elements; a digest counts as `digestElements` observations).
 */
export function countingBackend(
  hashId: string,
  counts: OperationCounts,
  rate = 16,
  digestElements = 8,
): VerifierBackend<F, E, D> {
  const c = (v: number): F => ({ known: v });
  const ce = (v: Ext): E => ({ known: v });
  const base =
    (op: "add" | "sub" | "mul", f: (a: number, b: number) => number) =>
    (a: F, b: F): F => {
      if (a.known !== undefined && b.known !== undefined) return c(f(a.known, b.known));
      if (op === "mul" && (a.known !== undefined || b.known !== undefined)) counts.base.mulByConstant++;
      else counts.base[op]++;
      return VAR;
    };
  const ext =
    (op: "add" | "sub" | "mul", f: (a: Ext, b: Ext) => Ext) =>
    (a: E, b: E): E => {
      if (a.known !== undefined && b.known !== undefined) return ce(f(a.known, b.known));
      if (op === "mul" && (a.known !== undefined || b.known !== undefined)) counts.ext.mulByConstant++;
      else counts.ext[op]++;
      return VAR;
    };
  return {
    hashId,
    constant: c,
    extConstant: (x) => ce([x[0], x[1], x[2], x[3]]),
    known: (x) => x.known,
    add: base("add", add),
    sub: base("sub", sub),
    mul: base("mul", mul),
    extFromBase(a) {
      if (a.known !== undefined) return ce([a.known, 0, 0, 0]);
      counts.ext.fromBase++;
      return VAR;
    },
    extFromCoordinates(c0, c1, c2, c3) {
      if ([c0, c1, c2, c3].every((x) => x.known !== undefined))
        return ce([c0.known!, c1.known!, c2.known!, c3.known!]);
      counts.ext.fromCoordinates++;
      return VAR;
    },
    extCoordinates: (a) =>
      a.known !== undefined
        ? [c(a.known[0]), c(a.known[1]), c(a.known[2]), c(a.known[3])]
        : [VAR, VAR, VAR, VAR],
    extAdd: ext("add", extAdd),
    extSub: ext("sub", extSub),
    extMul: ext("mul", extMul),
    extMulBase(a, b) {
      if (a.known !== undefined && b.known !== undefined) return ce(extMulBase(a.known, b.known));
      if (b.known !== undefined || a.known !== undefined) counts.ext.mulByConstant++;
      else counts.ext.mulByBase++;
      return VAR;
    },
    extInverse(a) {
      if (a.known !== undefined) return ce(extInv(a.known));
      counts.ext.inverse++;
      return VAR;
    },
    bits(x, count) {
      if (x.known !== undefined)
        return Array.from({ length: count }, (_, i) => c(Math.floor(x.known! / 2 ** i) % 2));
      counts.bits.decompositions++;
      counts.bits.bits += count;
      return Array.from({ length: count }, () => VAR);
    },
    select(bit, a, b) {
      if (bit.known !== undefined) return bit.known ? a : b;
      counts.select.base++;
      return VAR;
    },
    extSelect(bit, a, b) {
      if (bit.known !== undefined) return bit.known ? a : b;
      counts.select.ext++;
      return VAR;
    },
    digestSelect(bit, a, b) {
      if (bit.known !== undefined) return bit.known ? a : b;
      counts.select.digest++;
      return VAR;
    },
    hashRow(row) {
      counts.hash.rows++;
      counts.hash.rowElements += row.length;
      return VAR;
    },
    compress() {
      counts.hash.compress++;
      return VAR;
    },
    merkleStep(bit) {
      counts.hash.compress++;
      if (bit.known === undefined) counts.select.digest += 2;
      return VAR;
    },
    merkleStep4(bits) {
      counts.hash.compress4++;
      // Arranging the node and its three siblings by two bits takes five two-way selects (the fourth child
      // is the sum of all four minus the other three).
      if (bits.some((bit) => bit.known === undefined)) counts.select.digest += 5;
      return VAR;
    },
    merkleInjectStep(bits, _node, _siblings, row) {
      if (bits.length === 1) counts.hash.inject2++;
      else counts.hash.inject4++;
      counts.hash.injectElements += row.length;
      // The children are arranged as in merkleStep (two selects) or merkleStep4 (five).
      if (bits.some((bit) => bit.known === undefined)) counts.select.digest += bits.length === 1 ? 2 : 5;
      return VAR;
    },
    newChallenger() {
      let input = 0;
      let output = 0;
      const t = counts.transcript;
      const absorb = (n: number) => {
        for (let i = 0; i < n; i++) {
          output = 0;
          if (++input === rate) {
            t.permutations++;
            input = 0;
            output = rate;
          }
        }
      };
      return {
        observe() {
          t.observe++;
          absorb(1);
        },
        observeDigest() {
          t.observeDigest++;
          absorb(digestElements);
        },
        sample() {
          t.sample++;
          if (input > 0 || output === 0) {
            t.permutations++;
            input = 0;
            output = rate;
          }
          output--;
          return VAR;
        },
      };
    },
    assertEqual() {
      counts.assert.base++;
    },
    assertExtEqual() {
      counts.assert.ext++;
    },
    assertDigestEqual() {
      counts.assert.digest++;
    },
  };
}

/**
 * The operations the verifier performs on proofs of `air` with the given table heights (public values and
 * every proof value treated as unknown, the preprocessed root too).
 */
export function countVerifierOperations(
  air: Air,
  config: StarkConfig,
  hash: StarkHash,
  logHeights: readonly number[],
): OperationCounts {
  const counts = emptyCounts();
  const b = countingBackend(hash.id, counts);
  const layout = proofLayout(air, config, logHeights);
  verifyStarkProof(b, {
    air,
    config,
    layout,
    merkle: merkleScheme(hash),
    structureDigest: airStructureDigest(air, config, hash),
    publics: Array.from({ length: air.publicCount }, () => VAR),
    preprocessedRoot: preprocessedTables(air).length > 0 ? VAR : null,
    proof: mapProof(zeroProof(layout, hash.merkleArity), {
      base: () => VAR,
      ext: () => VAR,
      digest: () => VAR,
    }),
  });
  return counts;
}
