/**
 * What a Poseidon2 table's layout costs the BN254 wrap circuit before any of its constraints
 * (`npm run bench -- wrap-circuit --p254 --count-only --layouts`, docs/wrap-circuit.md §8): the BN254
 * identity AIR with its Poseidon2 table replaced by a stand-in of W main columns at 2^h rows — 15
 * preprocessed columns and the 13 memory-bus interactions of the two-row chip, a single degree-3
 * constraint — counted at P254_CONFIG. The difference between a real chip's count and its stand-in's is what
 * its constraints cost (their evaluation at ζ); the stand-ins compare layouts that were not built.
 */
import { countStarkVerifierCircuit } from "../src/groth16/circuit/stark-verifier.ts";
import { DEGREE3_CHIPS } from "../src/recursion/air.ts";
import { MEM_BUS, PUBLIC_BUS } from "../src/recursion/chips/chip.ts";
import { P254_CONFIG, P254_TABLE_PER_CHIP, p254Air } from "../src/recursion/p254.ts";
import type { RecursionSystem } from "../src/recursion/system.ts";
import { defineAir, PublicInteractionBuilder, TableBuilder } from "../src/stark/air.ts";

const PREPROCESSED = 15;
const INTERACTIONS = 13;

/** [main columns, log2 rows]: the two chips' own layouts, narrower ones, and no Poseidon2 table at all. */
const LAYOUTS: readonly (readonly [number, number])[] = [
  [467, 14],
  [259, 15],
  [160, 15],
  [90, 16],
  [90, 17],
  [60, 17],
  [1, 5],
];

function standIn(width: number, logRows: number): TableBuilder {
  const pre = Array.from({ length: PREPROCESSED }, () => new Uint32Array(2 ** logRows));
  const t = new TableBuilder("poseidon2-stand-in", width, { preprocessed: pre });
  t.assertZero(t.main(0).mul(t.main(0)).mul(t.main(0)).sub(t.next(0)));
  for (let k = 0; k < INTERACTIONS; k++) {
    const col = (j: number) => t.main((4 * k + j) % width);
    t.receive(
      MEM_BUS,
      [t.fixed(k % PREPROCESSED), col(0), col(1), col(2), col(3)],
      t.fixed(PREPROCESSED - 1),
    );
  }
  return t;
}

export function layoutSweep(sys: Pick<RecursionSystem, "identity">): Record<string, unknown>[] {
  // Stand-ins replace the two-row chip's table, so the rest of the AIR is the degree-3 chips'.
  const a = p254Air(sys, P254_CONFIG, DEGREE3_CHIPS, P254_TABLE_PER_CHIP);
  const index = a.air.tables.findIndex((t) => t.members[0]!.chip.name === "poseidon2-two-row");
  const publicCount = a.air.air.publicCount;
  return LAYOUTS.map(([width, logRows]) => {
    const tables = a.air.tables.map((t, i) => (i === index ? standIn(width, logRows) : t.builder));
    const pub = new PublicInteractionBuilder();
    for (let i = 0; i < publicCount; i++) pub.receive(PUBLIC_BUS, [i, pub.public(i)]);
    const air = defineAir({ name: "stand-in", publicCount, tables, publicInteractions: pub });
    const logHeights = a.logHeights.map((h, i) => (i === index ? logRows : h));
    // As p254CircuitSpec: the preprocessed root is an input of the circuit.
    const stats = countStarkVerifierCircuit({
      air,
      config: P254_CONFIG,
      logHeights,
      preprocessedRoot: "input",
    });
    const r = { width, logRows, constraints: stats.constraints, byCategory: stats.byCategory };
    console.log(JSON.stringify(r));
    return r;
  });
}
