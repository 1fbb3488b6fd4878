import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  encodeAbiParameters,
  type Hex,
  keccak256,
  type Log,
  parseEventLogs,
} from "viem";
import { allContractErrorsAbi } from "../eth/errors.ts";
import { zkvmRelayAbi } from "./contracts.ts";
import type { CallbackRequest, InputKind } from "./types.ts";

/** Every custom error the relay path can revert with (relay, router, verifiers), for decoding. */
export const relayErrorsAbi: Abi = [
  ...zkvmRelayAbi.filter((i) => i.type === "error"),
  ...allContractErrorsAbi,
];

const REQUEST_TUPLE = zkvmRelayAbi.find((i) => i.type === "function" && i.name === "requestDigest")!.inputs;

/** The commitment the relay stores for a request: `keccak256(abi.encode(request))`. */
export function requestDigest(r: CallbackRequest): Hex {
  return keccak256(encodeAbiParameters(REQUEST_TUPLE, [r]));
}

export interface SubmittedRequest {
  id: Hex;
  request: CallbackRequest;
  inputKind: InputKind;
  input: Hex;
  txHash: Hex;
  logIndex: number;
  blockNumber: number;
  blockHash: Hex;
}

/** Decodes the relay's `RequestSubmitted` logs; logs that do not decode are returned in `malformed`. */
export function decodeSubmittedLogs(logs: Log[]): { requests: SubmittedRequest[]; malformed: Log[] } {
  const requests: SubmittedRequest[] = [];
  const malformed: Log[] = [];
  for (const log of logs) {
    try {
      const [e] = parseEventLogs({
        abi: zkvmRelayAbi,
        eventName: "RequestSubmitted",
        logs: [log],
        strict: true,
      });
      if (!e) throw new Error("not a RequestSubmitted log");
      requests.push({
        id: e.args.requestId,
        request: { ...e.args.request } as CallbackRequest,
        inputKind: e.args.inputKind as InputKind,
        input: e.args.input,
        txHash: log.transactionHash!,
        logIndex: log.logIndex!,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash!,
      });
    } catch {
      malformed.push(log);
    }
  }
  return { requests, malformed };
}

/** The name (and arguments) of the custom error a call reverted with, if it is one of ours. */
export function revertReason(err: unknown): { name: string; args: readonly unknown[] } | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    if (reverted.data?.errorName) return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
    if (reverted.raw && reverted.raw !== "0x") return decodeRevertData(reverted.raw);
    return { name: "revert", args: [] };
  }
  return undefined;
}

/** Decodes raw revert data against the relay path's errors. */
export function decodeRevertData(data: Hex): { name: string; args: readonly unknown[] } {
  try {
    const d = decodeErrorResult({ abi: relayErrorsAbi, data });
    return { name: d.errorName, args: d.args ?? [] };
  } catch {
    return { name: data.length > 2 ? `unknown revert ${data.slice(0, 10)}` : "revert", args: [] };
  }
}

export type { Address };
