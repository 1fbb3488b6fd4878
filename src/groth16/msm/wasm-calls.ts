/**
 * Calls between the generated field and curve functions: every operand is a byte address, either a fixed
 * one (constants, scratch space) or a function parameter plus an offset (a coordinate of a point).
 */
import { type FunctionBuilder, Op } from "../../wasm/builder.ts";

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
