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
  zeroAddress,
} from "viem";
import type { VerifyingKey } from "../groth16/types.ts";
import type { Digest } from "../hash/digest.ts";
import { groth16Selector } from "../receipt/groth16-receipt.ts";
import {
  RISC0_BN254_CONTROL_ID,
  RISC0_DEFAULT_CONTROL_ROOT,
  RISC0_GROTH16_VERIFYING_KEY,
} from "../receipt/risc0.ts";
import { MOCK_SELECTOR, selectorToHex } from "../receipt/seal.ts";
import { compileReceiptVerifier } from "./compile-verifier.ts";
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
import { waitForTransaction } from "./rpc.ts";

/**
 * Deploys the verification stack — router, and per verifier an emergency stop wrapping it — and records
 * it in `deployments/<chainId>.json`. Idempotent: what the record names and the chain still holds is
 * reused, registrations already in the router are kept, so re-running after a failure resumes.
 */

export interface Groth16VerifierSpec {
  controlRoot: Digest;
  bn254ControlId: Digest;
  /**
   * The verifying key (default: RISC Zero's). Another key — our wrap's (`zkvm groth16 wrap-circuit` and a
   * setup) — gets its verifier compiled from the key with solc-js before it is deployed (seconds).
   */
  verifyingKey?: VerifyingKey;
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
  /** The router's owner on chain when the record was written. */
  owner: Address;
  /** The account the router's ownership has been offered to, until it accepts. */
  pendingOwner?: Address;
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
  /** Directory for `<chainId>.json` (default `deployments`); `null` keeps no record (tests, scripts). */
  deploymentsDir?: string | null;
  /** Limit on waiting for each transaction to be mined (default 300 s). */
  confirmationTimeoutMs?: number;
  /** Progress: every transaction before it is sent and once mined, and what is reused or skipped. */
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

function writeDeployment(dir: string | null, record: DeploymentRecord): void {
  if (dir === null) return;
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
  opts.log?.(`deploying ${what} …`);
  const hash = await opts.walletClient.deployContract({
    abi,
    bytecode,
    args,
    account: opts.walletClient.account,
    chain: opts.walletClient.chain,
  } as Parameters<typeof opts.walletClient.deployContract>[0]);
  const receipt = await waitForTransaction(opts.publicClient, hash, {
    what: `deploying ${what}`,
    timeoutMs: opts.confirmationTimeoutMs,
    log: opts.log,
  });
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
  const receipt = await waitForTransaction(opts.publicClient, hash, {
    what,
    timeoutMs: opts.confirmationTimeoutMs,
    log: opts.log,
  });
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

/** `owner()` and `pendingOwner()` of an Ownable2Step contract (the router and emergency stops). */
async function owners(client: PublicClient, address: Address): Promise<{ owner: Address; pending: Address }> {
  const [owner, pending] = await Promise.all([
    client.readContract({ address, abi: receiptVerifierRouterAbi, functionName: "owner" }),
    client.readContract({ address, abi: receiptVerifierRouterAbi, functionName: "pendingOwner" }),
  ]);
  return { owner: getAddress(owner), pending: getAddress(pending) };
}

type Wanted = { kind: "groth16" | "mock"; selector: Hex; spec?: Groth16VerifierSpec };

export async function deployVerifierStack(opts: DeployOptions): Promise<DeploymentRecord> {
  const { publicClient, walletClient } = opts;
  const log = (m: string) => opts.log?.(m);
  const dir = opts.deploymentsDir === undefined ? "deployments" : opts.deploymentsDir;
  const chainId = await publicClient.getChainId();
  const path = dir === null ? "the deployment" : deploymentPath(dir, chainId);
  const deployer = getAddress(walletClient.account.address);
  const owner = opts.owner ? getAddress(opts.owner) : deployer;
  if (opts.mock && !opts.forceMock && !DEVELOPMENT_CHAIN_IDS.includes(chainId)) {
    throw new DeploymentError(
      `chain ${chainId} is not a local development chain (${DEVELOPMENT_CHAIN_IDS.join(", ")}); the mock verifier ` +
        "accepts forged seals, so it is not deployed there unless forced (--force-mock) — never on a chain that holds value",
    );
  }
  const record: DeploymentRecord = (dir !== null && readDeployment(dir, chainId)) || {
    chainId,
    router: "0x",
    owner: deployer,
    verifiers: [],
  };

  // 1. Forget what the chain no longer holds (a development chain that was restarted, a reorged deployment).
  if (record.router !== "0x" && !(await hasCode(publicClient, record.router))) {
    log(`no contract at the recorded router ${record.router} (was the chain reset?); ${path} starts afresh`);
    record.router = "0x";
    record.verifiers = [];
  }
  for (const v of [...record.verifiers]) {
    if (!(await hasCode(publicClient, v.verifier)) || !(await hasCode(publicClient, v.emergencyStop))) {
      log(
        `dropping ${v.kind} verifier ${v.selector} from ${path}: no contract at ${v.verifier} or ${v.emergencyStop}`,
      );
      record.verifiers = record.verifiers.filter((x) => x !== v);
    }
  }

  const wanted: Wanted[] = (opts.groth16 ?? [DEFAULT_GROTH16_VERIFIER]).map((spec) => ({
    kind: "groth16",
    selector: selectorToHex(
      groth16Selector({ ...spec, verifyingKey: spec.verifyingKey ?? RISC0_GROTH16_VERIFYING_KEY }),
    ),
    spec,
  }));
  if (opts.mock) wanted.push({ kind: "mock", selector: selectorToHex(MOCK_SELECTOR) });

  // 2. Check everything that could stop the run before the first transaction, so a run that cannot finish
  //    spends no gas.
  if (record.router !== "0x") {
    const unregistered: Hex[] = [];
    for (const want of wanted) {
      const entry = await routerEntry(publicClient, record.router, want.selector);
      if (entry.state === "removed") {
        throw new DeploymentError(
          `selector ${want.selector} was removed from the router at ${record.router} and can never be reused; ` +
            "deploy with a different control root or a new router",
        );
      }
      const rec = record.verifiers.find((v) => v.selector === want.selector);
      if (entry.state === "set" && !rec) {
        throw new DeploymentError(
          `the router already maps ${want.selector} to ${entry.verifier}, which ${path} does not record; ` +
            "restore the record or use another router",
        );
      }
      if (entry.state === "unknown") unregistered.push(want.selector);
    }
    const router = await owners(publicClient, record.router);
    if (unregistered.length > 0 && !isAddressEqual(router.owner, deployer)) {
      throw new DeploymentError(
        `the router at ${record.router} is owned by ${router.owner}, not the deployer ${deployer}, so it cannot ` +
          `register ${unregistered.join(", ")}; nothing was deployed. Run again with the owner's key, or ask the ` +
          "owner to run it",
      );
    }
  }

  // 3. The router.
  if (record.router === "0x") {
    record.router = await deploy(
      opts,
      "ReceiptVerifierRouter",
      receiptVerifierRouterAbi,
      receiptVerifierRouterBytecode,
      [deployer],
    );
    writeDeployment(dir, record);
  } else {
    log(`reusing ReceiptVerifierRouter at ${record.router}`);
  }

  // 4. Per selector: a verifier and the emergency stop that wraps it, registered in the router.
  const acceptableOwners = [deployer, owner];
  for (const want of wanted) {
    const entry = await routerEntry(publicClient, record.router, want.selector);
    let rec = record.verifiers.find((v) => v.selector === want.selector);
    if (entry.state === "set" && rec && !isAddressEqual(entry.verifier, rec.emergencyStop)) {
      log(
        `router maps ${want.selector} to ${entry.verifier}, not the recorded ${rec.emergencyStop}; recording the router's`,
      );
      rec.emergencyStop = entry.verifier;
    }
    if (rec) {
      const stop = await owners(publicClient, rec.emergencyStop);
      const ours = acceptableOwners.some(
        (a) => isAddressEqual(stop.owner, a) || isAddressEqual(stop.pending, a),
      );
      if (!ours && entry.state === "set") {
        log(
          `WARNING: the router's verifier for ${want.selector} is the emergency stop ${rec.emergencyStop}, owned by ` +
            `${stop.owner}: only that account can stop it. If that is not intended, the router's owner must ` +
            `removeVerifier(${want.selector}) and deploy a new verifier under another selector`,
        );
      } else if (!ours) {
        log(
          `WARNING: the recorded emergency stop ${rec.emergencyStop} for ${want.selector} is owned by ${stop.owner}, ` +
            `not ${acceptableOwners.join(" or ")}; not registering it, deploying a new one`,
        );
        record.verifiers = record.verifiers.filter((v) => v !== rec);
        rec = undefined;
      }
    }
    if (!rec) {
      rec = await deployVerifier(opts, want, deployer);
      record.verifiers.push(rec);
      writeDeployment(dir, record);
    }
    if (entry.state === "unknown") {
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

  // 5. Hand over ownership last (two-step: the new owner calls acceptOwnership()).
  if (!isAddressEqual(owner, deployer)) {
    for (const address of [record.router, ...record.verifiers.map((v) => v.emergencyStop)]) {
      const current = await owners(publicClient, address);
      if (isAddressEqual(current.owner, deployer) && !isAddressEqual(current.pending, owner)) {
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

  // 6. The record says who owns the router on chain, never who was asked to.
  const router = await owners(publicClient, record.router);
  record.owner = router.owner;
  if (isAddressEqual(router.pending, zeroAddress)) delete record.pendingOwner;
  else record.pendingOwner = router.pending;
  writeDeployment(dir, record);
  return record;
}

/** Deploys the verifier for `want` and its emergency stop (owned by the deployer). */
async function deployVerifier(opts: DeployOptions, want: Wanted, deployer: Address): Promise<VerifierRecord> {
  const key = want.spec?.verifyingKey;
  const ours = key !== undefined && key !== RISC0_GROTH16_VERIFYING_KEY;
  if (ours) opts.log?.("compiling the Groth16 verifier for the given key (solc-js) …");
  const compiled = ours
    ? compileReceiptVerifier(key)
    : {
        name: "RiscZeroGroth16Verifier",
        abi: riscZeroGroth16VerifierAbi,
        bytecode: riscZeroGroth16VerifierBytecode,
      };
  const verifier =
    want.kind === "groth16"
      ? await deploy(opts, `${compiled.name} (${want.selector})`, compiled.abi, compiled.bytecode, [
          bytesToHex(want.spec!.controlRoot),
          bytesToHex(want.spec!.bn254ControlId),
        ])
      : await deploy(opts, "MockReceiptVerifier", mockReceiptVerifierAbi, mockReceiptVerifierBytecode, [
          opts.forceMock ?? false,
        ]);
  if (want.kind === "groth16") {
    const onChain = await opts.publicClient.readContract({
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
  return {
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
}
