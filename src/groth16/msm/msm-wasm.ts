/**
 * The multi-scalar multiplication's WebAssembly module: BN254's base field, its quadratic extension, and the
 * group law of G1 (over Fp) and G2 (over Fp2), with the constants they need at fixed addresses. The module
 * is generated at load time (nothing is shipped) and instantiated once per thread.
 */

import { ModuleBuilder } from "../../wasm/builder.ts";
import { BN254_P } from "../types.ts";
import { addBatchAffine, addFp2Inverse, addFpInverse } from "./batch-affine-wasm.ts";
import { addJacobianCurve, type CurveFunctions } from "./curve-wasm.ts";
import {
  addPrimeField,
  FIELD_RESERVED_BYTES,
  FP_BYTES,
  fieldConstants,
  ONE_PTR,
  ZERO_PTR,
} from "./field-wasm.ts";
import { addQuadraticExtension } from "./fp2-wasm.ts";
import { ScratchSpace } from "./wasm-calls.ts";

/** Exported functions, by the names the multi-exponentiation calls them. */
export interface MsmExports {
  /** (out, in): one base-field element from ffjavascript's layout to ours. */
  fromFfjs(out: number, input: number): void;
  /** (out, in): one base-field element from ours to ffjavascript's layout. */
  toFfjs(out: number, input: number): void;
  g1AddAffine(p: number, q: number, negate: number): void;
  g1Add(p: number, q: number): void;
  g1Double(p: number): void;
  g2AddAffine(p: number, q: number, negate: number): void;
  g2Add(p: number, q: number): void;
  g2Double(p: number): void;
  g1BatchAdd(entries: number, count: number, buckets: number, points: number, scratch: number): void;
  g1AddSlow(bucket: number, point: number, negate: number): number;
  g1Assign(bucket: number, point: number, negate: number): void;
  g2BatchAdd(entries: number, count: number, buckets: number, points: number, scratch: number): void;
  g2AddSlow(bucket: number, point: number, negate: number): number;
  g2Assign(bucket: number, point: number, negate: number): void;
}

/** One group's functions (G1 or G2) under group-neutral names. */
export interface GroupOps {
  addAffine(p: number, q: number, negate: number): void;
  add(p: number, q: number): void;
  double(p: number): void;
  batchAdd(entries: number, count: number, buckets: number, points: number, scratch: number): void;
  addSlow(bucket: number, point: number, negate: number): number;
  assign(bucket: number, point: number, negate: number): void;
}

export function groupOps(x: MsmExports, group: 1 | 2): GroupOps {
  const g = group === 1 ? "g1" : "g2";
  return {
    addAffine: x[`${g}AddAffine`],
    add: x[`${g}Add`],
    double: x[`${g}Double`],
    batchAdd: x[`${g}BatchAdd`],
    addSlow: x[`${g}AddSlow`],
    assign: x[`${g}Assign`],
  };
}

export interface MsmModule {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Bytes to write at address 0 before the first call (field constants, Fp2's one and zero). */
  readonly constants: Uint8Array;
  /** 192 bytes for moving one Jacobian point in or out in ffjavascript's layout. */
  readonly exchange: number;
  /** The first address free for the caller's data (64 KiB aligned). */
  readonly heapStart: number;
}

let cached: MsmModule | undefined;

export function msmModule(): MsmModule {
  if (cached) return cached;
  const mod = new ModuleBuilder();
  const scratch = new ScratchSpace(FIELD_RESERVED_BYTES);
  const fp = addPrimeField(mod, BN254_P);
  const fp2 = addQuadraticExtension(mod, fp, scratch);
  const one2 = scratch.alloc(2 * FP_BYTES);
  const zero2 = scratch.alloc(2 * FP_BYTES);
  const exchange = scratch.alloc(192);
  const g1: CurveFunctions = addJacobianCurve(mod, fp, ONE_PTR, ZERO_PTR, scratch);
  const g2: CurveFunctions = addJacobianCurve(mod, fp2, one2, zero2, scratch);
  const fpInverse = addFpInverse(mod, fp, BN254_P, scratch);
  const fp2Inverse = addFp2Inverse(mod, fp, fpInverse, scratch);
  const g1Batch = addBatchAffine(mod, fp, fpInverse, ONE_PTR, scratch);
  const g2Batch = addBatchAffine(mod, fp2, fp2Inverse, one2, scratch);
  for (const [prefix, b] of [
    ["g1", g1Batch],
    ["g2", g2Batch],
  ] as const) {
    mod.exportAs(b.batchAdd, `${prefix}BatchAdd`);
    mod.exportAs(b.addSlow, `${prefix}AddSlow`);
    mod.exportAs(b.assign, `${prefix}Assign`);
  }
  mod.exportAs(fp.fromFfjs, "fromFfjs");
  mod.exportAs(fp.toFfjs, "toFfjs");
  mod.exportAs(g1.addAffine, "g1AddAffine");
  mod.exportAs(g1.add, "g1Add");
  mod.exportAs(g1.double, "g1Double");
  mod.exportAs(g2.addAffine, "g2AddAffine");
  mod.exportAs(g2.add, "g2Add");
  mod.exportAs(g2.double, "g2Double");

  const constants = new Uint8Array(scratch.end);
  const fieldPart = fieldConstants(BN254_P);
  constants.set(new Uint8Array(fieldPart.buffer), 0);
  // Fp2's one is (1, 0): the base field's one, then zeros.
  constants.set(new Uint8Array(fieldPart.buffer, ONE_PTR, FP_BYTES), one2);
  const heapStart = Math.ceil(scratch.end / 65536) * 65536;
  cached = { bytes: mod.encode(heapStart / 65536), constants, exchange, heapStart };
  return cached;
}

/** An instance of the module with its constants written. */
export interface MsmInstance {
  readonly exports: MsmExports;
  readonly memory: WebAssembly.Memory;
  readonly exchange: number;
  readonly heapStart: number;
}

export function instantiateMsm(): MsmInstance {
  const m = msmModule();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes));
  const memory = instance.exports.memory as WebAssembly.Memory;
  new Uint8Array(memory.buffer).set(m.constants, 0);
  return {
    exports: instance.exports as unknown as MsmExports,
    memory,
    exchange: m.exchange,
    heapStart: m.heapStart,
  };
}
