//! The ecall ABI (docs/abi.md §5): syscall number in t0, arguments in a0..a2, results in a0 and a1.

pub const HALT: u32 = 0;
pub const READ: u32 = 1;
pub const WRITE: u32 = 2;
pub const CYCLE_COUNT: u32 = 3;

pub const FD_STDOUT: u32 = 1;
pub const FD_STDERR: u32 = 2;
pub const FD_JOURNAL: u32 = 3;

/// Issues an ecall and returns (a0, a1).
///
/// # Safety
/// Pointer arguments must describe guest memory that the syscall may read (WRITE, HALT) or write (READ).
#[cfg(target_arch = "riscv32")]
#[inline(always)]
pub unsafe fn ecall(n: u32, a0: u32, a1: u32, a2: u32) -> (u32, u32) {
    let (r0, r1);
    // No `nomem`: the host reads and writes guest memory through the pointers passed here.
    core::arch::asm!(
        "ecall",
        in("t0") n,
        inlateout("a0") a0 => r0,
        inlateout("a1") a1 => r1,
        in("a2") a2,
        options(nostack),
    );
    (r0, r1)
}

/// Outside the zkVM there is no host to call: the SDK's I/O only exists in guests built for
/// `riscv32im-unknown-none-elf`. This lets the crate type-check on other targets (editors, `cargo check`).
#[cfg(not(target_arch = "riscv32"))]
pub unsafe fn ecall(_n: u32, _a0: u32, _a1: u32, _a2: u32) -> (u32, u32) {
    panic!("zkvm-guest: ecalls exist only inside the zkVM; build the guest with `zkvm build` (target riscv32im-unknown-none-elf)")
}

/// Copies up to `buf.len()` bytes (at most 4096 per call) of host input into `buf`; returns the count
/// (0 at end of input; fewer than asked otherwise does not mean the end).
pub fn read(buf: &mut [u8]) -> usize {
    unsafe { ecall(READ, buf.as_mut_ptr() as u32, buf.len() as u32, 0).0 as usize }
}

/// Writes `bytes` to a host file descriptor (1 stdout, 2 stderr, 3 journal).
pub fn write(fd: u32, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    unsafe {
        ecall(WRITE, fd, bytes.as_ptr() as u32, bytes.len() as u32);
    }
}

/// Halts with `code`; `output_digest` must be the Output digest of the journal written so far.
pub fn halt(code: u32, output_digest: &[u8; 32]) -> ! {
    unsafe {
        ecall(HALT, code, output_digest.as_ptr() as u32, 0);
    }
    // HALT does not return; a host that returned anyway must not let the guest run on.
    loop {}
}

/// Cycles executed before this call.
pub fn cycle_count() -> u64 {
    let (lo, hi) = unsafe { ecall(CYCLE_COUNT, 0, 0, 0) };
    ((hi as u64) << 32) | lo as u64
}
