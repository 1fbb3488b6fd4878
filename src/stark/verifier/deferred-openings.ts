import type { Ext } from "../../field/extension.ts";
import { VerificationError } from "../errors.ts";
import type { StarkHash } from "../hash-config.ts";
import type { VerificationReason, VerifierBackend } from "./backend.ts";
import { pairKey } from "./pair-key.ts";

type NativeOps = VerifierBackend<number, Ext, Uint32Array>;

/** A Merkle opening check as pcs/mmcs-verify.ts states it, over whatever backend runs it. */
export type OpeningCheck = (b: NativeOps) => void;

/**
 * The native verifier's Merkle openings, checked together (docs/proof-system.md §3). A verifier opens every
 * commitment at every query, one path after the other, and a path is a chain: each hash waits for the one
 * before it. Recorded instead of run, the hashes of all openings form levels of independent work — the
 * leaf rows, then each tree level across all queries — which the hash's batched entry points
 * (`hashRows`, `compressPairs`: four Poseidon2 permutations at once on the vector kernel) take four at a
 * time, computing the nodes where paths meet only once.
 *
 * The checks are the same code (`verifyMmcsOpening`'s, run on a recording backend), so what is computed
 * and compared does not change, only when: the failures are reported by {@link DeferredOpenings.flush} in
 * the order the checks were made, and the verifier flushes before it reports any other failure, so the
 * first failing check in program order is still the one reported.
 *
 * Only for hashes of binary trees without fused injections that have both batched entry points (the
 * Poseidon2 configuration); {@link deferredOpenings} returns null for the others.
 */
export interface DeferredOpenings {
  /** Records a check; its hashes run at the next flush. */
  defer(check: OpeningCheck): void;
  /** Runs every recorded check; throws VerificationError for the first that fails. */
  flush(): void;
}

/** A hash still to compute: a row's, or a compression of two digests (either possibly still pending). */
type Op =
  | { readonly kind: "row"; readonly row: Uint32Array; readonly out: Uint32Array }
  | {
      readonly kind: "pair";
      readonly left: Uint32Array;
      readonly right: Uint32Array;
      readonly out: Uint32Array;
    };

interface Comparison {
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  readonly reason: VerificationReason;
  readonly what: string;
}

export function deferredOpenings(base: NativeOps, hash: StarkHash): DeferredOpenings | null {
  const { hashRows, compressPairs } = hash;
  if (hash.merkleArity !== 2 || hash.injectNode || !hashRows || !compressPairs) return null;
  let checks: OpeningCheck[] = [];

  const run = (pending: readonly OpeningCheck[]) => {
    // Each op's level is one more than its inputs' (digests from the proof are at level -1): every op of a
    // level depends only on earlier levels. A plain map, dropped with the run: a WeakMap of this many digests
    // cost the garbage collector ~6 % of a segment's verification (its entries are ephemerons).
    const levels: Op[][] = [];
    const levelOf = new Map<Uint32Array, number>();
    const add = (op: Op, level: number) => {
      (levels[level] ??= []).push(op);
      levelOf.set(op.out, level);
      return op.out;
    };
    const pair = (left: Uint32Array, right: Uint32Array) =>
      add(
        { kind: "pair", left, right, out: new Uint32Array(8) },
        1 + Math.max(levelOf.get(left) ?? -1, levelOf.get(right) ?? -1),
      );
    const comparisons: Comparison[] = [];
    const recorder: NativeOps = {
      ...base,
      hashRow: (row) => add({ kind: "row", row: Uint32Array.from(row), out: new Uint32Array(8) }, 0),
      compress: pair,
      merkleStep: (bit, node, sibling) => (bit ? pair(sibling, node) : pair(node, sibling)),
      assertDigestEqual: (a, b, reason, what) => {
        comparisons.push({ a, b, reason, what });
      },
    };
    for (const check of pending) check(recorder);
    for (const ops of levels) if (ops) compute(ops, hashRows, compressPairs);
    for (const { a, b, reason, what } of comparisons)
      for (let i = 0; i < 8; i++) if (a[i] !== b[i]) throw new VerificationError(reason, what);
  };

  return {
    defer(check) {
      checks.push(check);
    },
    flush() {
      const pending = checks;
      checks = [];
      if (pending.length > 0) run(pending);
    },
  };
}

/** One level: rows grouped by length, then the pairs, each distinct pair compressed once. */
function compute(
  ops: readonly Op[],
  hashRows: NonNullable<StarkHash["hashRows"]>,
  compressPairs: NonNullable<StarkHash["compressPairs"]>,
): void {
  const rowsByLength = new Map<number, Op[]>();
  const pairs: Extract<Op, { kind: "pair" }>[] = [];
  for (const op of ops)
    if (op.kind === "row") {
      const same = rowsByLength.get(op.row.length);
      if (same) same.push(op);
      else rowsByLength.set(op.row.length, [op]);
    } else pairs.push(op);
  for (const group of rowsByLength.values())
    hashRows(
      group.map((op) => (op as Extract<Op, { kind: "row" }>).row),
      group.map((op) => op.out),
    );
  if (pairs.length === 0) return;
  // Paths of different queries meet below the root: compress each distinct (left, right) once. Looked up
  // by `pairKey` and used only if all 16 input words are equal.
  const firstByKey = new Map<number, number[]>();
  const distinct: Extract<Op, { kind: "pair" }>[] = [];
  const sameAs = new Int32Array(pairs.length).fill(-1);
  pairs.forEach((op, j) => {
    const key = pairKey(op.left, op.right);
    const candidates = firstByKey.get(key);
    const match = candidates?.find((d) => equalPair(distinct[d]!, op));
    if (match !== undefined) sameAs[j] = match;
    else {
      if (candidates) candidates.push(distinct.length);
      else firstByKey.set(key, [distinct.length]);
      distinct.push(op);
    }
  });
  compressPairs(
    distinct.map((op) => op.left),
    distinct.map((op) => op.right),
    distinct.map((op) => op.out),
  );
  pairs.forEach((op, j) => {
    if (sameAs[j]! >= 0) op.out.set(distinct[sameAs[j]!]!.out);
  });
}

function equalPair(
  a: { left: Uint32Array; right: Uint32Array },
  b: { left: Uint32Array; right: Uint32Array },
) {
  for (let i = 0; i < 8; i++) if (a.left[i] !== b.left[i] || a.right[i] !== b.right[i]) return false;
  return true;
}
