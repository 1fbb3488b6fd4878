import hre from "hardhat";

/** A fresh in-process EDR chain (Hardhat network) with viem helpers; contracts are built by test/global-setup.ts. */
export async function connectChain(override?: { chainId?: number }) {
  return override ? hre.network.connect({ network: "default", override }) : hre.network.connect();
}
