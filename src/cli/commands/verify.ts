import type { Command } from "commander";
import { RISC0_CONTROL_ROOTS } from "../../receipt/risc0.ts";
import { CONTROL_ROOT_NAMES } from "../options.ts";
import { addTimeoutOption } from "../rpc.ts";

export interface VerifyOptions {
  receipt?: string;
  seal?: string;
  imageId?: string;
  elf?: string;
  journal?: string;
  controlRoot?: string;
  bn254ControlId?: string;
  groth16Key?: string;
  dev?: boolean;
  rpc?: string;
  router?: string;
  timeout: number;
}

export function register(program: Command): void {
  const command = program
    .command("verify")
    .description(
      "verify a receipt for an ImageID: a receipt file (--receipt) of any kind, or a Groth16 seal (--seal); " +
        "off chain, or through a deployed router (--rpc --router)",
    )
    .option("--receipt <file>", "a receipt file written by `zkvm prove`")
    .option("--seal <hex>", "a Groth16 seal (4-byte selector ‖ proof), with --image-id and --journal")
    .option("--image-id <hex>", "the ImageID the receipt must be for (32 bytes)")
    .option("--elf <file>", "compute the expected ImageID from this guest ELF instead of --image-id")
    .option(
      "--journal <hex|file>",
      "the journal: 0x-prefixed hex or a file (with --receipt: the journal it must carry)",
    )
    .option(
      "--control-root <name|hex>",
      `with --seal: the control root it was made under, a RISC Zero release or hex (default: ${RISC0_CONTROL_ROOTS.at(-1)!.release})`,
    )
    .option(
      "--bn254-control-id <hex>",
      "with --seal: BN254 control id as ControlID.sol writes it (default: RISC Zero's)",
    )
    .option(
      "--groth16-key <vk.json|wrap.zkey>",
      "also accept Groth16 seals of this version's recursion release made with this wrap key (its verification_key.json or the .zkey)",
    )
    .option("--dev", "dev mode: accept a fake (dev-mode) receipt, with a warning (same as ZKVM_DEV_MODE=1)")
    .option("--rpc <url>", "verify on chain through this JSON-RPC endpoint (needs --router)")
    .option("--router <address>", "address of the ReceiptVerifierRouter (or any verifier) to call");
  addTimeoutOption(command)
    .addHelpText(
      "after",
      "\nExit code: 0 for a valid receipt, 1 for an invalid one, 2 for bad input or an unreachable chain." +
        `\nKnown control roots: ${CONTROL_ROOT_NAMES}.`,
    )
    .action(async (opts: VerifyOptions) => (await import("./verify-run.ts")).runVerify(opts));
}
