import { ZkvmError } from "../errors.ts";
/**
 * Typed errors of the Groth16 toolchain. Each message says what was wrong and what to do about it.
 * (Groth16FormatError, for malformed proofs and keys in the verifier, lives in types.ts.)
 */

/** A circom compilation failed (syntax error, missing include, unsatisfiable template …). */
export class CircuitCompileError extends ZkvmError {
  override name = "CircuitCompileError";
}

/** An .r1cs, .zkey, .wtns or .ptau file is truncated, has the wrong magic, or is otherwise unreadable. */
export class Groth16FileError extends ZkvmError {
  override name = "Groth16FileError";
}

/** The circuit has more constraints than the powers-of-tau file (or BN254's 2-adicity) supports. */
export class CircuitTooLargeError extends ZkvmError {
  override name = "CircuitTooLargeError";
}

/** The inputs do not satisfy the circuit, so no witness (and no proof) exists for them. */
export class WitnessError extends ZkvmError {
  override name = "WitnessError";
}

/** A proving key, witness and circuit that do not belong together. */
export class KeyMismatchError extends ZkvmError {
  override name = "KeyMismatchError";
}

/** A setup or proving step of snarkjs failed for a reason not covered above. */
export class Groth16SetupError extends ZkvmError {
  override name = "Groth16SetupError";
}
