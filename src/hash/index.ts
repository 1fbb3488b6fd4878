/** Hashes: Poseidon2 over BabyBear, Poseidon over BN254 (circomlib), RISC Zero's tagged SHA-256. */
export * from "./digest.ts";
export * from "./poseidon-bn254.ts";
export * from "./poseidon2.ts";
export * from "./tagged.ts";
