/**
 * The relay part of `npm run demo`: the whole loop on an in-process chain. Deploys the verifier stack
 * (router, emergency stops, RISC Zero's Groth16 verifier and the dev-mode mock), the relay and the example
 * consumer; the consumer asks for a proof that 42 is even; the relay service (worker-thread prover, SQLite
 * state) proves it — in dev mode, with a mock seal, until our Groth16 path exists — and delivers it; the
 * journal-gated state change is read back from the consumer.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createWalletClient, custom, type PublicClient, parseEventLogs } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deployVerifierStack } from "../src/eth/deploy.ts";
import { parseRelayConfig } from "../src/relay/config.ts";
import { evenNumberConsumerAbi, zkvmRelayAbi } from "../src/relay/contracts.ts";
import { deployEvenNumberConsumer, deployRelay } from "../src/relay/deploy.ts";
import { imageIdOf } from "../src/relay/images.ts";
import { RelayService } from "../src/relay/service.ts";

export async function relayDemo(): Promise<void> {
  console.log(
    "\n== relay: a contract requests a proof, the relay proves and delivers it (in-process chain) ==",
  );
  const hre = (await import("hardhat")).default;
  const { viem, provider } = await hre.network.connect();
  const [deployer, user] = await viem.getWalletClients();
  const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
  const dir = mkdtempSync(join(tmpdir(), "zkvm-demo-relay-"));
  try {
    const stack = await deployVerifierStack({
      publicClient,
      walletClient: deployer! as never,
      mock: true,
      deploymentsDir: dir,
    });
    console.log(
      `  router        ${stack.router} (${stack.verifiers.map((v) => `${v.kind} ${v.selector}`).join(", ")})`,
    );
    const elfPath = join(import.meta.dirname, "..", "guests", "examples", "even-number.elf");
    const imageId = imageIdOf(new Uint8Array(readFileSync(elfPath)));
    const clients = { publicClient, walletClient: deployer! as never };
    const relay = await deployRelay({ ...clients, verifier: stack.router });
    const consumer = await deployEvenNumberConsumer({ ...clients, relay, imageId });
    console.log(`  relay         ${relay}`);
    console.log(
      `  consumer      ${consumer} (EvenNumberConsumer, pinned to ImageID ${imageId.slice(0, 18)}…)`,
    );

    // The relay's own signer, funded by the deployer.
    const key = generatePrivateKey();
    const signer = privateKeyToAccount(key).address;
    await publicClient.waitForTransactionReceipt({
      hash: await deployer!.sendTransaction({ to: signer, value: 10n ** 19n }),
    });
    const config = parseRelayConfig({
      chain: { rpcUrl: "in-process", confirmations: 1, pollIntervalMs: 50, fromBlock: 0 },
      relay,
      signer: { privateKeyEnv: "DEMO_RELAY_KEY" },
      prover: { kind: "threads", proofs: "dev", workers: 1 },
      images: [elfPath],
      database: join(dir, "relay.db"),
      dataDir: dir,
      log: { level: "silent" },
    });
    const service = new RelayService(config, {
      env: { DEMO_RELAY_KEY: key },
      transport: custom(provider),
      logger: pino({ level: "silent" }),
    });
    await service.start();

    const read = () =>
      publicClient.readContract({ address: consumer, abi: evenNumberConsumerAbi, functionName: "number" });
    console.log(`  consumer.number before: ${await read()}`);
    const deadline = (await publicClient.getBlock()).timestamp + 3600n;
    const wallet = createWalletClient({
      account: user!.account,
      chain: user!.chain,
      transport: custom(provider),
    });
    const hash = await wallet.writeContract({
      address: consumer,
      abi: evenNumberConsumerAbi,
      functionName: "requestNumber",
      args: [42n, deadline],
      value: 10n ** 15n,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [event] = parseEventLogs({ abi: zkvmRelayAbi, eventName: "RequestSubmitted", logs: receipt.logs });
    const id = event!.args.requestId;
    console.log(`  requestNumber(42) → request ${id.slice(0, 18)}… (fee 0.001 ETH in escrow)`);
    const started = Date.now();
    let row = service.store.getRequest(id);
    while (row?.state !== "confirmed" && row?.state !== "failed" && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 50));
      row = service.store.getRequest(id);
    }
    for (const t of service.store.transitions(id)) {
      console.log(
        `    ${String(t.to).padEnd(10)} +${String(t.at - started).padStart(5)} ms${t.reason ? `  ${t.reason}` : ""}`,
      );
    }
    console.log(`  outcome       ${row?.outcome ?? row?.reason} in transaction ${row?.fulfilTx}`);
    console.log(`  consumer.number after: ${await read()}  (set only by the relay's verified callback)`);
    const health = await service.health();
    console.log(`  health        ${health.status}; ${health.problems.join("; ")}`);
    await service.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
