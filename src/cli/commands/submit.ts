import type { Command } from "commander";
import { PRIVATE_KEY_HELP } from "../key.ts";
import { positiveInt, seconds } from "../options.ts";
import { addTimeoutOption } from "../rpc.ts";
export interface SubmitOptions {
  receipt: string;
  rpc: string;
  contract: string;
  function: string;
  args?: string[];
  abi?: string;
  gas?: number;
  dev?: boolean;
  json?: boolean;
  timeout: number;
  confirmationTimeout: number;
}

export function register(program: Command): void {
  const command = program
    .command("submit")
    .description(
      "call a consumer contract with a receipt: simulate, send, and print the transaction and its gas (reverts decoded, with hints)",
    )
    .requiredOption("--receipt <file>", "the receipt (written by zkvm prove)")
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .requiredOption("--contract <address>", "the consumer contract")
    .requiredOption(
      "--function <signature|name>",
      'the function, e.g. "set(uint256,bytes)" (a name is enough with --abi)',
    )
    .option(
      "--args <value...>",
      `every argument, in order: literals or $seal, $journal, $journalDigest, $imageId, $claimDigest (default: inferred from the receipt)`,
    )
    .option("--abi <file>", "the consumer's ABI or build artifact (decodes its own custom errors)")
    .option("--gas <n>", "gas limit (default: estimated)", positiveInt("--gas"))
    .option("--dev", "dev mode: submit a fake receipt's mock seal (same as ZKVM_DEV_MODE=1)")
    .option("--json", "print the result as one JSON object")
    .option(
      "--confirmation-timeout <seconds>",
      "give up waiting for the transaction to be mined after this long",
      seconds("--confirmation-timeout"),
      300_000,
    );
  addTimeoutOption(command)
    .addHelpText(
      "after",
      `${PRIVATE_KEY_HELP}\nWithout --args the seal goes to the parameter named seal (else the last bytes ` +
        "parameter) and the others come from the journal: the journal itself for one bytes parameter, else its ABI decoding.",
    )
    .action(async (opts: SubmitOptions) => (await import("./submit-run.ts")).runSubmit(opts));
}
