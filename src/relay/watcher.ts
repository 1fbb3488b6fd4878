import type { Logger } from "pino";
import { type Address, getAbiItem, hexToBytes, type PublicClient } from "viem";
import { decodeSubmittedLogs } from "./chain.ts";
import { zkvmRelayAbi } from "./contracts.ts";
import { failpoint } from "./failpoints.ts";
import type { RelayMetrics } from "./metrics.ts";
import type { RelayStore } from "./store.ts";

const REQUEST_SUBMITTED = getAbiItem({ abi: zkvmRelayAbi, name: "RequestSubmitted" });

export interface WatcherOptions {
  relay: Address;
  confirmations: number;
  fromBlock: number;
  maxBlockRange: number;
  reorgDepth: number;
}

/**
 * Ingests `RequestSubmitted` events by polling `eth_getLogs` from the block after the last one processed
 * (a backfill after any downtime is the same code path), only up to the confirmed head. Each batch of
 * logs, the block hash at its end and the new cursor are committed in one transaction; events are unique
 * on (transaction hash, log index), so a log delivered twice changes nothing. Before each poll the
 * remembered block hashes are compared with the chain: on a mismatch the store rolls back to the common
 * ancestor and the removed range is read again.
 */
export class Watcher {
  /** Head block number and timestamp seen by the last successful poll. */
  head = { number: 0, timestamp: 0n };
  lastPollAt = 0;
  private opts: WatcherOptions;
  private client: PublicClient;
  private store: RelayStore;
  private metrics: RelayMetrics;
  private log: Logger;

  constructor(
    opts: WatcherOptions,
    client: PublicClient,
    store: RelayStore,
    metrics: RelayMetrics,
    log: Logger,
  ) {
    this.opts = opts;
    this.client = client;
    this.store = store;
    this.metrics = metrics;
    this.log = log;
  }

  async poll(): Promise<void> {
    const latest = await this.client.getBlock({ blockTag: "latest" });
    this.head = { number: Number(latest.number), timestamp: latest.timestamp };
    await this.checkReorg();
    const safe = this.head.number - this.opts.confirmations + 1;
    let cursor = this.store.cursor() ?? this.opts.fromBlock - 1;
    while (cursor < safe) {
      const from = cursor + 1;
      const to = Math.min(safe, cursor + this.opts.maxBlockRange);
      const logs = await this.client.getLogs({
        address: this.opts.relay,
        event: REQUEST_SUBMITTED,
        fromBlock: BigInt(from),
        toBlock: BigInt(to),
        strict: false,
      });
      const end = await this.client.getBlock({ blockNumber: BigInt(to) });
      const { requests, malformed } = decodeSubmittedLogs(logs);
      // A reorg between getLogs and now would leave logs of blocks that are no longer canonical: check each
      // block that had logs against the chain, and read the range again next round if one differs.
      const logBlocks = new Map(requests.map((r) => [r.blockNumber, r.blockHash]));
      for (const [number, hash] of logBlocks) {
        const canonical = number === to ? end : await this.client.getBlock({ blockNumber: BigInt(number) });
        if (canonical.hash !== hash)
          throw new Error(`block ${number} changed while reading logs (reorg); retrying`);
      }
      let fresh = 0;
      this.store.tx(() => {
        for (const r of requests) {
          const result = this.store.ingestEvent({
            id: r.id,
            request: r.request,
            inputKind: r.inputKind,
            input: hexToBytes(r.input),
            eventTx: r.txHash,
            eventLogIndex: r.logIndex,
            eventBlock: r.blockNumber,
            eventBlockHash: r.blockHash,
          });
          if (result === "duplicate") this.metrics.duplicateEvents.inc();
          else fresh++;
          this.store.rememberBlock(r.blockNumber, r.blockHash, this.opts.reorgDepth);
        }
        this.store.rememberBlock(to, end.hash, this.opts.reorgDepth);
        this.store.setCursor(to);
      });
      for (const m of malformed) {
        this.log.error(
          { txHash: m.transactionHash, logIndex: m.logIndex },
          "a RequestSubmitted log does not decode; ignored",
        );
      }
      if (fresh > 0) {
        this.log.info({ from, to, requests: fresh }, "ingested requests");
        failpoint("after-received");
      }
      cursor = to;
    }
    this.lastPollAt = Date.now();
    this.metrics.lastPoll.set(this.lastPollAt / 1000);
    this.metrics.lag.set(Math.max(0, this.head.number - cursor));
  }

  /** Compares remembered block hashes with the chain, newest first, and rolls back to the common ancestor. */
  private async checkReorg(): Promise<void> {
    const recent = this.store.recentBlocks();
    if (recent.length === 0) return;
    if (await this.matches(recent[0]!)) return;
    let ancestor = recent[recent.length - 1]!.number - 1;
    for (const b of recent.slice(1)) {
      if (await this.matches(b)) {
        ancestor = b.number;
        break;
      }
    }
    const affected = this.store.tx(() => this.store.rollbackTo(ancestor));
    this.metrics.reorgs.inc();
    this.log.warn(
      {
        ancestor,
        from: recent[0]!.number,
        unanchored: affected.unanchored,
        unconfirmed: affected.unconfirmed,
      },
      "chain reorganisation: rolled back to the common ancestor",
    );
  }

  private async matches(b: { number: number; hash: string }): Promise<boolean> {
    if (b.number > this.head.number) return false;
    const block = await this.client.getBlock({ blockNumber: BigInt(b.number) });
    return block.hash === b.hash;
  }
}
