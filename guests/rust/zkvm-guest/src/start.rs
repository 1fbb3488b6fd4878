//! Start code: the C SDK's own `guests/sdk/start.S` (memory map in docs/abi.md §3), so that C and Rust
//! guests start the same way: `_start` sets gp and sp, calls `main` (defined by [`crate::entry!`]) and
//! halts through `zkvm_exit` with its return value.

#[cfg(target_arch = "riscv32")]
core::arch::global_asm!(include_str!("../../../sdk/start.S"));

/// Called by `_start` with the exit code of the guest's entry point.
#[cfg(target_arch = "riscv32")]
#[unsafe(no_mangle)]
extern "C" fn zkvm_exit(code: u32) -> ! {
    crate::env::exit(code)
}
