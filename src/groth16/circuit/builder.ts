import { r1csFile, wtnsFile } from "../r1cs-writer.ts";
import { BN254_R as R } from "../types.ts";
import { ByteSink } from "./byte-sink.ts";
import { Lc, ZERO } from "./lc.ts";

/**
 * An R1CS builder with its witness computed alongside: every wire is created with its value, every
 * constraint A·B = C is checked on the spot. One code path therefore yields both the circuit (from any
 * input of the right shape, e.g. an all-zero proof) and the witness for a given input, and both have the
 * same wires and constraints by construction (the shape fingerprint below confirms it).
 *
 * A gadget that cannot compute an honest value (the inverse of zero, a failed assertion) records a
 * {@link WitnessFailure} and continues with a forced value, so that the whole witness exists and the
 * constraints it violates can be inspected: a sound circuit leaves no such witness satisfying.
 */
export interface BuilderOptions {
  /** Public signals: wires 1..publicCount, bound to values with {@link CircuitBuilder.bindPublic}. */
  readonly publicCount: number;
  /** Keep the constraints (for the .r1cs). Off: values and checks only (witness generation). */
  readonly record: boolean;
  /**
   * Testing hook: replaces the value of a private wire as it is created (`kind` names the gadget's hint,
   * `index` counts hints of that kind). Later values are computed from the replaced one, which is how the
   * tests build malicious witnesses that the constraints must reject.
   */
  readonly tamper?: (kind: string, index: number, honest: bigint) => bigint;
}

export interface WitnessFailure {
  readonly reason: string;
  readonly what: string;
}

export interface Violation {
  readonly constraint: number;
  readonly category: string;
  readonly label: string;
}

/** What a circuit is made of, per category of gadget. */
export interface CircuitStats {
  readonly constraints: number;
  readonly wires: number;
  readonly publicSignals: number;
  /** Non-zero coefficients of A, B and C (A and B are what a proving key stores). */
  readonly nonZeros: { readonly a: number; readonly b: number; readonly c: number };
  readonly byCategory: Readonly<Record<string, number>>;
  /** Non-zero coefficients of A and B per category (what each part adds to a proving key). */
  readonly keyNonZerosByCategory: Readonly<Record<string, number>>;
}

export class CircuitBuilder {
  readonly publicCount: number;
  private readonly values: bigint[] = [1n];
  private readonly sink: ByteSink | null;
  private readonly tamper: BuilderOptions["tamper"];
  private readonly hintCounts = new Map<string, number>();
  private readonly categories = new Map<string, number>();
  private readonly keyNonZeros = new Map<string, number>();
  private readonly bound: boolean[];
  private nnz = { a: 0, b: 0, c: 0 };
  private constraintCount = 0;
  private inputs = 0;
  private fingerprintState = 0x811c9dc5;
  /** The category that new constraints are counted under. */
  category = "other";
  readonly failures: WitnessFailure[] = [];
  readonly violations: Violation[] = [];
  private violationCount = 0;

  constructor(options: BuilderOptions) {
    this.publicCount = options.publicCount;
    this.sink = options.record ? new ByteSink() : null;
    this.tamper = options.tamper;
    for (let i = 0; i < options.publicCount; i++) this.values.push(0n);
    this.bound = new Array(options.publicCount).fill(false);
  }

  get wireCount(): number {
    return this.values.length;
  }

  get constraints(): number {
    return this.constraintCount;
  }

  /** Every constraint held and no gadget had to force a value. */
  get satisfied(): boolean {
    return this.violationCount === 0 && this.failures.length === 0;
  }

  get violationTotal(): number {
    return this.violationCount;
  }

  /**
   * A hash of the circuit's shape: how many wires existed when each constraint was added. Circuit and
   * witness runs must agree on it (the coefficients come from the code, the interleaving from its control
   * flow, which is what could drift).
   */
  get fingerprint(): number {
    return this.fingerprintState >>> 0;
  }

  withCategory<T>(name: string, f: () => T): T {
    const saved = this.category;
    this.category = name;
    try {
      return f();
    } finally {
      this.category = saved;
    }
  }

  /** A new private wire holding `value` (a gadget's hint). */
  hint(value: bigint, kind: string, input = false): Lc {
    let v = value;
    if (this.tamper) {
      const n = this.hintCounts.get(kind) ?? 0;
      this.hintCounts.set(kind, n + 1);
      v = this.tamper(kind, n, value);
    }
    v %= R;
    if (v < 0n) v += R;
    if (input) this.inputs++;
    const w = this.values.length;
    this.values.push(v);
    return this.sink ? Lc.wire(w, v) : Lc.valueOnly(v);
  }

  /** Binds public signal i (0-based) to a value: one constraint, public wire = lc. */
  bindPublic(i: number, lc: Lc): void {
    if (!(i >= 0 && i < this.publicCount) || this.bound[i])
      throw new RangeError(`public signal ${i} does not exist or is already bound`);
    this.bound[i] = true;
    const w = 1 + i;
    this.values[w] = lc.value;
    this.enforceEqual(this.sink ? Lc.wire(w, lc.value) : Lc.valueOnly(lc.value), lc, `public signal ${i}`);
  }

  /** Records a value the witness could not honestly have (the constraints must then fail). */
  fail(reason: string, what: string): void {
    this.failures.push({ reason, what });
  }

  /** a·b = c. */
  enforce(a: Lc, b: Lc, c: Lc, label = ""): void {
    if (a.isConstant && b.isConstant && c.isConstant) {
      if ((a.k * b.k) % R !== c.k) throw new RangeError(`a constraint between constants fails: ${label}`);
      return;
    }
    const index = this.constraintCount++;
    this.fingerprintState = Math.imul(this.fingerprintState ^ this.values.length, 0x01000193);
    this.categories.set(this.category, (this.categories.get(this.category) ?? 0) + 1);
    if ((a.value * b.value) % R !== c.value) {
      this.violationCount++;
      if (this.violations.length < 16)
        this.violations.push({ constraint: index, category: this.category, label });
    }
    this.nnz.a += a.size;
    this.nnz.b += b.size;
    this.keyNonZeros.set(this.category, (this.keyNonZeros.get(this.category) ?? 0) + a.size + b.size);
    this.nnz.c += c.size;
    this.writeLc(a);
    this.writeLc(b);
    this.writeLc(c);
  }

  /** a = b, as the constraint 0·0 = a − b: a linear constraint keeps its terms in C, which keys do not store. */
  enforceEqual(a: Lc, b: Lc, label = ""): void {
    this.enforce(ZERO, ZERO, a.sub(b), label);
  }

  /** A new wire equal to `lc` (one linear constraint): to use a long combination as a short factor. */
  materialize(lc: Lc): Lc {
    return this.withCategory("compact", () => {
      const w = this.hint(lc.value, "compact");
      this.enforceEqual(w, lc, "materialize");
      return w;
    });
  }

  private writeLc(lc: Lc): void {
    const s = this.sink;
    if (!s) return;
    const wires = lc.wires;
    if (wires === null) throw new RangeError("a value-only combination in a recorded constraint");
    s.u32(lc.size);
    if (lc.k !== 0n) {
      s.u32(0);
      s.scalar(lc.k);
    }
    for (let i = 0; i < wires.length; i++) {
      s.u32(wires[i]!);
      s.scalar(lc.coeffs[i]!);
    }
  }

  stats(): CircuitStats {
    return {
      constraints: this.constraintCount,
      wires: this.values.length,
      publicSignals: this.publicCount,
      nonZeros: { ...this.nnz },
      byCategory: Object.fromEntries(this.categories),
      keyNonZerosByCategory: Object.fromEntries(this.keyNonZeros),
    };
  }

  private checkBound(): void {
    const missing = this.bound.indexOf(false);
    if (missing >= 0) throw new RangeError(`public signal ${missing} was never bound`);
  }

  /** The circuit in snarkjs's .r1cs format (circom's; public signals as public inputs). */
  r1cs(): Uint8Array[] {
    if (!this.sink) throw new RangeError("this builder did not record its constraints");
    this.checkBound();
    return r1csFile(
      {
        nWires: this.values.length,
        nOutputs: 0,
        nPublicInputs: this.publicCount,
        nPrivateInputs: this.inputs,
        nConstraints: this.constraintCount,
      },
      this.sink.parts(),
    );
  }

  /** The wire values (wire 0 = 1, then the public signals). */
  witness(): bigint[] {
    this.checkBound();
    return [...this.values];
  }

  /** The witness in snarkjs's .wtns format (version 2). */
  wtns(): Uint8Array[] {
    this.checkBound();
    return wtnsFile(this.values);
  }
}
