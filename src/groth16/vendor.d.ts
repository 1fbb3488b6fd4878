// Minimal type declarations for the parts of snarkjs and ffjavascript that zkvm-kit uses (neither ships types).

declare module "ffjavascript" {
  export interface ThreadManager {
    code: Uint8Array;
    pG1gen: number;
    pG2gen: number;
  }
  /** A point or field element in ffjavascript's internal layout (little-endian Montgomery). */
  type Repr = Uint8Array;
  export interface ThreadTask {
    cmd: string;
    [key: string]: unknown;
  }
  /** ffjavascript's FFT entry points: (values, inType, outType, logger?, name?). */
  type Transform = (
    buff: Uint8Array,
    inType: string,
    outType: string,
    logger?: unknown,
    name?: string,
  ) => Promise<Uint8Array>;
  export interface ScalarField {
    readonly s: number;
    readonly shift: Repr;
    readonly w: Repr[];
    e(v: number | bigint): Repr;
    random(): Repr;
    add(a: Repr, b: Repr): Repr;
    mul(a: Repr, b: Repr): Repr;
    neg(a: Repr): Repr;
    inv(a: Repr): Repr;
    fft: Transform;
    ifft: Transform;
    batchApplyKey(buff: Uint8Array, first: Repr, inc: Repr): Promise<Uint8Array>;
  }
  export interface CurveGroup {
    add(a: Repr, b: Repr): Repr;
    timesFr(a: Repr, s: Repr): Repr;
    toAffine(a: Repr): Repr;
    toObject(a: Repr): unknown[];
  }
  export interface Bn128 {
    tm: ThreadManager & { queueAction(task: ThreadTask[]): Promise<Uint8Array[]> };
    Fr: ScalarField;
    G1: CurveGroup;
    G2: CurveGroup;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Bn128>;
  /** The ChaCha20 stream RNG snarkjs seeds its beacon contributions with. */
  export class ChaCha {
    constructor(seed: number[]);
    nextU32(): number;
    nextU64(): bigint | number;
  }
}

declare module "snarkjs" {
  type Signals = Record<string, unknown>;
  interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  interface ProofJson {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export const wtns: {
    calculate(input: Signals, wasmFile: string, wtnsFile: string): Promise<void>;
    check(r1csFile: string, wtnsFile: string, logger?: Logger): Promise<boolean>;
  };
  export const groth16: {
    prove(
      zkeyFile: string,
      wtnsFile: string,
      logger?: Logger,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: ProofJson; publicSignals: string[] }>;
    fullProve(
      input: Signals,
      wasmFile: string,
      zkeyFile: string,
      logger?: Logger,
    ): Promise<{ proof: ProofJson; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: string[], proof: unknown, logger?: Logger): Promise<boolean>;
  };
  export const zKey: {
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: Logger): Promise<unknown>;
    contribute(
      zkeyOld: string,
      zkeyNew: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    beacon(
      zkeyOld: string,
      zkeyNew: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: Logger,
    ): Promise<unknown>;
    verifyFromR1cs(r1csFile: string, ptauFile: string, zkeyFile: string, logger?: Logger): Promise<boolean>;
    exportVerificationKey(zkeyFile: string, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(
      zkeyFile: string,
      templates: Record<string, string>,
      logger?: Logger,
    ): Promise<string>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, ptauFile: string, logger?: Logger): Promise<unknown>;
    contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
  };
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<unknown>;
  };
  export const r1cs: {
    info(r1csFile: string, logger?: Logger): Promise<Record<string, unknown>>;
  };
}
