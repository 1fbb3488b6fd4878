import type { Command } from "commander";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  isAddress,
  isHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployVerifierStack, type Groth16VerifierSpec } from "../../eth/deploy.ts";
import { DeploymentError } from "../../eth/errors.ts";
import { digestFromHex, InvalidDigestError } from "../../hash/digest.ts";
import { RISC0_BN254_CONTROL_ID, RISC0_DEFAULT_CONTROL_ROOT } from "../../receipt/risc0.ts";
import { CliError } from "../errors.ts";

/** Environment variable that holds the deployer's private key (never a command-line argument). */
export const PRIVATE_KEY_ENV = "ZKVM_PRIVATE_KEY";

interface DeployCliOptions {
  rpc: string;
  controlRoot: string[];
  bn254ControlId?: string;
  mock?: boolean;
  forceMock?: boolean;
  owner?: string;
  out: string;
}

export function register(program: Command): void {
  program
    .command("deploy")
    .description(
      "deploy router, emergency stop and Groth16 verifier(s) (and the mock when asked); idempotent, records deployments/<chainId>.json",
    )
    .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
    .option(
      "--control-root <hex>",
      "control root of a Groth16 verifier to deploy (repeatable; default: the newest RISC Zero release)",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option("--bn254-control-id <hex>", "BN254 control id as ControlID.sol writes it (default: RISC Zero's)")
    .option("--mock", "also deploy the dev-mode MockReceiptVerifier (selector 0xFFFFFFFF)")
    .option("--force-mock", "allow the mock on a chain other than a local development chain (31337, 1337)")
    .option(
      "--owner <address>",
      "hand the router and emergency stops to this owner (two-step; they must accept)",
    )
    .option("--out <dir>", "directory for the deployment record", "deployments")
    .addHelpText("after", `\nThe deployer key is read from $${PRIVATE_KEY_ENV} (0x-prefixed, 32 bytes).`)
    .action(async (opts: DeployCliOptions) => {
      const key = process.env[PRIVATE_KEY_ENV];
      if (!key || !isHex(key) || key.length !== 66) {
        throw new CliError(`set ${PRIVATE_KEY_ENV} to the deployer's 0x-prefixed 32-byte private key`, 2);
      }
      if (opts.owner && !isAddress(opts.owner))
        throw new CliError(`--owner ${opts.owner} is not an address`, 2);
      const digest = (value: string, what: string) => {
        try {
          return digestFromHex(value);
        } catch (err) {
          if (err instanceof InvalidDigestError) throw new CliError(`${what}: ${err.message}`, 2);
          throw err;
        }
      };
      const bn254ControlId = opts.bn254ControlId
        ? digest(opts.bn254ControlId, "--bn254-control-id")
        : RISC0_BN254_CONTROL_ID;
      const roots = opts.controlRoot.length
        ? opts.controlRoot.map((r) => digest(r, "--control-root"))
        : [RISC0_DEFAULT_CONTROL_ROOT];
      const groth16: Groth16VerifierSpec[] = roots.map((controlRoot) => ({ controlRoot, bn254ControlId }));

      const transport = http(opts.rpc, { retryCount: 2, timeout: 60_000 });
      const publicClient = createPublicClient({ transport });
      let chainId: number;
      try {
        chainId = await publicClient.getChainId();
      } catch (err) {
        throw new CliError(`cannot reach ${opts.rpc}: ${(err as Error).message.split("\n")[0]}`, 2);
      }
      const chain = defineChain({
        id: chainId,
        name: `chain ${chainId}`,
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [opts.rpc] } },
      });
      const walletClient = createWalletClient({ account: privateKeyToAccount(key), chain, transport });
      try {
        const record = await deployVerifierStack({
          publicClient: createPublicClient({ chain, transport }),
          walletClient,
          groth16,
          mock: !!opts.mock,
          forceMock: !!opts.forceMock,
          ...(opts.owner ? { owner: getAddress(opts.owner) } : {}),
          deploymentsDir: opts.out,
          log: (m) => console.error(m),
        });
        console.log(JSON.stringify(record, null, 2));
      } catch (err) {
        if (err instanceof DeploymentError) throw new CliError(err.message, 1);
        throw err;
      }
    });
}
