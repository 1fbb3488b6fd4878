import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { computeImageId } from "../../zkvm/image-id.ts";
import { loadProgram } from "../../zkvm/program.ts";
import { readElfArg } from "../io.ts";

/** `zkvm image-id <elf>`: prints the guest's ImageID (docs/abi.md) as 0x-prefixed hex. */
export function register(program: Command): void {
  program
    .command("image-id")
    .description("print the ImageID of a guest ELF (32 bytes, 0x-prefixed hex)")
    .argument("<elf>", "guest ELF (RV32IM)")
    .action((elfPath: string) => {
      console.log(`0x${bytesToHex(computeImageId(loadProgram(readElfArg(elfPath))))}`);
    });
}
