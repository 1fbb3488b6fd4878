import { existsSync, readFileSync, statSync } from "node:fs";
import { type Abi, type AbiFunction, createWalletClient, getAddress, isAddress, parseAbiItem } from "viem";
import { CallArgumentsError, receiptCallArgs } from "../../eth/receipt-call.ts";
import { CallRevertedError, submitCall } from "../../eth/submit.ts";
import { ReceiptVerificationError } from "../../receipt/errors.ts";
import { expectOkClaim } from "../../receipt/expect-claim.ts";
import { devModeEnabled } from "../../receipt/fake-receipt.ts";
import { receiptClaim } from "../../receipt/receipt.ts";
import { CliError, usageError } from "../errors.ts";
import { readReceiptArg } from "../io.ts";
import { accountFromEnv } from "../key.ts";
import { asCliError, connect } from "../rpc.ts";
import type { SubmitOptions } from "./submit.ts";

/** The consumer's ABI from `--abi`: a Hardhat/Foundry artifact (with an `abi` field) or a bare ABI array. */
function readAbi(path: string): Abi {
  if (!existsSync(path) || statSync(path).isDirectory()) throw usageError(`--abi ${path}: no such file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw usageError(`--abi ${path} is not JSON`);
  }
  const abi = Array.isArray(json) ? json : (json as { abi?: unknown }).abi;
  if (!Array.isArray(abi))
    throw usageError(`--abi ${path} is neither an ABI array nor an artifact with an "abi" field`);
  return abi as Abi;
}

/** `--function`: a signature (`set(uint256,bytes)`, names allowed) or, with --abi, a function name. */
function resolveFunction(spec: string, abi: Abi | undefined): AbiFunction {
  if (!spec.includes("(")) {
    if (!abi)
      throw usageError(`--function ${spec}: give a signature such as "${spec}(uint256,bytes)", or --abi`);
    const matches = abi.filter((i): i is AbiFunction => i.type === "function" && i.name === spec);
    if (matches.length !== 1) {
      throw usageError(
        matches.length === 0
          ? `--function ${spec}: the ABI has no function of that name`
          : `--function ${spec} is overloaded; give the signature`,
      );
    }
    return matches[0]!;
  }
  let item: ReturnType<typeof parseAbiItem>;
  try {
    item = parseAbiItem(spec.startsWith("function ") ? spec : `function ${spec}`);
  } catch (err) {
    throw usageError(
      `--function ${JSON.stringify(spec)} is not a Solidity function signature: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  if (item.type !== "function") throw usageError(`--function ${spec} is not a function`);
  if (item.stateMutability === "view" || item.stateMutability === "pure") {
    throw usageError(
      `--function ${spec} is ${item.stateMutability}: nothing to submit (use zkvm verify --rpc)`,
    );
  }
  return item;
}

/** The action of `zkvm submit` (loaded when the command runs: viem is large). */
export async function runSubmit(opts: SubmitOptions): Promise<void> {
  const account = await accountFromEnv("sender");
  if (!isAddress(opts.contract)) throw usageError(`--contract ${opts.contract} is not an address`);
  const receipt = readReceiptArg(opts.receipt);
  const abi = opts.abi ? readAbi(opts.abi) : undefined;
  const fn = resolveFunction(opts.function, abi);
  try {
    expectOkClaim(receiptClaim(receipt), receiptClaim(receipt).preStateDigest, receipt.journal);
  } catch (err) {
    if (err instanceof ReceiptVerificationError)
      throw new CliError(`this receipt cannot be accepted: ${err.shortMessage}`);
    throw err;
  }
  if (receipt.kind === "fake") {
    if (!(opts.dev || devModeEnabled())) {
      throw new CliError(
        "this is a fake (dev-mode) receipt: it proves nothing, and only a MockReceiptVerifier accepts its mock " +
          "seal; set ZKVM_DEV_MODE=1 or pass --dev to submit it on a development chain",
      );
    }
    console.error(
      "WARNING: dev mode is on: submitting a FAKE receipt's mock seal (only a MockReceiptVerifier accepts it)",
    );
  }
  let args: unknown[];
  try {
    args = receiptCallArgs(fn, receipt, opts.args);
  } catch (err) {
    if (err instanceof CallArgumentsError) throw usageError(err.shortMessage);
    throw err;
  }
  const { publicClient, chain, transport } = await connect(opts.rpc, opts.timeout);
  const walletClient = createWalletClient({ account, chain, transport });
  const contract = getAddress(opts.contract);
  let code: string | undefined;
  try {
    code = await publicClient.getCode({ address: contract });
  } catch (err) {
    throw await asCliError(err, opts.rpc);
  }
  if (!code || code === "0x") throw usageError(`no contract at ${contract} on chain ${chain.id}`);
  let result: Awaited<ReturnType<typeof submitCall>>;
  try {
    result = await submitCall({
      publicClient,
      walletClient,
      address: contract,
      // The function as resolved, then the rest of the consumer's ABI (its errors) without other overloads.
      abi: [fn, ...(abi ?? []).filter((i) => !(i.type === "function" && i.name === fn.name))],
      functionName: fn.name,
      args,
      gas: opts.gas === undefined ? undefined : BigInt(opts.gas),
      confirmationTimeoutMs: opts.confirmationTimeout,
      log: (m) => console.error(m),
      hints: { rpcUrl: opts.rpc },
    });
  } catch (err) {
    if (err instanceof CallRevertedError) throw new CliError(err.message);
    throw await asCliError(err, opts.rpc);
  }
  if (opts.json) {
    console.log(
      JSON.stringify({
        transaction: result.hash,
        blockNumber: result.blockNumber.toString(),
        gasUsed: result.gasUsed.toString(),
      }),
    );
    return;
  }
  console.log(`transaction ${result.hash}`);
  console.log(`block       ${result.blockNumber}`);
  console.log(`gas used    ${result.gasUsed}`);
}
