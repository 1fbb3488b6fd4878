import type { Command } from "commander";
import { PRIVATE_KEY_HELP } from "../key.ts";
import { CONTROL_ROOT_NAMES, seconds } from "../options.ts";
import { addTimeoutOption } from "../rpc.ts";

export interface DeployCliOptions {
  rpc: string;
  controlRoot: string[];
  bn254ControlId?: string;
  groth16Key?: string;
  mock?: boolean;
  forceMock?: boolean;
  owner?: string;
  out: string;
  timeout: number;
  confirmationTimeout: number;
}

export function register(program: Command): void {
  const command = program
    .command("deploy")
    .description(
      "deploy router, emergency stop and Groth16 verifier(s) (and the mock when asked); idempotent, records deployments/<chainId>.json",
    )
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .option(
      "--control-root <name|hex>",
      "control root of a Groth16 verifier to deploy: a RISC Zero release (v1.2, v3.0) or hex (repeatable; default: the newest release)",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option("--bn254-control-id <hex>", "BN254 control id as ControlID.sol writes it (default: RISC Zero's)")
    .option(
      "--groth16-key <vk.json|wrap.zkey>",
      "deploy the verifier of this version's own Groth16 seals instead: compiled for this wrap key, with the published recursion release's control root and BN254 control ID",
    )
    .option("--mock", "also deploy the dev-mode MockReceiptVerifier (selector 0xFFFFFFFF)")
    .option("--force-mock", "allow the mock on a chain other than a local development chain (31337, 1337)")
    .option(
      "--owner <address>",
      "hand the router and emergency stops to this owner (two-step; they must accept)",
    )
    .option("--out <dir>", "directory for the deployment record", "deployments")
    .option(
      "--confirmation-timeout <seconds>",
      "give up waiting for a transaction to be mined after this long",
      seconds("--confirmation-timeout"),
      300_000,
    );
  addTimeoutOption(command)
    .addHelpText("after", `${PRIVATE_KEY_HELP}\nKnown control roots: ${CONTROL_ROOT_NAMES}.`)
    .action(async (opts: DeployCliOptions) => (await import("./deploy-run.ts")).runDeploy(opts));
}
