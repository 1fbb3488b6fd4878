export * from "./hash/digest.ts";
export * from "./hash/tagged.ts";
export * from "./receipt/claim.ts";
