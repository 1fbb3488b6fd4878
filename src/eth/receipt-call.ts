import {
  type AbiFunction,
  type AbiParameter,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  type Hex,
  isAddress,
  sha256,
  toHex,
} from "viem";
import { ZkvmError } from "../errors.ts";
import { receiptClaimDigest } from "../receipt/claim.ts";
import { type Receipt, receiptClaim, receiptSeal } from "../receipt/receipt.ts";

/**
 * The arguments of a consumer function call that presents a receipt. Consumers take the seal and either
 * the journal (`submit(bytes journal, bytes seal)`) or values the journal ABI-encodes
 * (`set(uint256 x, bytes seal)` for the journal `abi.encode(x)`), as RISC Zero's examples do. Without
 * explicit arguments the seal goes to the parameter named `seal` (else the last `bytes` parameter), and
 * the other parameters are the journal when they are a single `bytes`, or the journal's ABI decoding when
 * it decodes to exactly those types and re-encodes to the same bytes. Explicit arguments may name the
 * receipt's parts: `$seal`, `$journal`, `$journalDigest`, `$imageId`, `$claimDigest`.
 */

/** The function's parameters cannot be filled from the receipt, or an argument does not fit its type. */
export class CallArgumentsError extends ZkvmError {
  override name = "CallArgumentsError";
}

export const RECEIPT_PLACEHOLDERS = [
  "$seal",
  "$journal",
  "$journalDigest",
  "$imageId",
  "$claimDigest",
] as const;

function placeholders(receipt: Receipt): Record<(typeof RECEIPT_PLACEHOLDERS)[number], Hex> {
  return {
    $seal: toHex(receiptSeal(receipt)),
    $journal: toHex(receipt.journal),
    $journalDigest: sha256(receipt.journal),
    $imageId: toHex(receiptClaim(receipt).preStateDigest),
    $claimDigest: toHex(receiptClaimDigest(receiptClaim(receipt))),
  };
}

const describe = (fn: AbiFunction) =>
  `${fn.name}(${fn.inputs.map((p) => `${p.type}${p.name ? ` ${p.name}` : ""}`).join(", ")})`;

/** The arguments for `fn`, from `explicit` (one string per parameter) or inferred from the receipt. */
export function receiptCallArgs(fn: AbiFunction, receipt: Receipt, explicit?: readonly string[]): unknown[] {
  const parts = placeholders(receipt);
  if (explicit) {
    if (explicit.length !== fn.inputs.length) {
      throw new CallArgumentsError(
        `${describe(fn)} takes ${fn.inputs.length} arguments; ${explicit.length} were given`,
      );
    }
    return fn.inputs.map((p, i) => {
      const given = explicit[i]!;
      return given in parts ? parts[given as keyof typeof parts] : parseLiteral(given, p);
    });
  }
  const sealIndex = findSealParameter(fn);
  const rest = fn.inputs.filter((_, i) => i !== sealIndex);
  const fromJournal = journalArgs(rest, receipt.journal, fn);
  const args: unknown[] = [...fromJournal];
  args.splice(sealIndex, 0, parts.$seal);
  return args;
}

function findSealParameter(fn: AbiFunction): number {
  const named = fn.inputs.findIndex((p) => p.name === "seal" && p.type === "bytes");
  if (named >= 0) return named;
  const bytes = fn.inputs.map((p) => p.type).lastIndexOf("bytes");
  if (bytes < 0) {
    throw new CallArgumentsError(
      `${describe(fn)} has no bytes parameter for the seal; pass the arguments with --args`,
    );
  }
  return bytes;
}

function journalArgs(params: readonly AbiParameter[], journal: Uint8Array, fn: AbiFunction): unknown[] {
  if (params.length === 0) return [];
  if (params.length === 1 && params[0]!.type === "bytes") return [toHex(journal)];
  const hex = toHex(journal);
  try {
    const values = decodeAbiParameters(params, hex);
    if (encodeAbiParameters(params, values) === hex) return [...values];
  } catch {
    // Falls through to the explanation below.
  }
  throw new CallArgumentsError(
    `cannot tell how the parameters of ${describe(fn)} other than the seal come from the journal ${hex}: ` +
      "it is not their ABI encoding. Pass every argument with --args (placeholders: " +
      `${RECEIPT_PLACEHOLDERS.join(", ")})`,
  );
}

/** A command-line value for a parameter: numbers, booleans, addresses, hex bytes, strings, or JSON. */
function parseLiteral(value: string, p: AbiParameter): unknown {
  const bad = (why: string) =>
    new CallArgumentsError(`argument ${p.name || p.type} = ${JSON.stringify(value)}: ${why}`);
  if (/^u?int\d*$/.test(p.type)) {
    try {
      return BigInt(value);
    } catch {
      throw bad("not an integer");
    }
  }
  if (p.type === "bool") {
    if (value !== "true" && value !== "false") throw bad("must be true or false");
    return value === "true";
  }
  if (p.type === "address") {
    if (!isAddress(value)) throw bad("not an address");
    return getAddress(value);
  }
  if (/^bytes\d*$/.test(p.type)) {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(value)) throw bad("must be 0x-prefixed hex");
    return value;
  }
  if (p.type === "string") return value;
  try {
    return JSON.parse(value, (_, v) =>
      typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
    );
  } catch {
    throw bad(`give ${p.type} as JSON`);
  }
}
