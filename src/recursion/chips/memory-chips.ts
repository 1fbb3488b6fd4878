import { P } from "../../field/babybear.ts";
import { asBlock, type RecursionChip, readBlock, writeBlock } from "./chip.ts";

/**
 * The chips that only move values: constants, hints, pack/unpack, equality assertions and public values.
 */

/** out ← a constant block; the block is preprocessed, so a constant is part of the program. */
export const constChip: RecursionChip<"const"> = {
  kind: "const",
  name: "const",
  // addr, v0..v3, mult
  fixedWidth: 6,
  // The engine needs a main column; this one is unused.
  mainWidth: 1,
  fixedRow: (ins, reads) => [ins.out, ...ins.value, reads[ins.out]!],
  define(t, c) {
    writeBlock(
      t,
      c.fixed(0),
      [1, 2, 3, 4].map((i) => c.fixed(i)),
      c.fixed(5),
    );
  },
  mainRow: () => [0],
};

/** out ← the next hint (free main values); a base hint's upper slots are constrained to 0. */
export const hintChip: RecursionChip<"hint"> = {
  kind: "hint",
  name: "hint",
  // addr, isExt, mult
  fixedWidth: 3,
  mainWidth: 4,
  fixedRow: (ins, reads) => [ins.out, ins.ext ? 1 : 0, reads[ins.out]!],
  define(t, c) {
    const isBase = t.constant(1).sub(c.fixed(1));
    for (let l = 1; l < 4; l++) t.assertZero(isBase.mul(c.main(l)));
    writeBlock(
      t,
      c.fixed(0),
      [0, 1, 2, 3].map((l) => c.main(l)),
      c.fixed(2),
    );
  },
  mainRow: (ins, value) => [...value(ins.out)],
};

const MINUS_ONE = P - 1;

/**
 * pack (4 base values → 1 block) and unpack (1 block → 4 base values) in one table: the block side and the
 * four base sides are sends whose preprocessed multiplicities carry the direction (−1 is a read).
 */
export const repackChip: RecursionChip<"pack" | "unpack"> = {
  kind: "pack" as "pack" | "unpack",
  name: "repack",
  // block addr, e0..e3 addrs, block mult, m0..m3
  fixedWidth: 10,
  mainWidth: 4,
  fixedRow(ins, reads) {
    if (ins.kind === "pack")
      return [ins.out, ...ins.inputs, reads[ins.out]!, MINUS_ONE, MINUS_ONE, MINUS_ONE, MINUS_ONE];
    return [ins.input, ...ins.outs, MINUS_ONE, ...ins.outs.map((o) => reads[o]!)];
  },
  define(t, c) {
    const v = [0, 1, 2, 3].map((l) => c.main(l));
    writeBlock(t, c.fixed(0), v, c.fixed(5));
    for (let l = 0; l < 4; l++) writeBlock(t, c.fixed(1 + l), asBlock(v[l]!), c.fixed(6 + l));
  },
  mainRow(ins, value) {
    if (ins.kind === "pack") return ins.inputs.map((a) => value(a)[0]!);
    return [...value(ins.input)];
  },
};

/** Requires two blocks equal: both are read with the same value columns. */
export const assertEqChip: RecursionChip<"assertEq"> = {
  kind: "assertEq",
  name: "assert-eq",
  // a, b, real
  fixedWidth: 3,
  mainWidth: 4,
  fixedRow: (ins) => [ins.a, ins.b, 1],
  define(t, c) {
    const v = [0, 1, 2, 3].map((l) => c.main(l));
    readBlock(t, c.fixed(0), v, c.fixed(2));
    readBlock(t, c.fixed(1), v, c.fixed(2));
  },
  mainRow: (ins, value) => [...value(ins.a)],
};

/** Exposes a base value as public value `index`: the public side of the bus receives (i, public(i)). */
export const publicChip: RecursionChip<"public"> = {
  kind: "public",
  name: "public",
  // addr, index, real
  fixedWidth: 3,
  mainWidth: 1,
  fixedRow: (ins) => [ins.input, ins.index, 1],
  define(t, c) {
    readBlock(t, c.fixed(0), asBlock(c.main(0)), c.fixed(2));
    t.send(2, [c.fixed(1), c.main(0)], c.fixed(2));
  },
  mainRow: (ins, value) => [value(ins.input)[0]!],
};
