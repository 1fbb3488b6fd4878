import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import {
  AirDefinitionError,
  defineAir,
  PublicInteractionBuilder,
  TableBuilder,
} from "../../src/stark/air.ts";
import { ProverInputError } from "../../src/stark/errors.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { preprocessedRoot, proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { verifyStark } from "../../src/stark/verifier.ts";
import { TEST_CONFIG } from "./airs.ts";

/**
 * Security review finding: the LogUp capacity check assumed every multiplicity is −1, 0 or 1 and ignored
 * public interactions. Multiplicities now carry declared bounds, and public ones count with their value.
 */
const hash = poseidon2Hash;
const BUS = 3;
const LOG_N = 3;
const N = 1 << LOG_N;

/**
 * One table receives its constant column value on every row; two public interactions send the public
 * value v with multiplicities m1 and m2. The statement meant: "the table has m1 + m2 rows of v".
 */
function splitCountAir() {
  const t = new TableBuilder("rows", 1);
  t.assertZeroTransition(t.next(0).sub(t.main(0)));
  t.receive(BUS, [t.main(0)]);
  const pub = new PublicInteractionBuilder();
  pub.send(BUS, [pub.public(0)], pub.public(1), { bound: N });
  pub.send(BUS, [pub.public(0)], pub.public(2), { bound: N });
  return defineAir({ name: "split-count", publicCount: 3, tables: [t], publicInteractions: pub });
}

const column = (v: number) => [[new Uint32Array(N).fill(v)]];

describe("LogUp capacity", () => {
  it("accepts honest public multiplicities", () => {
    const air = splitCountAir();
    const publics = [9, 3, N - 3];
    const proof = proveStark(air, TEST_CONFIG, hash, { tables: column(9), publics });
    expect(() => verifyStark(air, TEST_CONFIG, hash, publics, proof)).not.toThrow();
  });

  it("rejects public multiplicities whose integer sum wraps around p", () => {
    const air = splitCountAir();
    // (p + 1)/2 + ((p − 1)/2 + N) = p + N ≡ N: the field balances, the integers do not.
    const publics = [9, (P + 1) / 2, (P - 1) / 2 + N];
    expect(() => proveStark(air, TEST_CONFIG, hash, { tables: column(9), publics })).toThrow(
      ProverInputError,
    );
    const forged = proveDishonestly(air, TEST_CONFIG, hash, { tables: column(9), publics });
    expect(() => verifyStark(air, TEST_CONFIG, hash, publics, forged)).toThrow(
      expect.objectContaining({ reason: "logup-capacity" }),
    );
  });

  it("requires a bound for a public multiplicity that depends on public values", () => {
    const pub = new PublicInteractionBuilder();
    expect(() => pub.send(BUS, [pub.public(0)], pub.public(1))).toThrow(AirDefinitionError);
    expect(() => pub.send(BUS, [pub.public(0)], pub.public(1), { bound: 65 })).toThrow(AirDefinitionError);
    expect(() => pub.send(BUS, [pub.public(0)], 3, { bound: 2 })).toThrow(AirDefinitionError);
  });

  it("counts declared bounds of table multiplicities", () => {
    const t = new TableBuilder("counts", 2);
    t.assertZero(
      t
        .main(1)
        .sub(t.main(1))
        .add(t.main(0).sub(t.main(0))),
    );
    t.send(BUS, [t.main(0)], t.main(1), { bound: 2 ** 28 });
    t.receive(BUS, [t.main(0)], t.main(1), { bound: 2 ** 28 });
    const air = defineAir({ name: "bounded", publicCount: 0, tables: [t] });
    const cols = [new Uint32Array(N).fill(1), new Uint32Array(N).fill(5)];
    // 2 interactions × 2^28 × 8 rows ≥ p.
    expect(() => proveStark(air, TEST_CONFIG, hash, { tables: [cols], publics: [] })).toThrow(
      /too tall for sound LogUp/,
    );
  });

  it("counts a multiplicity computed from preprocessed columns exactly, without a declaration", () => {
    const make = (mults: number[]) => {
      const t = new TableBuilder("writes", 1, { preprocessed: [Uint32Array.from(mults)] });
      t.assertZero(t.main(0).sub(t.main(0)));
      t.send(BUS, [t.main(0)], t.fixed(0));
      t.receive(BUS, [t.main(0)], t.fixed(0).mul(1));
      return defineAir({ name: "fixed-mults", publicCount: 0, tables: [t] });
    };
    const small = make([1, 2, 3, P - 4]);
    expect(small.tables[0]!.interactions.map((it) => it.bound)).toEqual([
      { fixedTotal: 10 },
      { fixedTotal: 10 },
    ]);
    const w = { tables: [[new Uint32Array(4).fill(7)]], publics: [] };
    expect(() =>
      verifyStark(small, TEST_CONFIG, hash, [], proveStark(small, TEST_CONFIG, hash, w), {
        preprocessedRoot: preprocessedRoot(small, TEST_CONFIG, hash),
      }),
    ).not.toThrow();
    const big = make([2 ** 29, 2 ** 29, 2 ** 29, 2 ** 29]);
    expect(() => proveStark(big, TEST_CONFIG, hash, w)).toThrow(/too tall for sound LogUp/);
  });

  it("requires a bound for a multiplicity that is not a constant", () => {
    const t = new TableBuilder("t", 2);
    expect(() => t.send(BUS, [t.main(0)], t.main(1))).toThrow(AirDefinitionError);
    expect(() => t.send(BUS, [t.main(0)], t.main(1), { bound: -1 })).toThrow(AirDefinitionError);
    expect(() => t.send(BUS, [t.main(0)], 5, { bound: 4 })).toThrow(AirDefinitionError);
    expect(() => t.send(BUS, [t.main(0)], t.main(1), { bound: "lookup" })).not.toThrow();
  });

  it("binds the declared bounds into the AIR's identity", async () => {
    const { airDigest } = await import("../../src/stark/protocol.ts");
    const make = (bound: number) => {
      const t = new TableBuilder("t", 2);
      t.assertZero(t.main(0).mul(t.main(1)));
      t.send(BUS, [t.main(0)], t.main(1), { bound });
      t.receive(BUS, [t.main(0)], t.main(1), { bound });
      return defineAir({ name: "b", publicCount: 0, tables: [t] });
    };
    expect(airDigest(make(1), TEST_CONFIG, hash)).not.toEqual(airDigest(make(2), TEST_CONFIG, hash));
  });
});
