import { type Air, defineAir, PublicInteractionBuilder } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
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
import { poseidon2Chip } from "./chips/poseidon2-table.ts";
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

const cached = new Map<number, Machine>();

/**
 * The machine for a LogUp degree budget (built once per process and budget: defining the AIR takes a
 * moment). Budget 3 (the default) suits blowup 2; 5 suits blowup 4, where four interactions share an aux
 * column instead of two.
 */
export function machine(maxLogupDegree = 3): Machine {
  const hit = cached.get(maxLogupDegree);
  if (hit) return hit;
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
    maxLogupDegree,
  });
  const m = { air, chips, order };
  cached.set(maxLogupDegree, m);
  return m;
}

/** The machine a configuration proves with: the widest LogUp batches its blowup admits. */
export function machineFor(config: StarkConfig): Machine {
  return machine(config.logBlowup >= 2 ? 5 : 3);
}
