import { type Hex, parseEventLogs, toFunctionSelector } from "viem";
import { describe, expect, it } from "vitest";
import { zkvmRelayAbi } from "../../src/relay/contracts.ts";
import type { RelayService } from "../../src/relay/service.ts";
import { OnChainStatus } from "../../src/relay/types.ts";
import { deployStack, EVEN_IMAGE_ID, evenInput, relayConfig, startService, until } from "./harness.ts";

/**
 * 1,000 requests through the whole loop with faults on the way: a quarter of the callbacks revert or burn
 * their gas, a tenth of the inputs make the guest fail, the relay is stopped and restarted on the same
 * database mid-run, and the RPC goes down for a while. Afterwards: 0 lost (every request in a terminal
 * state with its reason), 0 delivered twice (read from the callback contracts), the store agrees with the
 * chain for every request, and the failures show in the metrics.
 */
const N = 1000;

describe("reliability over 1,000 requests", () => {
  it("0 lost, 0 delivered twice, every failure visible in state and metrics", {
    timeout: 300_000,
  }, async () => {
    const stack = await deployStack();
    const ok = await stack.viem.deployContract("FaultyCallback", []);
    const reverting = await stack.viem.deployContract("FaultyCallback", []);
    const burning = await stack.viem.deployContract("FaultyCallback", []);
    await reverting.write.setMode([1]);
    await burning.write.setMode([2]);
    const batcher = await stack.viem.deployContract("RequestBatcher", []);
    const selector = toFunctionSelector("handleProof(bytes32,bytes32,bytes)");
    const deadline = (await stack.publicClient.getBlock()).timestamp + 24n * 3600n;

    // Request i: odd input when i % 10 == 9 (guest fails); else callback ok / reverting / burning.
    const expected = new Map<Hex, { target: Hex; kind: "delivered" | "callback-failed" | "guest-failed" }>();
    const items = Array.from({ length: N }, (_, i) => {
      const odd = i % 10 === 9;
      const target = odd || i % 4 < 2 ? ok : i % 4 === 2 ? reverting : burning;
      return {
        input: evenInput(BigInt(2 * i + (odd ? 1 : 0))),
        callback: target.address,
        gasLimit: 120_000n,
      };
    });

    const config = relayConfig(stack, {
      submission: { batchSize: 40, bumpAfterMs: 60_000 },
      prover: { kind: "threads", proofs: "dev", workers: 2 },
    });
    const a = startService(stack, config);
    await a.service.start();
    for (let start = 0; start < N; start += 100) {
      const chunk = items.slice(start, start + 100);
      const hash = await batcher.write.requestMany([
        stack.relay.address,
        EVEN_IMAGE_ID,
        selector,
        deadline,
        chunk,
      ]);
      const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
      const events = parseEventLogs({ abi: zkvmRelayAbi, eventName: "RequestSubmitted", logs: receipt.logs });
      expect(events.length).toBe(chunk.length);
      events.forEach((e, j) => {
        const i = start + j;
        const it = items[i]!;
        const kind =
          i % 10 === 9 ? "guest-failed" : it.callback === ok.address ? "delivered" : "callback-failed";
        expected.set(e.args.requestId, { target: it.callback, kind });
      });
    }
    // Stop the relay part-way (graceful stop; kill -9 has its own test) and continue on the same database.
    await until(
      "some deliveries",
      () => (a.service.store.countByState().confirmed > 100 ? true : undefined),
      120_000,
    );
    await a.service.stop();
    const b = startService(stack, config);
    await b.service.start();
    await until(
      "more deliveries",
      () => (b.service.store.countByState().confirmed > 400 ? true : undefined),
      120_000,
    );
    b.provider.down = true;
    await new Promise((r) => setTimeout(r, 1500));
    b.provider.down = false;
    await until(
      "every request settled",
      () => {
        const c = b.service.store.countByState();
        return c.confirmed + c.failed + c.expired === N ? c : undefined;
      },
      240_000,
    );
    const services: RelayService[] = [a.service, b.service];

    // State agrees with the expectation and with the chain; nothing delivered twice.
    const tally = { delivered: 0, "callback-failed": 0, "guest-failed": 0 };
    const targets = new Map([
      [ok.address, ok],
      [reverting.address, reverting],
      [burning.address, burning],
    ]);
    for (const [id, want] of expected) {
      const r = b.service.store.getRequest(id);
      expect(r, `request ${id} lost`).toBeDefined();
      const status = await stack.relay.read.statusOf([id]);
      const deliveries = await targets.get(want.target)!.read.deliveries([id]);
      expect(deliveries).toBeLessThanOrEqual(1n);
      if (want.kind === "guest-failed") {
        expect([r!.state, r!.reasonCode]).toEqual(["failed", "guest-failed"]);
        expect(status).toBe(OnChainStatus.Pending);
      } else {
        expect([r!.state, r!.outcome]).toEqual(["confirmed", want.kind]);
        expect(status).toBe(
          want.kind === "delivered" ? OnChainStatus.Delivered : OnChainStatus.CallbackFailed,
        );
        expect(deliveries).toBe(want.kind === "delivered" ? 1n : 0n);
      }
      tally[want.kind]++;
    }
    // Metrics: the gauge from the final store, the counters summed over both runs.
    const gauge = await b.service.metrics.requests.get();
    const state = (s: string) => gauge.values.find((v) => v.labels.state === s)!.value;
    await b.service.tick();
    expect(state("failed")).toBe(tally["guest-failed"]);
    expect(state("confirmed")).toBe(tally.delivered + tally["callback-failed"]);
    let callbackFailures = 0;
    let guestFailures = 0;
    for (const svc of services) {
      callbackFailures += (await svc.metrics.callbackFailures.get()).values[0]?.value ?? 0;
      guestFailures +=
        (await svc.metrics.failures.get()).values.find((v) => v.labels.code === "guest-failed")?.value ?? 0;
    }
    expect(callbackFailures).toBe(tally["callback-failed"]);
    expect(guestFailures).toBe(tally["guest-failed"]);
    console.log(`reliability: ${JSON.stringify({ requests: N, ...tally, lost: 0, deliveredTwice: 0 })}`);
    await b.service.stop();
  });
});
