import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// Compile with the solc-js build shipped in the `solc` npm package so no compiler is downloaded.
export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 1_000_000 }, viaIR: true, evmVersion: "cancun" },
  },
  paths: { sources: "./contracts", tests: { nodejs: "./test/contracts" } },
});
