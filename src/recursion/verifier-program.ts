import type { Ext } from "../field/extension.ts";
import type { Air } from "../stark/air.ts";
import type { StarkConfig } from "../stark/config.ts";
import { merkleScheme } from "../stark/hash-config.ts";
import { proofLayout } from "../stark/layout.ts";
import { poseidon2Hash } from "../stark/poseidon2-hash.ts";
import type { StarkProof } from "../stark/proof.ts";
import { airStructureDigest, preprocessedTables } from "../stark/protocol.ts";
import { verifyStarkProof } from "../stark/verifier/algorithm.ts";
import { mapProof, zeroProof } from "../stark/verifier/proof-vars.ts";
import { type ProgramBuilder, type RBase, type RDigest, type RExt, RecursionBackend } from "./builder.ts";
import type { Block } from "./ir.ts";

/**
 * The STARK verifier as a recursion program: the verification algorithm (stark/verifier/algorithm.ts) run
 * on the recursion backend for one proof shape. The proof, its public values and (optionally) the verifying
 * key's preprocessed root are hints; `hintsFor` turns a concrete proof into the hint stream, in the order
 * the program reads it.
 */
export interface VerifierInstance {
  /** The inner proof's public values, as base values of the program. */
  readonly publics: readonly RBase[];
  /** The inner AIR digest the program verified against (8 base values). */
  readonly airDigest: readonly RBase[];
}

export interface VerifierHints {
  /** The inner verifying key's preprocessed root: fixed in the program, or read as a hint (for a verifier of many programs). */
  readonly preprocessedRoot: "constant" | "hint";
}

/**
 * Emits the verification of one proof of `air` (Poseidon2 configuration) with the given table heights into
 * the builder. With a constant preprocessed root, `constantRoot` supplies it.
 */
export function emitStarkVerifier(
  builder: ProgramBuilder,
  air: Air,
  config: StarkConfig,
  logHeights: readonly number[],
  options: VerifierHints & { readonly constantRoot?: Uint32Array | null },
): VerifierInstance {
  const b = new RecursionBackend(builder);
  const layout = proofLayout(air, config, logHeights);
  const publics = Array.from({ length: air.publicCount }, (): RBase => ({ addr: builder.hint(false) }));
  let preRoot: RDigest | null = null;
  if (preprocessedTables(air).length > 0) {
    if (options.preprocessedRoot === "hint") preRoot = { blocks: [builder.hint(true), builder.hint(true)] };
    else {
      const root = options.constantRoot;
      if (!root)
        throw new RangeError(`AIR "${air.name}" has preprocessed columns: give the program its root`);
      preRoot = b.digestOf(Array.from(root, (x) => b.constant(x)));
    }
  }
  const proof = mapProof<RBase, RExt, RDigest>(zeroProof(layout, poseidon2Hash.merkleArity), {
    base: () => ({ addr: builder.hint(false) }),
    ext: () => ({ addr: builder.hint(true) }),
    digest: () => ({ blocks: [builder.hint(true), builder.hint(true)] }),
    row: (r) => b.packedRow(r.length),
  });
  const out = verifyStarkProof(b, {
    air,
    config,
    layout,
    merkle: merkleScheme(poseidon2Hash),
    structureDigest: airStructureDigest(air, config, poseidon2Hash),
    publics,
    preprocessedRoot: preRoot,
    proof,
  });
  return { publics, airDigest: out.airDigest };
}

/** The hint stream `emitStarkVerifier` reads for this proof (same order). */
export function verifierHints(
  air: Air,
  proof: StarkProof,
  publics: readonly number[],
  options: VerifierHints & { readonly preprocessedRoot?: unknown; readonly root?: Uint32Array | null },
): Block[] {
  const hints: Block[] = publics.map((v) => [v, 0, 0, 0]);
  const digest = (d: Uint32Array) => {
    hints.push([d[0]!, d[1]!, d[2]!, d[3]!], [d[4]!, d[5]!, d[6]!, d[7]!]);
  };
  if (preprocessedTables(air).length > 0 && options.preprocessedRoot === "hint") {
    if (!options.root) throw new RangeError("the program reads the preprocessed root as a hint: supply it");
    digest(options.root);
  }
  mapProof(proof, {
    base: (v) => {
      hints.push([v, 0, 0, 0]);
      return null;
    },
    ext: (e: Readonly<Ext>) => {
      hints.push([e[0], e[1], e[2], e[3]]);
      return null;
    },
    digest: (d) => {
      digest(d);
      return null;
    },
    row: (r) => {
      for (let i = 0; i < r.length; i += 4) hints.push([r[i]!, r[i + 1] ?? 0, r[i + 2] ?? 0, r[i + 3] ?? 0]);
      return [];
    },
  });
  return hints;
}
