import { createWalletClient, getAddress, isAddress } from "viem";
import { deployVerifierStack, type Groth16VerifierSpec } from "../../eth/deploy.ts";
import { DeploymentError } from "../../eth/errors.ts";
import { RISC0_BN254_CONTROL_ID, RISC0_DEFAULT_CONTROL_ROOT } from "../../receipt/risc0.ts";
import { CliError, usageError } from "../errors.ts";
import { readVerifyingKeyArg } from "../io.ts";
import { accountFromEnv } from "../key.ts";
import { controlRootOption, digestOption } from "../options.ts";
import { asCliError, connect } from "../rpc.ts";
import type { DeployCliOptions } from "./deploy.ts";

/** The action of `zkvm deploy` (loaded when the command runs: viem and the bindings are large). */
export async function runDeploy(opts: DeployCliOptions): Promise<void> {
  const account = await accountFromEnv("deployer");
  if (opts.owner && !isAddress(opts.owner)) throw usageError(`--owner ${opts.owner} is not an address`);
  const bn254ControlId = opts.bn254ControlId
    ? digestOption(opts.bn254ControlId, "--bn254-control-id")
    : RISC0_BN254_CONTROL_ID;
  const roots = opts.controlRoot.length
    ? opts.controlRoot.map((r) => controlRootOption(r))
    : [RISC0_DEFAULT_CONTROL_ROOT];
  let groth16: Groth16VerifierSpec[] = roots.map((controlRoot) => ({ controlRoot, bn254ControlId }));
  if (opts.groth16Key) {
    if (opts.controlRoot.length || opts.bn254ControlId)
      throw usageError(
        "--groth16-key deploys the published release's verifier: drop --control-root/--bn254-control-id",
      );
    const { wrapReleaseParameters } = await import("../../groth16/wrap/release.ts");
    const params = wrapReleaseParameters(await readVerifyingKeyArg(opts.groth16Key));
    groth16 = [params];
  }

  const { publicClient, chain, transport } = await connect(opts.rpc, opts.timeout);
  const walletClient = createWalletClient({ account, chain, transport });
  try {
    const record = await deployVerifierStack({
      publicClient,
      walletClient,
      groth16,
      mock: !!opts.mock,
      forceMock: !!opts.forceMock,
      ...(opts.owner ? { owner: getAddress(opts.owner) } : {}),
      deploymentsDir: opts.out,
      confirmationTimeoutMs: opts.confirmationTimeout,
      log: (m) => console.error(m),
    });
    console.log(JSON.stringify(record, null, 2));
  } catch (err) {
    if (err instanceof DeploymentError) throw new CliError(err.shortMessage);
    throw await asCliError(err, opts.rpc);
  }
}
