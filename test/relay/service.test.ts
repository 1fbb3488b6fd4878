import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployStack, relayConfig, type Stack, startService, until } from "./harness.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await deployStack();
});

describe("relay service end to end (dev mode, worker threads)", () => {
  let s: ReturnType<typeof startService>;
  afterAll(async () => s?.service.stop());

  it("a consumer's request is proven, delivered and the journal-gated state changes", async () => {
    s = startService(stack, relayConfig(stack));
    await s.service.start();
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const hash = await stack.consumer.write.requestNumber([42n, deadline], { value: 10n ** 15n });
    const receipt = await stack.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    const id = await until(
      "the request to be ingested",
      () =>
        s.service.store.requestsIn("received")[0]?.id ??
        s.service.store.requestsIn("proving")[0]?.id ??
        s.service.store.requestsIn("proved")[0]?.id ??
        s.service.store.requestsIn("submitted")[0]?.id ??
        s.service.store.requestsIn("confirmed")[0]?.id,
    );
    const row = await until("confirmation", () => {
      const r = s.service.store.getRequest(id)!;
      return r.state === "confirmed" ? r : undefined;
    });
    expect(row.outcome).toBe("delivered");
    expect(await stack.consumer.read.number()).toBe(42n);
    expect(s.service.store.transitions(id).map((t) => t.to)).toEqual([
      "received",
      "proving",
      "proved",
      "submitted",
      "confirmed",
    ]);
    // The fee went to the relay's signer.
    expect(await stack.relay.read.balanceOf([s.service.account.address])).toBe(10n ** 15n);
  });
});
