import { type Air, defineAir, PublicInteractionBuilder } from "../stark/air.ts";
import { MERKLE_DEPTH } from "../zkvm/memory-map.ts";
import { Bus } from "./buses.ts";
import { aluChip } from "./chips/alu.ts";
import { controlChip } from "./chips/control.ts";
import { decodeChip } from "./chips/decode.ts";
import { divChip } from "./chips/div.ts";
import { hostChip } from "./chips/host.ts";
import { bytesChip, smallChip } from "./chips/lookup.ts";
import { memChip } from "./chips/mem.ts";
import { merkleChip } from "./chips/merkle.ts";
import { mulChip } from "./chips/mul.ts";
import { pageChip } from "./chips/page.ts";
import { poseidon2Chip } from "./chips/poseidon2.ts";
import { systemChip } from "./chips/system.ts";
import { PUBLIC_COUNT, Pub } from "./publics.ts";

/**
 * The RV32IM machine AIR (docs/machine.md): the chips, in table order, and the public side of the buses —
 * the first execution token (pc_start, clk 1), the last one (pc_end, cycles + 1, halted), both memory
 * roots, and, for a halted segment, the exit code and Output digest.
 */
export function buildChips() {
  return {
    bytes: bytesChip(),
    small: smallChip(),
    decode: decodeChip(),
    alu: aluChip(),
    control: controlChip(),
    mem: memChip(),
    mul: mulChip(),
    div: divChip(),
    system: systemChip(),
    host: hostChip(),
    page: pageChip(),
    merkle: merkleChip(),
    poseidon2: poseidon2Chip(),
  };
}

export type Chips = ReturnType<typeof buildChips>;
export type ChipKey = keyof Chips;

export interface Machine {
  readonly air: Air;
  readonly chips: Chips;
  readonly order: readonly ChipKey[];
}

let cached: Machine | undefined;

/** The machine (built once per process: defining the AIR takes a moment). */
export function machine(): Machine {
  if (cached) return cached;
  const chips = buildChips();
  const order = Object.keys(chips) as ChipKey[];
  const pub = new PublicInteractionBuilder();
  const p = (i: number) => pub.public(i);
  const digest = (base: number) => Array.from({ length: 8 }, (_, k) => p(base + k));
  pub.send(Bus.EXEC, [p(Pub.PC_START), 1, 0]);
  pub.receive(Bus.EXEC, [p(Pub.PC_END), p(Pub.CYCLES).add(1), p(Pub.HALTED)]);
  pub.receive(Bus.MERKLE, [0, MERKLE_DEPTH, 0, ...digest(Pub.PRE_ROOT)]);
  pub.receive(Bus.MERKLE, [1, MERKLE_DEPTH, 0, ...digest(Pub.POST_ROOT)]);
  for (let k = 0; k < 8; k++)
    pub.receive(Bus.OUTPUT, [k, p(Pub.OUTPUT + 2 * k), p(Pub.OUTPUT + 2 * k + 1)], p(Pub.HALTED), {
      bound: 1,
    });
  pub.receive(Bus.OUTPUT, [8, p(Pub.EXIT_LO), p(Pub.EXIT_HI)], p(Pub.HALTED), { bound: 1 });
  const air = defineAir({
    name: "zkvm-kit/rv32im/v1",
    publicCount: PUBLIC_COUNT,
    tables: order.map((k) => chips[k].table),
    publicInteractions: pub,
  });
  cached = { air, chips, order };
  return cached;
}
