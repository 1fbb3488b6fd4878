/**
 * Building guests (Node only): C guests with clang and the C SDK, Rust guests with Debian's offline Rust
 * toolchain and the `zkvm-guest` crate, projects (zkvm.json) with their generated ImageID.sol.
 */
export { buildCGuest, C_DEBIAN_PACKAGES, type CBuildOptions, findCToolchain } from "./c.ts";
export { GuestBuildError, ProjectConfigError, ToolchainMissingError } from "./errors.ts";
export { type ImageIdEntry, imageIdConstantName, renderImageIdSol } from "./image-id-sol.ts";
export {
  type BuildProjectOptions,
  type BuiltGuest,
  buildProject,
  type CGuestSpec,
  type GuestSpec,
  PROJECT_MANIFEST,
  type ProjectManifest,
  type RustGuestSpec,
  readProject,
} from "./project.ts";
export {
  buildRustGuest,
  findRustToolchain,
  RUST_DEBIAN_PACKAGES,
  RUST_GUEST_TARGET,
  type RustBuildOptions,
  type RustBuildResult,
  type RustToolchain,
} from "./rust.ts";
