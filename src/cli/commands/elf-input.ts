import { existsSync, readFileSync, statSync } from "node:fs";
import { CliError } from "../errors.ts";

/** Reads a guest ELF given on the command line. */
export function readElfArg(path: string): Uint8Array {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CliError(
      `ELF file ${path} not found; build a guest with: npm run build:guest -- <file.c> -o <out.elf>`,
    );
  }
  return new Uint8Array(readFileSync(path));
}

/** `--input`: 0x-prefixed hex, or the path of a file whose bytes are the input. */
export function readInputArg(value: string | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (/^0x/i.test(value)) {
    const body = value.slice(2);
    if (!/^([0-9a-fA-F]{2})*$/.test(body)) {
      throw new CliError(`--input ${value} is not valid hex (an even number of hex digits after 0x)`);
    }
    return Uint8Array.from(Buffer.from(body, "hex"));
  }
  if (!existsSync(value) || !statSync(value).isFile()) {
    throw new CliError(`--input ${value}: no such file; pass a file path or 0x-prefixed hex bytes`);
  }
  return new Uint8Array(readFileSync(value));
}

/** Parses a positive integer option. */
export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer, got ${v}`);
    return n;
  };
}
