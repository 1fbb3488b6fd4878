import { VerificationError } from "../../src/stark/errors.ts";
import { merkleScheme, type StarkHash } from "../../src/stark/hash-config.ts";
import { verifyMmcsOpening } from "../../src/stark/pcs/mmcs-verify.ts";
import { nativeBackend } from "../../src/stark/verifier/native.ts";

/**
 * Whether the generic opening check (native instance, the configuration's Merkle scheme) accepts leaf `index`
 * of a commitment to matrices of these heights; any error other than a failed Merkle path is a bug.
 */
export function mmcsAccepts(
  hash: StarkHash,
  cap: readonly Uint32Array[],
  heights: readonly number[],
  index: number,
  rows: Uint32Array[],
  path: Uint32Array[],
  capHeight = 0,
): boolean {
  const logMax = Math.log2(Math.max(...heights));
  try {
    verifyMmcsOpening(
      nativeBackend(hash),
      merkleScheme(hash),
      cap,
      capHeight,
      heights.map(Math.log2),
      Array.from({ length: logMax }, (_, k) => (index >>> k) & 1),
      rows,
      path,
      "test",
    );
    return true;
  } catch (e) {
    if (e instanceof VerificationError && e.reason === "merkle-path") return false;
    throw e;
  }
}
