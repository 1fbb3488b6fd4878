import { bytesToHex } from "@noble/hashes/utils.js";
import type { Logger } from "pino";
import {
  type Account,
  type Address,
  BaseError,
  encodeFunctionData,
  type Hex,
  keccak256,
  type PublicClient,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { decodeRevertData, requestDigest, revertReason } from "./chain.ts";
import type { RelayConfig } from "./config.ts";
import { zkvmRelayAbi } from "./contracts.ts";
import { failpoint } from "./failpoints.ts";
import type { RelayMetrics } from "./metrics.ts";
import type { RelayStore, RequestRow, TxRow } from "./store.ts";
import { OnChainStatus } from "./types.ts";

export type SubmitterOptions = RelayConfig["submission"] & {
  relay: Address;
  chainId: number;
  confirmations: number;
  reorgDepth: number;
};

type Signer = Account & { signTransaction: NonNullable<Account["signTransaction"]> };

const fulfilment = (r: RequestRow) => ({
  request: r.request,
  journal: `0x${bytesToHex(r.journal!)}` as Hex,
  seal: `0x${bytesToHex(r.seal!)}` as Hex,
});

/**
 * Sends proofs to the relay contract and makes sure each ends up in exactly one terminal on-chain outcome.
 *
 * - Before a send: the request is read from the contract (still pending? same commitment? not expired?)
 *   and the batch is simulated with `eth_call`; items that would be rejected are classified and dropped.
 * - The nonce is allocated, and the transaction row written, in the same database transaction that moves
 *   the requests to `submitted`; every signed attempt (hash, fees, raw bytes) is persisted before it is
 *   broadcast. After any crash or ambiguous RPC error the attempts are reconciled by hash.
 * - A transaction not mined after `bumpAfterMs` is replaced with fees raised by `bumpPercent` (≥ 10 %),
 *   capped at `maxFeePerGas`; every earlier attempt stays watched, since any of them may be mined.
 * - A receipt is acted on after `confirmations` blocks; one whose block is later reorganised away puts the
 *   transaction and its requests back to pending/submitted.
 */
export class Submitter {
  private opts: SubmitterOptions;
  private client: PublicClient;
  private account: Signer;
  private store: RelayStore;
  private metrics: RelayMetrics;
  private log: Logger;
  private lastBroadcast = new Map<string, number>();

  constructor(
    opts: SubmitterOptions,
    client: PublicClient,
    account: Signer,
    store: RelayStore,
    metrics: RelayMetrics,
    log: Logger,
  ) {
    this.opts = opts;
    this.client = client;
    this.account = account;
    this.store = store;
    this.metrics = metrics;
    this.log = log;
  }

  /** The chain id signed into transactions (known once connected). */
  setChainId(chainId: number): void {
    this.opts = { ...this.opts, chainId };
  }

  // ---------------------------------------------------------------- submission

  /** Submits one batch of proved requests, after checking each against the chain and simulating. */
  async submit(headTimestamp: bigint): Promise<number> {
    const proved = this.store.requestsIn("proved", this.opts.batchSize * 2).filter((r) => r.anchored);
    if (proved.length === 0) return 0;
    const ready: RequestRow[] = [];
    for (const r of proved) {
      if (ready.length >= this.opts.batchSize) break;
      if ((await this.checkOnChain(r, headTimestamp)) === "ready") ready.push(r);
    }
    if (ready.length === 0) return 0;

    const sim = await this.client.simulateContract({
      account: this.account,
      address: this.opts.relay,
      abi: zkvmRelayAbi,
      functionName: "fulfilBatch",
      args: [ready.map(fulfilment)],
    });
    const accepted: RequestRow[] = [];
    for (const [i, r] of ready.entries()) {
      if (sim.result[i]) accepted.push(r);
      else await this.classifyRejected(r);
    }
    if (accepted.length === 0) return 0;

    const data = encodeFunctionData({
      abi: zkvmRelayAbi,
      functionName: "fulfilBatch",
      args: [accepted.map(fulfilment)],
    });
    // The relay reverts an item that cannot give its callback the full gas limit; never send less than the
    // callbacks' limits (with the 63/64 margin) plus a per-item allowance and the calldata. Estimation can
    // fail outright (some nodes refuse to estimate a call whose callee burns all its gas); the floor stands.
    let floor = 60_000n + BigInt((data.length - 2) / 2) * 16n;
    for (const r of accepted) floor += (r.request.gasLimit * 64n) / 63n + BigInt(this.opts.gasPerItem);
    const estimate = await this.client
      .estimateGas({ account: this.account, to: this.opts.relay, data })
      .catch(() => 0n);
    const gas = [(estimate * 5n) / 4n, floor].reduce((a, b) => (a > b ? a : b));
    const chainNonce = await this.client.getTransactionCount({
      address: this.account.address,
      blockTag: "latest",
    });
    const ids = accepted.map((r) => r.id);
    const nonce = this.store.tx(() => {
      const n = this.store.allocateNonce(chainNonce);
      this.store.insertTx(n, ids, data, gas);
      for (const id of ids)
        this.store.transition(id, "submitted", `in transaction nonce ${n}`, {
          txNonce: n,
          submitAttempt: true,
        });
      return n;
    });
    failpoint("after-nonce-allocated");
    const fees = await this.currentFees();
    await this.sendAttempt(this.store.getTx(nonce)!, fees.maxFee, fees.priorityFee);
    return accepted.length;
  }

  /** Reads the request on chain. Settles it in the store when the chain already decided it. */
  private async checkOnChain(r: RequestRow, headTimestamp: bigint): Promise<"ready" | "settled" | "wait"> {
    const [digest, , status] = await this.client.readContract({
      address: this.opts.relay,
      abi: zkvmRelayAbi,
      functionName: "requestRecord",
      args: [r.id as Hex],
    });
    if (status === OnChainStatus.None) return "wait"; // not (yet) on this chain: a reorg the watcher will see
    if (status === OnChainStatus.Delivered || status === OnChainStatus.CallbackFailed) {
      this.store.tx(() =>
        this.store.transition(
          r.id,
          "confirmed",
          "the relay contract shows it fulfilled by another transaction",
          {
            outcome: "fulfilled-elsewhere",
          },
        ),
      );
      return "settled";
    }
    if (status === OnChainStatus.Refunded) {
      this.store.tx(() => this.store.transition(r.id, "expired", "refunded on chain after its deadline"));
      return "settled";
    }
    if (digest !== requestDigest(r.request)) {
      // The event we hold is not the chain's version of this request: a reorg the watcher has not seen
      // yet. It will unanchor (and later re-anchor or fail) the request; never send the old fields.
      this.log.warn(
        { requestId: r.id },
        "request on chain differs from the ingested event; waiting for the reorg",
      );
      return "wait";
    }
    if (r.request.deadline < headTimestamp) {
      this.store.tx(() =>
        this.store.transition(r.id, "expired", `deadline ${r.request.deadline} has passed`),
      );
      return "settled";
    }
    return "ready";
  }

  /** Finds out why the contract would reject an item (simulating it alone) and records that. */
  private async classifyRejected(r: RequestRow): Promise<void> {
    try {
      await this.client.simulateContract({
        account: this.account,
        address: this.opts.relay,
        abi: zkvmRelayAbi,
        functionName: "fulfil",
        args: [fulfilment(r)],
      });
    } catch (err) {
      const reason = revertReason(err);
      if (reason) {
        this.applyRejection(r.id, reason.name);
        return;
      }
      throw err;
    }
  }

  private applyRejection(id: string, name: string): void {
    const invalidProof = [
      "VerificationFailed",
      "SealTooShort",
      "SelectorUnknown",
      "SelectorRemoved",
      "SelectorMismatch",
      "SealLengthInvalid",
      "SealPointInvalid",
      "EnforcedPause",
    ];
    if (invalidProof.includes(name))
      this.fail(id, "invalid-proof", `the verifier rejected the proof (${name})`);
    else if (name === "RequestMismatch") {
      // A reorg replaced the request under the same id; prove the chain's version once the watcher has it.
      const r = this.store.getRequest(id)!;
      if (r.proofAttempts >= 3)
        this.fail(id, "request-mismatch", "the request on chain keeps differing from the one proven");
      else
        this.store.tx(() =>
          this.store.transition(id, "received", "the request on chain differs; proving it again", {
            clearProof: true,
          }),
        );
    } else if (name === "RequestExpired")
      this.store.tx(() => this.store.transition(id, "expired", "the deadline passed"));
    else {
      // RequestNotPending (the status read settles it next round), InsufficientGas, unknown: try again.
      const r = this.store.getRequest(id)!;
      if (r.submitAttempts >= this.opts.maxSubmitAttempts) {
        this.fail(
          id,
          "submission-attempts-exhausted",
          `rejected ${r.submitAttempts} times, last with ${name}`,
        );
      } else if (r.state !== "proved") {
        this.store.tx(() =>
          this.store.transition(id, "proved", `rejected on chain with ${name}; will retry`),
        );
      }
    }
  }

  private fail(id: string, code: string, reason: string): void {
    this.store.tx(() => this.store.transition(id, "failed", reason, { reasonCode: code }));
  }

  private async currentFees(): Promise<{ maxFee: bigint; priorityFee: bigint }> {
    const f = await this.client.estimateFeesPerGas();
    const maxFee = f.maxFeePerGas < this.opts.maxFeePerGas ? f.maxFeePerGas : this.opts.maxFeePerGas;
    const priorityFee = f.maxPriorityFeePerGas < maxFee ? f.maxPriorityFeePerGas : maxFee;
    return { maxFee, priorityFee };
  }

  /** Signs an attempt, persists it, then broadcasts it. A send error is logged, never thrown: reconcile decides. */
  private async sendAttempt(tx: TxRow, maxFee: bigint, priorityFee: bigint): Promise<void> {
    const filler = tx.requestIds.length === 0;
    const raw = await this.account.signTransaction({
      chainId: this.opts.chainId,
      type: "eip1559",
      nonce: tx.nonce,
      to: filler ? this.account.address : this.opts.relay,
      data: filler ? undefined : tx.data,
      value: 0n,
      gas: tx.gas,
      maxFeePerGas: maxFee,
      maxPriorityFeePerGas: priorityFee,
    });
    const hash = keccak256(raw);
    this.store.insertAttempt({ hash, nonce: tx.nonce, maxFee, priorityFee, raw });
    failpoint("after-attempt-persisted");
    await this.broadcast(hash, raw, tx);
  }

  private async broadcast(hash: Hex, raw: Hex, tx: TxRow): Promise<void> {
    const log = this.log.child({ txHash: hash, nonce: tx.nonce, requestIds: tx.requestIds });
    try {
      await this.client.sendRawTransaction({ serializedTransaction: raw });
      this.store.markAttemptSent(hash);
      this.metrics.txSent.inc();
      log.info("transaction sent");
      failpoint("after-send");
    } catch (err) {
      const msg = err instanceof BaseError ? err.shortMessage : String(err);
      if (/already known|already imported|known transaction/i.test(`${msg} ${(err as Error).message}`)) {
        this.store.markAttemptSent(hash);
        return;
      }
      this.metrics.rpcErrors.inc({ operation: "sendRawTransaction" });
      log.warn(
        { err: msg, detail: (err as Error).message.slice(0, 2000) },
        "sending the transaction failed; it is reconciled by hash on the next round",
      );
    }
  }

  // ---------------------------------------------------------------- reconciliation

  /**
   * Settles pending transactions from the chain: finds which attempt (if any) was mined, applies its
   * receipt after enough confirmations, notices nonces used by someone else, rebroadcasts attempts the node
   * does not know, bumps fees of stuck ones, fills nonce gaps, and re-checks recent receipts for reorgs.
   */
  async reconcile(head: number): Promise<void> {
    await this.checkMinedForReorg(head);
    const chainNonce = await this.client.getTransactionCount({
      address: this.account.address,
      blockTag: "latest",
    });
    const pending = this.store.txsIn("pending");
    if (pending.length === 0) {
      // Nothing of ours is in flight: the counter must not stay above the chain (it would leave a gap).
      const stored = Number(this.store.getMeta("next_nonce") ?? "0");
      if (stored > chainNonce) {
        this.log.warn(
          { stored, chainNonce },
          "nonce counter above the chain with nothing pending; reset to the chain",
        );
        this.store.tx(() => this.store.resetNonce(chainNonce));
      }
      return;
    }
    this.fillNonceGaps(pending, chainNonce);
    for (const tx of this.store.txsIn("pending")) await this.reconcileTx(tx, head, chainNonce);
  }

  private fillNonceGaps(pending: TxRow[], chainNonce: number): void {
    const have = new Set(pending.map((t) => t.nonce));
    const top = Math.max(...pending.map((t) => t.nonce));
    for (let n = chainNonce; n < top; n++) {
      if (have.has(n) || this.store.getTx(n)?.state === "mined") continue;
      this.log.warn(
        { nonce: n },
        "nonce gap below pending transactions; filling it with a no-op transaction",
      );
      this.store.tx(() => {
        this.store.getTx(n) ? this.store.markTxPending(n) : this.store.insertTx(n, [], "0x", 21_000n);
      });
    }
  }

  private async reconcileTx(tx: TxRow, head: number, chainNonce: number): Promise<void> {
    const attempts = this.store.attempts(tx.nonce);
    if (attempts.length === 0) {
      const fees = await this.currentFees();
      await this.sendAttempt(tx, fees.maxFee, fees.priorityFee);
      return;
    }
    for (const a of attempts) {
      const receipt = await this.receipt(a.hash);
      if (!receipt) continue;
      if (head - Number(receipt.blockNumber) + 1 >= this.opts.confirmations) this.applyReceipt(tx, receipt);
      return;
    }
    if (tx.nonce < chainNonce) {
      // The nonce is used and none of our attempts holds it: another transaction took it.
      this.store.tx(() => {
        this.store.markTxDropped(tx.nonce);
        for (const id of tx.requestIds) {
          if (this.store.getRequest(id)?.state === "submitted") {
            this.store.transition(
              id,
              "proved",
              `nonce ${tx.nonce} was used by another transaction; resubmitting`,
            );
          }
        }
      });
      this.log.warn(
        { nonce: tx.nonce },
        "transaction replaced by another with the same nonce; its requests go back to proved",
      );
      return;
    }
    const last = attempts[attempts.length - 1]!;
    if (Date.now() - last.createdAt >= this.opts.bumpAfterMs) {
      await this.bump(tx, last);
      return;
    }
    if (last.sentAt === null || !(await this.knownToNode(last.hash))) await this.rebroadcast(last, tx);
  }

  /** Sends an attempt again (the node lost it, or the first send failed), at most once a second. */
  private async rebroadcast(a: { hash: Hex; raw: Hex }, tx: TxRow): Promise<void> {
    const now = Date.now();
    if (now - (this.lastBroadcast.get(a.hash) ?? 0) < 1000) return;
    this.lastBroadcast.set(a.hash, now);
    await this.broadcast(a.hash, a.raw, tx);
  }

  private async bump(
    tx: TxRow,
    last: { maxFee: bigint; priorityFee: bigint; hash: Hex; raw: Hex },
  ): Promise<void> {
    const factor = BigInt(Math.round(this.opts.bumpPercent * 100));
    const up = (v: bigint) => v + (v * factor + 9_999n) / 10_000n;
    const current = await this.currentFees();
    let maxFee = [up(last.maxFee), current.maxFee].reduce((a, b) => (a > b ? a : b));
    let priorityFee = [up(last.priorityFee), current.priorityFee].reduce((a, b) => (a > b ? a : b));
    if (maxFee > this.opts.maxFeePerGas) maxFee = this.opts.maxFeePerGas;
    if (priorityFee > maxFee) priorityFee = maxFee;
    if (maxFee < up(last.maxFee) || priorityFee < up(last.priorityFee)) {
      // At the cap: a replacement below +10 % would be refused; keep the current attempt alive instead.
      this.log.warn(
        { nonce: tx.nonce, maxFee: String(last.maxFee) },
        "transaction stuck at the fee cap (submission.maxFeePerGas)",
      );
      if (!(await this.knownToNode(last.hash))) await this.rebroadcast(last, tx);
      return;
    }
    this.metrics.feeBumps.inc();
    this.log.info(
      { nonce: tx.nonce, maxFee: String(maxFee), priorityFee: String(priorityFee) },
      "replacing a stuck transaction with higher fees",
    );
    await this.sendAttempt(tx, maxFee, priorityFee);
  }

  private async receipt(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await this.client.getTransactionReceipt({ hash });
    } catch (err) {
      if (err instanceof BaseError && err.name === "TransactionReceiptNotFoundError") return undefined;
      throw err;
    }
  }

  private async knownToNode(hash: Hex): Promise<boolean> {
    try {
      await this.client.getTransaction({ hash });
      return true;
    } catch (err) {
      if (err instanceof BaseError && err.name === "TransactionNotFoundError") return false;
      throw err;
    }
  }

  /** Applies a confirmed receipt to its requests, from the relay's own events in it. */
  private applyReceipt(tx: TxRow, receipt: TransactionReceipt): void {
    const logs = parseEventLogs({
      abi: zkvmRelayAbi,
      logs: receipt.logs.filter((l) => l.address.toLowerCase() === this.opts.relay.toLowerCase()),
    });
    const fulfil = {
      tx: receipt.transactionHash,
      block: Number(receipt.blockNumber),
      blockHash: receipt.blockHash,
    };
    const delivered = new Set<string>();
    const callbackFailed = new Map<string, Hex>();
    const rejected = new Map<string, Hex>();
    for (const l of logs) {
      if (l.eventName === "CallbackDelivered") delivered.add(l.args.requestId);
      if (l.eventName === "CallbackFailed") callbackFailed.set(l.args.requestId, l.args.reason);
      if (l.eventName === "FulfilmentRejected") rejected.set(l.args.requestId, l.args.reason);
    }
    const rejections: Array<[string, string]> = [];
    this.store.tx(() => {
      this.store.markTxMined(
        tx.nonce,
        receipt.transactionHash,
        Number(receipt.blockNumber),
        receipt.blockHash,
        receipt.status,
      );
      for (const id of tx.requestIds) {
        // Only the transaction a request currently rides in may settle it: after a reorg an older
        // transaction of ours can still be mined, carrying a superseded fulfilment of the same id.
        const current = this.store.getRequest(id);
        if (current?.state !== "submitted" || current.txNonce !== tx.nonce) continue;
        if (receipt.status !== "success") {
          const r = this.store.getRequest(id)!;
          if (r.submitAttempts >= this.opts.maxSubmitAttempts) {
            this.store.transition(
              id,
              "failed",
              `the fulfilment transaction reverted ${r.submitAttempts} times`,
              {
                reasonCode: "submission-attempts-exhausted",
              },
            );
          } else this.store.transition(id, "proved", "the fulfilment transaction reverted; will retry");
        } else if (delivered.has(id)) {
          this.store.transition(id, "confirmed", null, { outcome: "delivered", fulfil });
        } else if (callbackFailed.has(id)) {
          const why = decodeRevertData(callbackFailed.get(id)!);
          this.store.transition(id, "confirmed", null, {
            outcome: "callback-failed",
            outcomeReason: `callback failed: ${why.name === "revert" ? "reverted or ran out of gas" : why.name}`,
            fulfil,
          });
          this.metrics.callbackFailures.inc();
        } else {
          rejections.push([
            id,
            rejected.has(id) ? decodeRevertData(rejected.get(id)!).name : "not in the receipt",
          ]);
        }
      }
    });
    for (const [id, name] of rejections) this.applyRejection(id, name);
    this.log.info(
      {
        txHash: receipt.transactionHash,
        block: Number(receipt.blockNumber),
        requestIds: tx.requestIds,
        status: receipt.status,
      },
      "fulfilment confirmed",
    );
    failpoint("after-confirmed");
  }

  private async checkMinedForReorg(head: number): Promise<void> {
    for (const tx of this.store.minedTxsSince(head - this.opts.reorgDepth)) {
      const block = await this.client
        .getBlock({ blockNumber: BigInt(tx.minedBlock!) })
        .catch(() => undefined);
      if (block && block.hash === tx.minedBlockHash) continue;
      this.store.tx(() => {
        this.store.markTxPending(tx.nonce);
        for (const id of tx.requestIds) {
          const r = this.store.getRequest(id);
          if (r?.state === "confirmed" && r.fulfilTx === tx.minedHash) {
            this.store.transition(id, "submitted", "the block with its fulfilment was reorganised away", {
              outcome: null,
              outcomeReason: null,
              fulfil: null,
            });
          }
        }
      });
      this.metrics.reorgs.inc();
      this.log.warn(
        { nonce: tx.nonce, txHash: tx.minedHash },
        "a fulfilment's block was reorganised away; reconciling again",
      );
    }
  }
}
