/**
 * Proves that x is even with the guest and submits the receipt to the deployed EvenNumber (simulated first;
 * a revert is decoded and explained).
 *
 *   ZKVM_DEV_MODE=1 ZKVM_PRIVATE_KEY=0x… npx node scripts/prove-and-submit.ts 42 [--rpc http://127.0.0.1:8545]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  type Abi,
  createWalletClient,
  encodeAbiParameters,
  getAddress,
  hexToBytes,
  isHex,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { receiptSeal } from "zkvm-kit";
import { CallRevertedError, connectRpc, submitCall } from "zkvm-kit/eth";
import { prove } from "zkvm-kit/zkvm";

const { values, positionals } = parseArgs({
  options: { rpc: { type: "string", default: "http://127.0.0.1:8545" } },
  allowPositionals: true,
});
const key = process.env.ZKVM_PRIVATE_KEY;
if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]!) || !key || !isHex(key) || key.length !== 66) {
  console.error("usage: ZKVM_PRIVATE_KEY=0x… npx node scripts/prove-and-submit.ts <x> [--rpc <url>]");
  process.exit(2);
}
const x = BigInt(positionals[0]!);

// Dev mode (ZKVM_DEV_MODE=1) makes a fake receipt, whose seal only the mock verifier accepts.
const elf = new Uint8Array(readFileSync("build/is-even.elf"));
const input = hexToBytes(encodeAbiParameters([{ type: "uint256" }], [x]));
const { receipt, session } = prove(elf, { input, warn: (m) => console.error(m) });
if (session.exitCode !== 0) {
  console.error(`the guest rejected ${x} (exit code ${session.exitCode}): there is no receipt to submit`);
  process.exit(1);
}

const { publicClient, chain, transport } = await connectRpc({ url: values.rpc, log: console.error });
const app = JSON.parse(readFileSync(`deployments/${chain.id}.app.json`, "utf8")) as { evenNumber: string };
const { abi } = JSON.parse(readFileSync("artifacts/contracts/EvenNumber.sol/EvenNumber.json", "utf8")) as {
  abi: Abi;
};
const walletClient = createWalletClient({ account: privateKeyToAccount(key), chain, transport });
const address = getAddress(app.evenNumber);
try {
  const result = await submitCall({
    publicClient,
    walletClient,
    address,
    abi,
    functionName: "set",
    args: [x, toHex(receiptSeal(receipt))],
    log: console.error,
  });
  console.log(`transaction ${result.hash}: gas used ${result.gasUsed}`);
} catch (err) {
  if (err instanceof CallRevertedError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const number = await publicClient.readContract({ address, abi, functionName: "number" });
console.log(`EvenNumber.number = ${number}`);
