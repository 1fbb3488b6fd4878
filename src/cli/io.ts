import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../build/output.ts";
import type { VerifyingKey } from "../groth16/types.ts";
import { ReceiptDecodeError } from "../receipt/errors.ts";
import type { Receipt } from "../receipt/receipt.ts";
import { readReceipt } from "../receipt/verify.ts";
import { FileInput, InputFileError } from "../zkvm/file-input.ts";
import type { InputSource } from "../zkvm/input.ts";
import { CliError, usageError } from "./errors.ts";

/** Reads a guest ELF given on the command line, explaining what to do when it is not one. */
export function readElfArg(path: string): Uint8Array {
  if (!existsSync(path)) {
    throw usageError(
      `ELF file ${path} not found; build a guest with: zkvm build <file.c | cargo project> -o <out.elf>`,
    );
  }
  if (statSync(path).isDirectory()) {
    const project = ["Cargo.toml", "zkvm.json"].find((f) => existsSync(join(path, f)));
    throw usageError(
      `${path} is a directory, not an ELF file` +
        (project
          ? ` (it holds ${project}: build it with \`zkvm build ${path}${project === "Cargo.toml" ? " -o guest.elf" : ""}\`)`
          : ""),
    );
  }
  return new Uint8Array(readFileSync(path));
}

/** An `--input` ready for the executor; `close` releases the file it reads from. */
export interface InputArg {
  input: Uint8Array | InputSource;
  close(): void;
}

/**
 * `--input`: 0x-prefixed hex, or the path of a file whose bytes are the input. Files are read as the
 * guest consumes them, so their size does not matter.
 */
export function openInputArg(value: string | undefined): InputArg {
  if (value === undefined) return { input: new Uint8Array(0), close() {} };
  if (/^0x/i.test(value)) {
    const body = value.slice(2);
    if (!/^([0-9a-fA-F]{2})*$/.test(body)) {
      throw usageError(`--input ${value} is not valid hex (an even number of hex digits after 0x)`);
    }
    return { input: Uint8Array.from(Buffer.from(body, "hex")), close() {} };
  }
  if (!existsSync(value))
    throw usageError(`--input ${value}: no such file; pass a file path or 0x-prefixed hex bytes`);
  try {
    const file = new FileInput(value);
    return { input: file, close: () => file.close() };
  } catch (err) {
    if (err instanceof InputFileError) throw usageError(`--input: ${err.shortMessage}`);
    throw err;
  }
}

/** Writes an output file, creating missing directories; a failure names the file and the reason. */
export function writeOutputFile(path: string, data: string | Uint8Array, what: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw usageError(`${what} ${path} is a directory; give a file name`);
  }
  try {
    writeFileAtomic(path, data);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`cannot write ${what} to ${path}: ${e.code ? `${e.code} (${e.message})` : e.message}`);
  }
}

/** `--receipt <file>`: a receipt file of any kind and encoding (docs/receipts.md). */
export function readReceiptArg(path: string): Receipt {
  if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(`--receipt ${path}: no such file`);
  try {
    return readReceipt(new Uint8Array(readFileSync(path)));
  } catch (err) {
    if (err instanceof ReceiptDecodeError) throw usageError(`--receipt ${path}: ${err.shortMessage}`);
    throw err;
  }
}

/**
 * `--groth16-key <file>`: the verifying key of a wrap key — the proving key (.zkey) itself or its exported
 * verification_key.json (`zkvm groth16 export-vk`), the small file a verifier needs.
 */
export async function readVerifyingKeyArg(path: string, option = "--groth16-key"): Promise<VerifyingKey> {
  if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(`${option} ${path}: no such file`);
  const { verifyingKeyFromSnarkjs, Groth16FormatError } = await import("../groth16/types.ts");
  const { readZkeyFile } = await import("../groth16/zkey.ts");
  const { Groth16FileError } = await import("../groth16/errors.ts");
  try {
    if (/\.json$/i.test(path)) return verifyingKeyFromSnarkjs(JSON.parse(readFileSync(path, "utf8")));
    return readZkeyFile(path).vk;
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof Groth16FormatError || err instanceof Groth16FileError)
      throw usageError(
        `${option} ${path}: not a proving key (.zkey) or verification_key.json: ${err.message}`,
      );
    throw err;
  }
}
