/**
 * Ethereum integration: typed bindings of our contracts, on-chain verification through a router, the
 * Solidity verifier generator and the deployment of the verifier stack. Node-only where it touches files
 * (deployment records); the rest runs anywhere viem runs.
 */
export * from "./contracts.ts";
export type { DeploymentRecord, DeployOptions, Groth16VerifierSpec, VerifierRecord } from "./deploy.ts";
export { DEFAULT_GROTH16_VERIFIER, deploymentPath, deployVerifierStack, readDeployment } from "./deploy.ts";
export { allContractErrorsAbi, DeploymentError } from "./errors.ts";
export {
  RECEIPT_PUBLIC_INPUTS,
  renderGroth16VerifierSolidity,
  VerifierRenderError,
} from "./solidity-verifier.ts";
export { type OnChainVerification, verifyOnChain } from "./verify.ts";
