import type { CircuitBuilder } from "../../src/groth16/circuit/builder.ts";
import { WitnessError } from "../../src/groth16/errors.ts";
import { readR1cs } from "../../src/groth16/r1cs.ts";
import { checkWitness } from "../../src/groth16/witness.ts";

/** Whether the builder's witness satisfies the written .r1cs, evaluated independently of the builder. */
export function r1csAccepts(c: CircuitBuilder): boolean {
  try {
    checkWitness(readR1cs(Buffer.concat(c.r1cs())), c.witness());
    return true;
  } catch (e) {
    if (e instanceof WitnessError) return false;
    throw e;
  }
}
