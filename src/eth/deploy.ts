import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  bytesToHex,
  type Chain,
  ContractFunctionRevertedError,
  getAddress,
  type Hex,
  isAddressEqual,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { Digest } from "../hash/digest.ts";
import { groth16Selector, risc0Groth16Parameters } from "../receipt/groth16-receipt.ts";
import { RISC0_BN254_CONTROL_ID, RISC0_DEFAULT_CONTROL_ROOT } from "../receipt/risc0.ts";
import { MOCK_SELECTOR, selectorToHex } from "../receipt/seal.ts";
import {
  emergencyStopVerifierAbi,
  emergencyStopVerifierBytecode,
  mockReceiptVerifierAbi,
  mockReceiptVerifierBytecode,
  receiptVerifierRouterAbi,
  receiptVerifierRouterBytecode,
  riscZeroGroth16VerifierAbi,
  riscZeroGroth16VerifierBytecode,
} from "./contracts.ts";
import { allContractErrorsAbi, DeploymentError } from "./errors.ts";

/**
 * Deploys the verification stack — router, and per verifier an emergency stop wrapping it — and records
 * it in `deployments/<chainId>.json`. Idempotent: what the record names and the chain still holds is
 * reused, registrations already in the router are kept, so re-running after a failure resumes.
 */

export interface Groth16VerifierSpec {
  controlRoot: Digest;
  bn254ControlId: Digest;
}

export interface VerifierRecord {
  kind: "groth16" | "mock";
  selector: Hex;
  verifier: Address;
  emergencyStop: Address;
  controlRoot?: Hex;
  bn254ControlId?: Hex;
}

export interface DeploymentRecord {
  chainId: number;
  router: Address;
  owner: Address;
  verifiers: VerifierRecord[];
}

export interface DeployOptions {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** Groth16 verifiers to deploy; default: RISC Zero's verifying key at the newest control root we know. */
  groth16?: Groth16VerifierSpec[];
  /** Also deploy the development-mode mock verifier (selector 0xFFFFFFFF). */
  mock?: boolean;
  /** Let the mock deploy on a chain that is not a local development chain (31337, 1337). */
  forceMock?: boolean;
  /** Final owner of the router and emergency stops; ownership transfer is two-step (they must accept). */
  owner?: Address;
  /** Directory for `<chainId>.json` (default `deployments`). */
  deploymentsDir?: string;
  log?: (message: string) => void;
}

/** Chains on which MockReceiptVerifier deploys without being forced (Hardhat/Anvil, Ganache/geth --dev). */
export const DEVELOPMENT_CHAIN_IDS: readonly number[] = [31337, 1337];

export const DEFAULT_GROTH16_VERIFIER: Groth16VerifierSpec = {
  controlRoot: RISC0_DEFAULT_CONTROL_ROOT,
  bn254ControlId: RISC0_BN254_CONTROL_ID,
};

export function deploymentPath(dir: string, chainId: number): string {
  return join(dir, `${chainId}.json`);
}

export function readDeployment(dir: string, chainId: number): DeploymentRecord | undefined {
  const path = deploymentPath(dir, chainId);
  if (!existsSync(path)) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as DeploymentRecord;
    if (record.chainId !== chainId || !Array.isArray(record.verifiers)) throw new Error("unexpected shape");
    return record;
  } catch (err) {
    throw new DeploymentError(
      `${path} is not a deployment record (${(err as Error).message}); move it away to start afresh`,
    );
  }
}

function writeDeployment(dir: string, record: DeploymentRecord): void {
  mkdirSync(dir, { recursive: true });
  const path = deploymentPath(dir, record.chainId);
  // Write-then-rename, so an interrupted run never leaves a truncated record behind.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

async function hasCode(client: PublicClient, address: Address | undefined): Promise<boolean> {
  if (address?.length !== 42) return false;
  const code = await client.getCode({ address });
  return !!code && code !== "0x";
}

async function deploy(
  opts: DeployOptions,
  what: string,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<Address> {
  const hash = await opts.walletClient.deployContract({
    abi,
    bytecode,
    args,
    account: opts.walletClient.account,
    chain: opts.walletClient.chain,
  } as Parameters<typeof opts.walletClient.deployContract>[0]);
  const receipt = await opts.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new DeploymentError(`deploying ${what} failed (transaction ${hash})`);
  }
  opts.log?.(`deployed ${what} at ${receipt.contractAddress}`);
  return getAddress(receipt.contractAddress);
}

async function send(
  opts: DeployOptions,
  what: string,
  request: Parameters<WalletClient["writeContract"]>[0],
) {
  const hash = await opts.walletClient.writeContract(request);
  const receipt = await opts.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new DeploymentError(`${what} failed (transaction ${hash})`);
  opts.log?.(what);
}

/** What the router holds for a selector: a verifier, nothing, or a tombstone. */
async function routerEntry(
  client: PublicClient,
  router: Address,
  selector: Hex,
): Promise<{ state: "set"; verifier: Address } | { state: "unknown" } | { state: "removed" }> {
  try {
    const verifier = await client.readContract({
      address: router,
      abi: [...receiptVerifierRouterAbi, ...allContractErrorsAbi],
      functionName: "getVerifier",
      args: [selector],
    });
    return { state: "set", verifier: verifier as Address };
  } catch (err) {
    const reverted = err instanceof BaseError && err.walk((e) => e instanceof ContractFunctionRevertedError);
    const name = reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
    if (name === "SelectorUnknown") return { state: "unknown" };
    if (name === "SelectorRemoved") return { state: "removed" };
    throw err;
  }
}

export async function deployVerifierStack(opts: DeployOptions): Promise<DeploymentRecord> {
  const { publicClient, walletClient } = opts;
  const dir = opts.deploymentsDir ?? "deployments";
  const chainId = await publicClient.getChainId();
  const deployer = walletClient.account.address;
  const owner = opts.owner ? getAddress(opts.owner) : deployer;
  if (opts.mock && !opts.forceMock && !DEVELOPMENT_CHAIN_IDS.includes(chainId)) {
    throw new DeploymentError(
      `chain ${chainId} is not a local development chain (${DEVELOPMENT_CHAIN_IDS.join(", ")}); the mock verifier ` +
        "accepts forged seals, so it is not deployed there unless forced (--force-mock) — never on a chain that holds value",
    );
  }
  const existing = readDeployment(dir, chainId);
  const record: DeploymentRecord = existing ?? { chainId, router: "0x", owner, verifiers: [] };
  record.owner = owner;

  if (!(await hasCode(publicClient, record.router))) {
    record.router = await deploy(
      opts,
      "ReceiptVerifierRouter",
      receiptVerifierRouterAbi,
      receiptVerifierRouterBytecode,
      [deployer],
    );
    writeDeployment(dir, record);
  } else {
    opts.log?.(`reusing ReceiptVerifierRouter at ${record.router}`);
  }

  const wanted: Array<{ kind: "groth16" | "mock"; selector: Hex; spec?: Groth16VerifierSpec }> = [];
  for (const spec of opts.groth16 ?? [DEFAULT_GROTH16_VERIFIER]) {
    const selector = selectorToHex(
      groth16Selector(risc0Groth16Parameters(spec.controlRoot, spec.bn254ControlId)),
    );
    wanted.push({ kind: "groth16", selector, spec });
  }
  if (opts.mock) wanted.push({ kind: "mock", selector: selectorToHex(MOCK_SELECTOR) });

  for (const want of wanted) {
    const entry = await routerEntry(publicClient, record.router, want.selector);
    if (entry.state === "removed") {
      throw new DeploymentError(
        `selector ${want.selector} was removed from the router at ${record.router} and can never be reused; ` +
          "deploy with a different control root or a new router",
      );
    }
    let rec = record.verifiers.find((v) => v.selector === want.selector);
    if (
      rec &&
      !((await hasCode(publicClient, rec.verifier)) && (await hasCode(publicClient, rec.emergencyStop)))
    ) {
      record.verifiers = record.verifiers.filter((v) => v !== rec);
      rec = undefined;
    }
    if (entry.state === "set" && rec && !isAddressEqual(entry.verifier, rec.emergencyStop)) {
      opts.log?.(
        `router maps ${want.selector} to ${entry.verifier}, not the recorded ${rec.emergencyStop}; recording the router's`,
      );
      rec.emergencyStop = entry.verifier;
    }
    if (!rec) {
      if (entry.state === "set") {
        throw new DeploymentError(
          `the router already maps ${want.selector} to ${entry.verifier}, which ${deploymentPath(dir, chainId)} does not record; ` +
            "restore the record or use another router",
        );
      }
      const verifier =
        want.kind === "groth16"
          ? await deploy(
              opts,
              `RiscZeroGroth16Verifier (${want.selector})`,
              riscZeroGroth16VerifierAbi,
              riscZeroGroth16VerifierBytecode,
              [bytesToHex(want.spec!.controlRoot), bytesToHex(want.spec!.bn254ControlId)],
            )
          : await deploy(opts, "MockReceiptVerifier", mockReceiptVerifierAbi, mockReceiptVerifierBytecode, [
              opts.forceMock ?? false,
            ]);
      if (want.kind === "groth16") {
        const onChain = await publicClient.readContract({
          address: verifier,
          abi: riscZeroGroth16VerifierAbi,
          functionName: "SELECTOR",
        });
        if (onChain !== want.selector) {
          throw new DeploymentError(
            `verifier computed selector ${onChain}, expected ${want.selector}; not registering it`,
          );
        }
      }
      const emergencyStop = await deploy(
        opts,
        `EmergencyStopVerifier (${want.selector})`,
        emergencyStopVerifierAbi,
        emergencyStopVerifierBytecode,
        [verifier, deployer],
      );
      rec = {
        kind: want.kind,
        selector: want.selector,
        verifier,
        emergencyStop,
        ...(want.spec
          ? {
              controlRoot: bytesToHex(want.spec.controlRoot),
              bn254ControlId: bytesToHex(want.spec.bn254ControlId),
            }
          : {}),
      };
      record.verifiers.push(rec);
      writeDeployment(dir, record);
    }
    if (entry.state === "unknown") {
      const routerOwner = await publicClient.readContract({
        address: record.router,
        abi: receiptVerifierRouterAbi,
        functionName: "owner",
      });
      if (!isAddressEqual(routerOwner, deployer)) {
        throw new DeploymentError(
          `the router at ${record.router} is owned by ${routerOwner}, not the deployer ${deployer}; ` +
            `ask its owner to call addVerifier(${want.selector}, ${rec.emergencyStop}), or deploy with the owner's key`,
        );
      }
      await send(opts, `router: added ${want.selector} → ${rec.emergencyStop}`, {
        address: record.router,
        abi: receiptVerifierRouterAbi,
        functionName: "addVerifier",
        args: [want.selector, rec.emergencyStop],
        account: walletClient.account,
        chain: walletClient.chain,
      });
    }
  }

  // Hand over ownership last (two-step: the new owner calls acceptOwnership()).
  if (!isAddressEqual(owner, deployer)) {
    const targets = [record.router, ...record.verifiers.map((v) => v.emergencyStop)];
    for (const address of targets) {
      const [current, pending] = await Promise.all([
        publicClient.readContract({ address, abi: receiptVerifierRouterAbi, functionName: "owner" }),
        publicClient.readContract({ address, abi: receiptVerifierRouterAbi, functionName: "pendingOwner" }),
      ]);
      if (isAddressEqual(current, deployer) && !isAddressEqual(pending, owner)) {
        await send(opts, `${address}: ownership offered to ${owner} (they must call acceptOwnership())`, {
          address,
          abi: receiptVerifierRouterAbi,
          functionName: "transferOwnership",
          args: [owner],
          account: walletClient.account,
          chain: walletClient.chain,
        });
      }
    }
  }
  writeDeployment(dir, record);
  return record;
}
