/** The relay's contracts that get typed bindings in src/relay/contracts.ts (see scripts/generate-bindings.ts). */
export const RELAY_BOUND_CONTRACTS: ReadonlyArray<{ artifact: string; prefix: string }> = [
  { artifact: "contracts/relay/ZkvmRelay.sol/ZkvmRelay.json", prefix: "zkvmRelay" },
  {
    artifact: "contracts/relay/examples/EvenNumberConsumer.sol/EvenNumberConsumer.json",
    prefix: "evenNumberConsumer",
  },
  { artifact: "contracts/relay/test/FaultyCallback.sol/FaultyCallback.json", prefix: "faultyCallback" },
];
