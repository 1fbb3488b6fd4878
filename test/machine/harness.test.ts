import { describe, expect, it } from "vitest";
import { P } from "../../src/field/babybear.ts";
import { machine } from "../../src/machine/air.ts";
import { cellChangeAccepted, publicChangeAccepted } from "../../src/machine/check.ts";
import { verifySegmentSeal } from "../../src/machine/verify.ts";
import { poseidon2Hash } from "../../src/stark/poseidon2-hash.ts";
import { encodeProof } from "../../src/stark/proof-codec.ts";
import { proveStark } from "../../src/stark/prover.ts";
import { proveDishonestly } from "../../src/stark/testing/dishonest.ts";
import { prng } from "../../src/stark/testing/perturb.ts";
import { program } from "../zkvm/asm.ts";
import { CONFIG, dishonestProof, verifies, witnessOf } from "./helpers.ts";
import {
  ALU_CHECKS,
  CONTROL_CHECKS,
  DIV_CHECKS,
  ECALL_CHECKS_INPUT,
  ecallChecks,
  MEM_CHECKS,
  MUL_CHECKS,
} from "./programs.ts";

/**
 * The perturbation harness on the machine. A program that exercises every table (and CYCLE_COUNT, so
 * every public value is used) gives the honest witness.
 *
 * - Exact, on every cell kind: for every column of every table, cells on several rows (real and padding)
 *   are changed one at a time, and the AIR's constraints or bus balance must catch each — no cell is free.
 *   Every public value likewise.
 * - Through the STARK (sampled, as proofs cost seconds each): a changed cell in every table, changed
 *   public values and multiplicities proven by the dishonest prover, and mutated proof bytes; the verifier
 *   must reject each.
 */
const ELF = program(
  [ALU_CHECKS, MUL_CHECKS, DIV_CHECKS, MEM_CHECKS, CONTROL_CHECKS, ecallChecks()].flatMap((g) =>
    g.slice(0, 12).flat(),
  ),
);
const W = witnessOf(ELF, { input: ECALL_CHECKS_INPUT });
const m = machine();

describe("machine: perturbation harness", () => {
  it("every table is used by the harness program", () => {
    m.order.forEach((k, t) => {
      const main = W.witness.tables[t]!;
      expect(
        main[0]!.some((_, r) => main.some((col) => col[r] !== 0)),
        `table ${k} is empty`,
      ).toBe(true);
    });
  });

  it("exact: every cell kind of every table is determined by the statement", () => {
    const rand = prng(0x5eed);
    const accepted: string[] = [];
    let tried = 0;
    m.order.forEach((k, t) => {
      const main = W.witness.tables[t]!;
      const n = main[0]!.length;
      main.forEach((col, c) => {
        // Rows 0 and n − 1 (table edges), and two random rows.
        for (const r of [0, n - 1, rand() % n, rand() % n]) {
          const value = (col[r]! + 1 + (rand() % (P - 1))) % P;
          tried++;
          if (cellChangeAccepted(m.air, W.witness, t, c, r, value))
            accepted.push(`${k}.${m.chips[k].columnNames[c]} row ${r}`);
        }
      });
    });
    console.log(`exact harness: ${tried} cell changes`);
    expect(accepted).toEqual([]);
    expect(tried).toBe(4 * m.order.reduce((n, k) => n + m.chips[k].width, 0));
    // The check itself accepts an unchanged cell (it is not vacuous).
    const t = m.order.indexOf("alu");
    expect(cellChangeAccepted(m.air, W.witness, t, 0, 0, W.witness.tables[t]![0]![0]!)).toBe(true);
  });

  it("exact: every public value is bound", () => {
    const accepted = W.witness.publics.flatMap((v, i) =>
      publicChangeAccepted(m.air, W.witness, i, (v + 1) % P) ? [`public ${i}`] : [],
    );
    expect(accepted).toEqual([]);
  });

  it("through the STARK: sampled cells, publics, multiplicities and proof bytes are rejected", () => {
    const rand = prng(0xc0ffee);
    const honest = encodeProof(
      proveStark(m.air, CONFIG, poseidon2Hash, W.witness),
      m.air,
      CONFIG,
      poseidon2Hash,
    );
    verifySegmentSeal(W.statement, honest, CONFIG);
    const accepted: string[] = [];
    // One changed cell per table.
    m.order.forEach((k, t) => {
      const main = W.witness.tables[t]!;
      const c = rand() % main.length;
      const r = rand() % main[0]!.length;
      const tables = W.witness.tables.map((cols) => cols.slice());
      const col = main[c]!.slice();
      col[r] = (col[r]! + 1) % P;
      tables[t]![c] = col;
      const w = { ...W, witness: { ...W.witness, tables } };
      if (verifies(w, dishonestProof(w))) accepted.push(`cell ${k}.${c} row ${r}`);
    });
    // Changed public values: with the honest proof, and proven dishonestly.
    for (const i of [0, 2, 22, 38]) {
      const publics = [...W.witness.publics];
      publics[i] = (publics[i]! + 1) % P;
      const w = { ...W, witness: { ...W.witness, publics } };
      if (verifies(w, dishonestProof(w))) accepted.push(`public ${i}`);
    }
    // Multiplicities tampered with while building the LogUp columns.
    for (const t of [m.order.indexOf("alu"), m.order.indexOf("bytes")]) {
      const ni = m.air.tables[t]!.interactions.length;
      const proof = proveDishonestly(m.air, CONFIG, poseidon2Hash, W.witness, {
        tamperMultiplicity: { table: t, interaction: rand() % ni, row: 1, delta: 1 },
      });
      if (verifies(W, encodeProof(proof, m.air, CONFIG, poseidon2Hash)))
        accepted.push(`multiplicity in table ${t}`);
    }
    // Proof bytes: changed, truncated or extended.
    for (let k = 0; k < 300; k++) {
      let bytes: Uint8Array;
      const kind = rand() % 16;
      if (kind === 0) bytes = honest.slice(0, rand() % honest.length);
      else if (kind === 1) {
        bytes = new Uint8Array(honest.length + 1 + (rand() % 8));
        bytes.set(honest);
      } else {
        bytes = honest.slice();
        const pos = rand() % bytes.length;
        bytes[pos] = bytes[pos]! ^ (1 + (rand() % 255));
      }
      if (verifies(W, bytes)) accepted.push(`byte mutation ${k}`);
    }
    expect(accepted).toEqual([]);
  }, 900_000);
});
