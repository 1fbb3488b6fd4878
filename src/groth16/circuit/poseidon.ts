import { matInverse } from "../../hash/poseidon-bn254/field.ts";
import { sparsePoseidonParams } from "../../hash/poseidon-bn254/sparse.ts";
import { poseidonBn254Permute } from "../../hash/poseidon-bn254.ts";
import { POSEIDON_MAX_INPUTS } from "../../stark/poseidon-bn254-hash.ts";
import { frInv, frMul } from "../scalar-field.ts";
import { COMPACT_TERMS } from "./babybear.ts";
import type { CircuitBuilder } from "./builder.ts";
import { combine, Lc } from "./lc.ts";

/**
 * circomlib's Poseidon permutation over BN254 as R1CS, in the sparse-matrix form of
 * src/hash/poseidon-bn254/sparse.ts (same permutation, fewer terms). Each S-box x⁵ is three constraints
 * (x² = x·x, x⁴ = x²·x², x⁵ = x⁴·x); cells that are constants are folded, so Poseidon(n) costs what
 * circomlib's template costs: 3·(8·t + R_P) − 3 for t = n + 1 (240 for Poseidon(2)), plus t − 1 (below).
 *
 * Keeping the rows short. The linear layers are free in R1CS, but the sums they build grow: in the partial
 * rounds every cell accumulates one more term per round. Two choices keep A and B (the part of a constraint
 * a proving key stores) at one or two terms per constraint:
 *  - the third S-box constraint defines the *next* round's input instead of x⁵: x⁴·x = L, where L is x⁵
 *    written through the next state (full rounds: x⁵ = M⁻¹·(S′ − c), which makes the t next-state cells
 *    wires; partial rounds: x⁵ = (u′ − c′ − Σ w_j·s_j)/m₀₀, which makes the next S-box input u′ a wire).
 *    The long sums land in C, which snarkjs does not store in the key;
 *  - after the partial rounds the t − 1 cells that skipped the S-box are long sums; each becomes a wire (one
 *    constraint, the sum in C) before the final full rounds square them.
 */
const inverses = new Map<number, { M: bigint[][]; P: bigint[][]; m00: bigint[] }>();

function params(t: number) {
  const sp = sparsePoseidonParams(t);
  let inv = inverses.get(t);
  if (!inv) {
    const rows = (m: readonly bigint[]) => Array.from({ length: t }, (_, i) => m.slice(i * t, i * t + t));
    inv = {
      M: matInverse(rows(sp.M)),
      P: matInverse(rows(sp.P)),
      m00: Array.from({ length: sp.partialRounds }, (_, k) => frInv(sp.sparse[k * (2 * t - 1)]!)),
    };
    inverses.set(t, inv);
  }
  return { sp, inv };
}

const pow2 = (x: bigint) => frMul(x, x);

export function poseidonPermuteCircuit(c: CircuitBuilder, state: readonly Lc[]): Lc[] {
  const t = state.length;
  if (state.every((x) => x.isConstant)) return poseidonBn254Permute(state.map((x) => x.k)).map(Lc.constant);
  const { sp, inv } = params(t);
  // Long inputs (packed rows: up to 8·31 bit terms) become wires before the S-boxes copy them three times.
  let s = state.map((x) => (x.terms > COMPACT_TERMS ? c.materialize(x) : x));
  const addConstants = (cs: readonly bigint[], r: number) => s.map((x, i) => x.addConstant(cs[r * t + i]!));
  for (let r = 0; r < 4; r++)
    s = fullRound(c, addConstants(sp.firstConstants, r), r === 3 ? sp.P : sp.M, r === 3 ? inv.P : inv.M);
  const stride = 2 * t - 1;
  for (let k = 0; k < sp.partialRounds; k++) {
    const u = s[0]!.addConstant(sp.partialConstants[k]!);
    const base = k * stride;
    const m00 = sp.sparse[base]!;
    const { x4 } = square2(c, u);
    const x5 = frMul(x4.value, u.value);
    let rest = Lc.constant(0n);
    for (let j = 1; j < t; j++) rest = rest.addScaled(s[j]!, sp.sparse[base + j]!);
    const nextConstant = k + 1 < sp.partialRounds ? sp.partialConstants[k + 1]! : sp.lastConstants[0]!;
    // The next S-box input u′ = m₀₀·x⁵ + Σ w_j·s_j + c′ is the new wire; x⁵ is written through it.
    const next = c.hint(frMul(m00, x5) + rest.value + nextConstant, "poseidon");
    const x5Lc = next.addConstant(-nextConstant).sub(rest).scale(inv.m00[k]!);
    c.enforce(x4, u, x5Lc, "poseidon partial round");
    const cells = [next.addConstant(-nextConstant)];
    for (let j = 1; j < t; j++) cells.push(s[j]!.addScaled(x5Lc, sp.sparse[base + t + j - 1]!));
    s = cells;
  }
  for (let j = 1; j < t; j++) {
    const cj = sp.lastConstants[j]!;
    const input = s[j]!.addConstant(cj);
    const w = c.hint(input.value, "poseidon");
    c.enforce(w, Lc.constant(1n), input, "poseidon cell");
    s[j] = w.addConstant(-cj);
  }
  for (let r = 0; r < 4; r++) s = fullRound(c, addConstants(sp.lastConstants, r), sp.M, inv.M);
  return s;
}

/** circomlib Poseidon(n): the permutation of [0, inputs…], cell 0. */
export function poseidonCircuit(c: CircuitBuilder, inputs: readonly Lc[]): Lc {
  return poseidonPermuteCircuit(c, [Lc.constant(0n), ...inputs])[0]!;
}

function square2(c: CircuitBuilder, u: Lc): { x4: Lc } {
  const x2 = c.hint(pow2(u.value), "poseidon");
  c.enforce(u, u, x2, "poseidon x²");
  const x4 = c.hint(pow2(x2.value), "poseidon");
  c.enforce(x2, x2, x4, "poseidon x⁴");
  return { x4 };
}

/** S-boxes on every cell, then the matrix `m` (row-major); `mInv` is its inverse. */
function fullRound(
  c: CircuitBuilder,
  u: readonly Lc[],
  m: readonly bigint[],
  mInv: readonly bigint[][],
): Lc[] {
  const t = u.length;
  const row = (i: number) => m.slice(i * t, i * t + t);
  if (u.some((x) => x.isConstant)) {
    // Folded cells (the first round's constant capacity): x⁵ of the others as wires, the matrix as sums.
    const x5 = u.map((x) => {
      if (x.isConstant) return Lc.constant(frMul(pow2(pow2(x.k)), x.k));
      const { x4 } = square2(c, x);
      const out = c.hint(frMul(x4.value, x.value), "poseidon");
      c.enforce(x4, x, out, "poseidon x⁵");
      return out;
    });
    return Array.from({ length: t }, (_, i) => combine(x5.map((x, j) => [x, row(i)[j]!] as const)));
  }
  const x4 = u.map((x) => square2(c, x).x4);
  const x5 = u.map((x, i) => frMul(x4[i]!.value, x.value));
  const next = Array.from({ length: t }, (_, i) => {
    let v = 0n;
    for (let j = 0; j < t; j++) v += row(i)[j]! * x5[j]!;
    return c.hint(v, "poseidon");
  });
  for (let i = 0; i < t; i++)
    c.enforce(x4[i]!, u[i]!, combine(next.map((x, j) => [x, mInv[i]![j]!] as const)), "poseidon full round");
  return next;
}

/**
 * `hashPackedRow` of packed cells: ≤ 16 cells → Poseidon(k), more → a chain Poseidon(h, next ≤ 15) (the
 * row hash of the Poseidon-BN254 configuration, and its transcript's hash of long runs of cells).
 */
export function hashCellsCircuit(c: CircuitBuilder, cells: readonly Lc[]): Lc {
  if (cells.length <= POSEIDON_MAX_INPUTS) return poseidonCircuit(c, cells);
  let h = poseidonCircuit(c, cells.slice(0, POSEIDON_MAX_INPUTS));
  for (let i = POSEIDON_MAX_INPUTS; i < cells.length; i += POSEIDON_MAX_INPUTS - 1)
    h = poseidonCircuit(c, [h, ...cells.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  return h;
}
