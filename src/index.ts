export * from "./errors.ts";
export * from "./hash/digest.ts";
export * from "./hash/tagged.ts";
export * from "./receipt/claim.ts";
export * from "./receipt/fake-receipt.ts";
export * from "./receipt/groth16-receipt.ts";
export * from "./receipt/risc0.ts";
export * from "./receipt/seal.ts";
