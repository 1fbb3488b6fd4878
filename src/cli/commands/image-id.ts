import { bytesToHex } from "@noble/hashes/utils.js";
import type { Command } from "commander";
import { computeImageId } from "../../zkvm/image-id.ts";
import { loadProgram } from "../../zkvm/program.ts";
import { readElfArg } from "./elf-input.ts";

/** `zkvm image-id <elf>`: prints the guest's ImageID (docs/abi.md) as 64 hex characters. */
export function register(program: Command): void {
  program
    .command("image-id")
    .description("print the ImageID of a guest ELF as 64 hex characters")
    .argument("<elf>", "guest ELF (RV32IM)")
    .action((elfPath: string) => {
      console.log(bytesToHex(computeImageId(loadProgram(readElfArg(elfPath)))));
    });
}
