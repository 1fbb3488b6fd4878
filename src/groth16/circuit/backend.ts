import type { Ext as ExtNumbers } from "../../field/extension.ts";
import { foldCoefficient } from "../../stark/pcs/fri-verify.ts";
import { injectsCells, poseidonBn254Hash } from "../../stark/poseidon-bn254-hash.ts";
import type { BackendChallenger, VerificationReason, VerifierBackend } from "../../stark/verifier/backend.ts";
import { BabyBear, type Bb } from "./babybear.ts";
import type { CircuitBuilder } from "./builder.ts";
import { type Ext, Extension } from "./extension.ts";
import { fixedBasePow } from "./fixed-base-pow.ts";
import { lazyDot, lazyDotBase, PowerTable } from "./lazy-sums.ts";
import { Lc } from "./lc.ts";
import { hashCellsCircuit, poseidonCircuit } from "./poseidon.ts";
import { CircuitChallenger, packCanonical } from "./transcript.ts";

/**
 * The verifier's R1CS instance: the verification algorithm written once (src/stark/verifier/algorithm.ts)
 * run over circuit values, for the Poseidon-BN254 hash configuration. Base values are emulated BabyBear
 * (babybear.ts), extension values their quadruples (extension.ts), a digest is one BN254 element — a
 * single wire or linear combination, so a digest from the proof needs no range check: every field element
 * is a canonical digest of this configuration.
 */
export class R1csBackend implements VerifierBackend<Bb, Ext, Lc> {
  readonly hashId = poseidonBn254Hash.id;
  readonly linearForms = true;
  readonly c: CircuitBuilder;
  readonly bb: BabyBear;
  readonly ext: Extension;

  constructor(c: CircuitBuilder) {
    this.c = c;
    this.bb = new BabyBear(c);
    this.ext = new Extension(this.bb);
  }

  constant(x: number): Bb {
    return this.bb.constant(x);
  }
  extConstant(x: Readonly<ExtNumbers>): Ext {
    return this.ext.constant(x);
  }
  known(x: Bb): number | undefined {
    return this.bb.known(x);
  }
  add(a: Bb, b: Bb): Bb {
    return this.bb.add(a, b);
  }
  sub(a: Bb, b: Bb): Bb {
    return this.bb.sub(a, b);
  }
  mul(a: Bb, b: Bb): Bb {
    return this.bb.mul(a, b);
  }

  extFromBase(a: Bb): Ext {
    return this.ext.fromBase(a);
  }
  extFromCoordinates(c0: Bb, c1: Bb, c2: Bb, c3: Bb): Ext {
    return [c0, c1, c2, c3];
  }
  extCoordinates(a: Ext): readonly [Bb, Bb, Bb, Bb] {
    return a;
  }
  extAdd(a: Ext, b: Ext): Ext {
    return this.ext.add(a, b);
  }
  extSub(a: Ext, b: Ext): Ext {
    return remembered(this.differences, a, b, () => this.ext.sub(a, b));
  }
  extMul(a: Ext, b: Ext): Ext {
    return remembered(this.products, a, b, () => this.ext.mul(a, b));
  }
  extMulBase(a: Ext, b: Bb): Ext {
    return this.ext.mulBase(a, b);
  }
  /** Products of two canonical powers from the element's shared table (lazy-sums.ts). */
  extPowers(x: Ext, offset: number, count: number): Ext[] {
    const t = this.powerTable(x);
    return Array.from({ length: count }, (_, i) => t.at(offset + i));
  }
  /** Reduced once here: the DEEP sums at ζ and ζω are used by every query. */
  dotExt(coefficients: readonly Ext[], values: readonly Ext[]): Ext {
    return this.ext.reduce(lazyDot(this.ext, coefficients, values));
  }
  /** Reduced once here: a query's row sum is used twice (against the sums at ζ and at ζω). */
  dotBase(coefficients: readonly Ext[], values: ArrayLike<Bb>): Ext {
    return this.ext.reduce(lazyDotBase(this.ext, coefficients, values));
  }
  powerSum(terms: readonly Ext[], x: Ext): Ext {
    return this.powerTable(x).sum(terms);
  }

  /**
   * Σ_r c_r·β^r·y^(−r), the fold written as a sum (c_r the coset's coefficients, linear in its values):
   * β's canonical powers come from its shared table, built once for every query of the layer, and y^(−r)
   * are canonical powers of y⁻¹, so each term is two products whose excess the sum pays once where it is
   * compared. Horner's rule in β/y instead reduces its accumulator at every step.
   */
  friFold(values: readonly Ext[], beta: Ext, yInv: Bb, logArity: number): Ext {
    const betaPowers = this.powerTable(beta);
    const y = this.bb.reduce(yInv);
    let yPower = y;
    let acc = foldCoefficient(this, values, logArity, 0);
    for (let r = 1; r < 1 << logArity; r++) {
      if (r > 1) yPower = this.bb.reduce(this.bb.mul(yPower, y));
      const term = this.ext.mulInSum(foldCoefficient(this, values, logArity, r), betaPowers.low(r));
      acc = this.ext.add(acc, this.ext.mulBaseInSum(term, yPower));
    }
    return acc;
  }

  /** Σ_i c_i·y^i with canonical powers of y, reduced nowhere (its consumer compares it once). */
  polynomialAt(coefficients: readonly Ext[], y: Bb): Ext {
    let acc = coefficients[0] ?? this.ext.constant([0, 0, 0, 0]);
    const x = this.bb.reduce(y);
    let power = x;
    for (let i = 1; i < coefficients.length; i++) {
      if (i > 1) power = this.bb.reduce(this.bb.mul(power, x));
      acc = this.ext.add(acc, this.ext.mulBaseInSum(coefficients[i]!, power));
    }
    return acc;
  }

  // The verifier repeats some work per table (ζ^n by squarings from ζ, (ζ − 1)⁻¹, (ζ − ω⁻¹)⁻¹ for tables of
  // one height): results of the same operation on the same operands are built once. Values are immutable,
  // and operands are the same objects in both builder modes, so the circuit's structure never depends on a
  // value.
  private readonly products = new WeakMap<Ext, WeakMap<Ext, Ext>>();
  private readonly differences = new WeakMap<Ext, WeakMap<Ext, Ext>>();
  private readonly inverses = new WeakMap<Ext, Ext>();
  private readonly powerTables = new WeakMap<Ext, PowerTable>();
  private powerTable(x: Ext): PowerTable {
    let t = this.powerTables.get(x);
    if (!t) {
      t = new PowerTable(this.ext, x);
      this.powerTables.set(x, t);
    }
    return t;
  }
  /** The first inversion of an element proves it non-zero; the same element again reuses it. */
  extInverse(a: Ext, reason: VerificationReason, what: string): Ext {
    let inverse = this.inverses.get(a);
    if (!inverse) {
      inverse = this.c.withCategory("ext-inverse", () => this.ext.inverse(a, reason, what));
      this.inverses.set(a, inverse);
    }
    return inverse;
  }

  bits(x: Bb, count: number): Bb[] {
    return this.bb.bits(x, count);
  }
  fixedBasePow(g: number, bits: readonly Bb[]): Bb {
    return this.bb.reduce(fixedBasePow(this.bb, g, bits));
  }
  select(bit: Bb, ifOne: Bb, ifZero: Bb): Bb {
    return this.bb.select(bit, ifOne, ifZero);
  }
  extSelect(bit: Bb, ifOne: Ext, ifZero: Ext): Ext {
    return this.ext.select(bit, ifOne, ifZero);
  }
  digestSelect(bit: Bb, ifOne: Lc, ifZero: Lc): Lc {
    return this.c.withCategory("select", () => this.pickDigest(bit, ifOne, ifZero));
  }

  /** bit ? ifOne : ifZero in one constraint, bit·(ifOne − ifZero) = out − ifZero (free for a constant bit). */
  private pickDigest(bit: Bb, ifOne: Lc, ifZero: Lc): Lc {
    if (bit.isConstant) return bit.lc.k === 1n ? ifOne : ifZero;
    const out = this.c.hint(bit.value === 1n ? ifOne.value : ifZero.value, "select");
    this.c.enforce(bit.lc, ifOne.sub(ifZero), out.sub(ifZero), "digest select");
    return out;
  }

  /** A row packed 8 elements per cell (`packElements`), each element reduced to its canonical value. */
  private rowCells(row: readonly Bb[]): Lc[] {
    const cells: Lc[] = [];
    for (let i = 0; i < row.length; i += 8)
      cells.push(packCanonical(row.slice(i, i + 8).map((x) => this.bb.reduce(x))));
    return cells;
  }

  /** ≤ 16 cells → Poseidon(k), more → a chain Poseidon(h, next ≤ 15) (`hashPackedRow`). */
  private hashCells(cells: readonly Lc[]): Lc {
    return hashCellsCircuit(this.c, cells);
  }

  hashRow(row: readonly Bb[]): Lc {
    return this.c.withCategory("hash-row", () => this.hashCells(this.rowCells(row)));
  }

  compress(left: Lc, right: Lc): Lc {
    return this.c.withCategory("merkle", () => poseidonCircuit(this.c, [left, right]));
  }

  merkleStep(bit: Bb, node: Lc, sibling: Lc): Lc {
    if (bit.isConstant) return bit.lc.k === 1n ? this.compress(sibling, node) : this.compress(node, sibling);
    return this.c.withCategory("merkle", () => poseidonCircuit(this.c, this.arrange2(bit, node, sibling)));
  }

  /** The swap is one constraint (left = node + bit·(sibling − node), right = node + sibling − left). */
  private arrange2(bit: Bb, node: Lc, sibling: Lc): [Lc, Lc] {
    if (bit.isConstant) return bit.lc.k === 1n ? [sibling, node] : [node, sibling];
    const left = this.c.hint(bit.value === 1n ? sibling.value : node.value, "select");
    this.c.enforce(bit.lc, sibling.sub(node), left.sub(node), "merkle swap");
    return [left, node.add(sibling).sub(left)];
  }

  merkleStep4(bits: readonly [Bb, Bb], node: Lc, siblings: readonly [Lc, Lc, Lc]): Lc {
    return this.c.withCategory("merkle", () => poseidonCircuit(this.c, this.arrange4(bits, node, siblings)));
  }

  /**
   * The node's position p = b₀ + 2·b₁ among four children by five two-way selects (one constraint each):
   * t = b₀ ? node : s₀ and u = b₀ ? s₂ : node give child₁ = b₁ ? s₁ : t, child₂ = b₁ ? u : s₁,
   * child₀ = b₁ ? s₀ : (node + s₀ − t), and child₃ = node + s₀ + s₁ + s₂ − the other three. For boolean
   * bits (they come from `bits`) each select is one of its two inputs, and the four cases give exactly the
   * arrangements p = 0..3.
   */
  private arrange4(bits: readonly Bb[], node: Lc, siblings: readonly Lc[]): Lc[] {
    const [b0, b1] = bits as [Bb, Bb];
    const [s0, s1, s2] = siblings as [Lc, Lc, Lc];
    const t = this.pickDigest(b0, node, s0);
    const u = this.pickDigest(b0, s2, node);
    const child1 = this.pickDigest(b1, s1, t);
    const child2 = this.pickDigest(b1, u, s1);
    const child0 = this.pickDigest(b1, s0, node.add(s0).sub(t));
    const child3 = node.add(s0).add(s1).add(s2).sub(child0).sub(child1).sub(child2);
    return [child0, child1, child2, child3];
  }

  /**
   * A fused injection (`poseidonBn254Hash.injectNode`): the children arranged as in `merkleStep` or
   * `merkleStep4`, then one Poseidon over them and the row's packed cells where they fit in 16 inputs
   * (`injectsCells`), else over them and the row's hash.
   */
  merkleInjectStep(bits: readonly Bb[], node: Lc, siblings: readonly Lc[], row: readonly Bb[]): Lc {
    if (siblings.length !== (1 << bits.length) - 1 || bits.length < 1 || bits.length > 2)
      throw new RangeError(`circuit: a Merkle step of ${bits.length} bits with ${siblings.length} siblings`);
    const cells = this.c.withCategory("hash-row", () => this.rowCells(row));
    const tail = injectsCells(1 << bits.length, cells.length)
      ? cells
      : [this.c.withCategory("hash-row", () => this.hashCells(cells))];
    return this.c.withCategory("merkle", () => {
      const children =
        bits.length === 1 ? this.arrange2(bits[0]!, node, siblings[0]!) : this.arrange4(bits, node, siblings);
      return poseidonCircuit(this.c, [...children, ...tail]);
    });
  }

  newChallenger(): BackendChallenger<Bb, Lc> {
    return new CircuitChallenger(this.bb);
  }

  assertEqual(a: Bb, b: Bb, reason: VerificationReason, what: string): void {
    this.bb.assertEqual(a, b, reason, what);
  }
  assertExtEqual(a: Ext, b: Ext, reason: VerificationReason, what: string): void {
    this.ext.assertEqual(a, b, reason, what);
  }
  assertDigestEqual(a: Lc, b: Lc, reason: VerificationReason, what: string): void {
    if (a.isConstant && b.isConstant) {
      if (a.k !== b.k) throw new RangeError(`circuit: an assertion between constant digests fails: ${what}`);
      return;
    }
    this.c.withCategory("assert", () => {
      if (a.value !== b.value) this.c.fail(reason, what);
      this.c.enforceEqual(a, b, what);
    });
  }

  /** A digest given by the prover (a Merkle sibling, a root): one private wire, any field element. */
  digestInput(value: bigint): Lc {
    return this.c.hint(value, "digest", true);
  }

  /** A constant digest (a fixed root). */
  digestConstant(value: bigint): Lc {
    return Lc.constant(value);
  }
}

function remembered(memo: WeakMap<Ext, WeakMap<Ext, Ext>>, a: Ext, b: Ext, f: () => Ext): Ext {
  let inner = memo.get(a);
  if (!inner) {
    inner = new WeakMap();
    memo.set(a, inner);
  }
  let out = inner.get(b);
  if (!out) {
    out = f();
    inner.set(b, out);
  }
  return out;
}
