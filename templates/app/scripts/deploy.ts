/**
 * Deploys EvenNumber against the verifier router that `zkvm deploy` recorded in deployments/<chainId>.json
 * and records its address in deployments/<chainId>.app.json.
 *
 *   ZKVM_PRIVATE_KEY=0x… npx node scripts/deploy.ts [--rpc http://127.0.0.1:8545]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createWalletClient, type Hex, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { connectRpc, readDeployment, waitForTransaction } from "zkvm-kit/eth";

const { values } = parseArgs({ options: { rpc: { type: "string", default: "http://127.0.0.1:8545" } } });
const key = process.env.ZKVM_PRIVATE_KEY;
if (!key || !isHex(key) || key.length !== 66) {
  console.error("set ZKVM_PRIVATE_KEY to the deployer's 0x-prefixed private key");
  process.exit(2);
}
const { publicClient, chain, transport } = await connectRpc({ url: values.rpc, log: console.error });
const stack = readDeployment("deployments", chain.id);
if (!stack) {
  console.error(
    `no deployments/${chain.id}.json: deploy the verifiers first (zkvm deploy --rpc ${values.rpc} --mock)`,
  );
  process.exit(1);
}
const artifact = JSON.parse(readFileSync("artifacts/contracts/EvenNumber.sol/EvenNumber.json", "utf8")) as {
  abi: unknown[];
  bytecode: Hex;
};
const wallet = createWalletClient({ account: privateKeyToAccount(key), chain, transport });
const hash = await wallet.deployContract({
  abi: artifact.abi,
  bytecode: artifact.bytecode,
  args: [stack.router],
});
const receipt = await waitForTransaction(publicClient, hash, {
  what: "deploying EvenNumber",
  log: console.error,
});
mkdirSync("deployments", { recursive: true });
writeFileSync(
  `deployments/${chain.id}.app.json`,
  `${JSON.stringify({ evenNumber: receipt.contractAddress, router: stack.router }, null, 2)}\n`,
);
console.log(`EvenNumber deployed at ${receipt.contractAddress} (verifier: router ${stack.router})`);
