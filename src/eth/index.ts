/**
 * Ethereum integration: typed bindings of our contracts, on-chain verification through a router, the
 * Solidity verifier generator, the deployment of the verifier stack, and submitting receipts to consumer
 * contracts. Node-only where it touches files (deployment records); the rest runs anywhere viem runs.
 */
export {
  type CompiledVerifier,
  compileReceiptVerifier,
  SOLC_VERSION,
  VerifierCompileError,
} from "./compile-verifier.ts";
export * from "./contracts.ts";
export type { DeploymentRecord, DeployOptions, Groth16VerifierSpec, VerifierRecord } from "./deploy.ts";
export { DEFAULT_GROTH16_VERIFIER, deploymentPath, deployVerifierStack, readDeployment } from "./deploy.ts";
export { allContractErrorsAbi, DeploymentError } from "./errors.ts";
export { CallArgumentsError, RECEIPT_PLACEHOLDERS, receiptCallArgs } from "./receipt-call.ts";
export { type HintContext, revertHint } from "./revert-hints.ts";
export {
  type ConnectOptions,
  connectRpc,
  DEFAULT_CONFIRMATION_TIMEOUT_MS,
  DEFAULT_RPC_TIMEOUT_MS,
  RpcError,
  rpcErrorReason,
  rpcTransport,
  waitForTransaction,
} from "./rpc.ts";
export {
  RECEIPT_PUBLIC_INPUTS,
  renderGroth16VerifierSolidity,
  VerifierRenderError,
} from "./solidity-verifier.ts";
export {
  CallRevertedError,
  decodeRevert,
  type SubmitCallOptions,
  type SubmitResult,
  submitCall,
} from "./submit.ts";
export { NoContractError, type OnChainVerification, verifyOnChain } from "./verify.ts";
