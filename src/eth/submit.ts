import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  type Hash,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { ZkvmError } from "../errors.ts";
import { allContractErrorsAbi } from "./errors.ts";
import { type HintContext, revertHint } from "./revert-hints.ts";
import { waitForTransaction } from "./rpc.ts";

/**
 * Calls a consumer contract's function with a receipt's seal (or anything else): simulate first, so a call
 * that would revert costs nothing and says why; then send, wait (with progress) and report the gas used.
 * Every revert is decoded against the consumer's ABI and the errors of all of the kit's contracts (the
 * router, the verifiers and the emergency stop revert from inside the call), with a hint on what to do.
 */

type Writable = "nonpayable" | "payable";

export interface SubmitCallOptions<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, Writable>,
> {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, Writable, functionName>;
  /** Gas limit (default: the node's estimate). */
  gas?: bigint;
  /** Limit on waiting for the transaction to be mined (default 300 s). */
  confirmationTimeoutMs?: number;
  /** Progress: simulation, sending, waiting. */
  log?: (message: string) => void;
  /** For the hints (the commands they suggest name this endpoint). */
  hints?: HintContext;
}

export interface SubmitResult {
  hash: Hash;
  blockNumber: bigint;
  gasUsed: bigint;
}

/** The call reverted, in simulation (nothing was sent) or once mined (gas was spent). */
export class CallRevertedError extends ZkvmError {
  override name = "CallRevertedError";
  readonly stage: "simulation" | "transaction";
  /** The custom error's name, when the revert data decodes (or the reason string). */
  readonly errorName: string | undefined;
  readonly errorArgs: readonly unknown[];
  readonly hint: string | undefined;
  /** The mined transaction, for stage "transaction". */
  readonly hash: Hash | undefined;
  readonly gasUsed: bigint | undefined;
  constructor(
    stage: "simulation" | "transaction",
    revert: DecodedRevert,
    extra: { hash?: Hash; gasUsed?: bigint; cause?: unknown } = {},
  ) {
    const what =
      stage === "simulation"
        ? "the call would revert (simulated; nothing was sent)"
        : `transaction ${extra.hash} reverted (gas used ${extra.gasUsed})`;
    const args = revert.args.length ? `(${revert.args.map(String).join(", ")})` : "";
    const short = `${what}: ${revert.name ?? "no reason given"}${args}`;
    super(short, {
      cause: extra.cause,
      // A decoded revert says it all; an undecoded one keeps the node's message.
      details: revert.name ? short : revert.message,
      metaMessages: revert.hint ? [`hint: ${revert.hint}`] : [],
    });
    this.stage = stage;
    this.errorName = revert.name;
    this.errorArgs = revert.args;
    this.hint = revert.hint;
    this.hash = extra.hash;
    this.gasUsed = extra.gasUsed;
  }
}

interface DecodedRevert {
  name: string | undefined;
  args: readonly unknown[];
  hint: string | undefined;
  message: string;
}

/** The revert inside a viem error, decoded; undefined when the error is not a revert (e.g. the RPC failed). */
export function decodeRevert(err: unknown, hints: HintContext = {}): DecodedRevert | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  const name = reverted.data?.errorName ?? reverted.reason;
  const args = reverted.data?.args ?? [];
  return {
    name,
    args,
    hint: name ? revertHint(name, args, hints) : undefined,
    message: reverted.shortMessage,
  };
}

export async function submitCall<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, Writable>,
>(options: SubmitCallOptions<abi, functionName>): Promise<SubmitResult> {
  const { publicClient, walletClient, address, functionName } = options;
  const log = (m: string) => options.log?.(m);
  // The consumer's errors first, then every error of the kit's contracts (deduplicated by signature).
  const abi = [...options.abi, ...allContractErrorsAbi.filter((e) => !hasItem(options.abi, e))] as Abi;
  const call = {
    address,
    abi,
    functionName,
    args: options.args as readonly unknown[],
    account: walletClient.account,
  };
  log(`simulating ${String(functionName)} on ${address} …`);
  let request: Parameters<typeof walletClient.writeContract>[0];
  try {
    ({ request } = (await publicClient.simulateContract({
      ...call,
      chain: walletClient.chain,
      ...(options.gas ? { gas: options.gas } : {}),
    } as Parameters<PublicClient["simulateContract"]>[0])) as { request: typeof request });
  } catch (err) {
    const revert = decodeRevert(err, options.hints);
    if (revert) throw new CallRevertedError("simulation", revert, { cause: err });
    throw err;
  }
  const hash = await walletClient.writeContract(request);
  log(`sent transaction ${hash}`);
  const receipt = await waitForTransaction(publicClient, hash, {
    what: String(functionName),
    timeoutMs: options.confirmationTimeoutMs,
    log: options.log,
  });
  if (receipt.status === "success") {
    return { hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
  }
  // Mined but reverted (the state changed between simulation and inclusion): replay it to learn why.
  let revert: DecodedRevert = { name: undefined, args: [], hint: undefined, message: "reverted" };
  try {
    await publicClient.simulateContract({ ...call, blockNumber: receipt.blockNumber - 1n } as Parameters<
      PublicClient["simulateContract"]
    >[0]);
  } catch (err) {
    revert = decodeRevert(err, options.hints) ?? revert;
  }
  throw new CallRevertedError("transaction", revert, { hash, gasUsed: receipt.gasUsed });
}

function hasItem(abi: Abi, item: Abi[number]): boolean {
  const signature = (i: Abi[number]) =>
    "name" in i && "inputs" in i ? `${i.type} ${i.name}(${i.inputs.map((p) => p.type).join(",")})` : i.type;
  return abi.some((i) => signature(i) === signature(item));
}
