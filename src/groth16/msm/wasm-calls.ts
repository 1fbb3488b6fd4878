/**
 * Calls between the generated field and curve functions: every operand is a byte address, either a fixed
 * one (constants, scratch space) or a function parameter plus an offset (a coordinate of a point).
 */
import { type FunctionBuilder, Op } from "../../wasm/builder.ts";
import type { FieldFunctions } from "./field-wasm.ts";

export type Address = number | { readonly param: number; readonly offset: number };

export const at = (param: number, offset = 0): Address => ({ param, offset });

function push(f: FunctionBuilder, a: Address): void {
  if (typeof a === "number") f.i32(a);
  else {
    f.get(a.param);
    if (a.offset !== 0) f.i32(a.offset).op(Op.i32_add);
  }
}

/** `fn(...args)` on the stack machine. */
export function call(f: FunctionBuilder, fn: number, ...args: Address[]): void {
  for (const a of args) push(f, a);
  f.call(fn);
}

/** out ← −a if the i32 that `pushNegate` leaves on the stack is non-zero, else a copy of a. */
export function signedCopy(
  f: FunctionBuilder,
  F: FieldFunctions,
  out: Address,
  a: Address,
  pushNegate: () => void,
): void {
  pushNegate();
  f.if();
  call(f, F.neg, out, a);
  f.op(Op.else);
  call(f, F.copy, out, a);
  f.end();
}

/** Hands out fixed scratch addresses from `start` on. */
export class ScratchSpace {
  private next: number;
  constructor(start: number) {
    this.next = start;
  }
  alloc(bytes: number): number {
    const a = this.next;
    this.next += bytes;
    return a;
  }
  get end(): number {
    return this.next;
  }
}
