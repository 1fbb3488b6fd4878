//! Guest SDK of zkvm-kit for Rust programs that run in the zkVM (target `riscv32im-unknown-none-elf`).
//!
//! A guest is a `#![no_std]`, `#![no_main]` binary that names its entry point with [`entry!`]:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! use zkvm_guest::env;
//!
//! zkvm_guest::entry!(main);
//!
//! fn main() {
//!     let n: u32 = env::read();
//!     env::commit(&(n * 2));
//! }
//! ```
//!
//! The crate provides what the C SDK (`guests/sdk`) provides and what `std` would: the start code, host
//! I/O ([`env`]), the word-oriented serde format of inputs and journals ([`serde`]), a heap
//! (`alloc` works: `Vec`, `String`, `BTreeMap`, …), and a panic handler that reports the panic on stderr
//! and halts with exit code [`PANIC_EXIT_CODE`]. The ecall ABI underneath is in `docs/abi.md`; the build
//! (`zkvm build <cargo project>`) in `docs/rust-guests.md`.
#![no_std]

extern crate alloc;

pub mod env;
mod global;
mod heap;
mod io;
mod panic;
pub mod serde;
mod start;
mod syscall;

/// Exit code of a guest that panicked (as a Rust process on a host would exit).
pub const PANIC_EXIT_CODE: u32 = 101;

/// Exit code of a guest whose `main` returned `Err(_)` (the error is written to stderr first).
pub const ERROR_EXIT_CODE: u32 = 1;

/// What a guest's `main` may return: `()` (exit code 0), a `u32` exit code, or a `Result`, whose
/// `Err` is written to stderr before exiting with [`ERROR_EXIT_CODE`].
pub trait ExitCode {
    fn exit_code(self) -> u32;
}

impl ExitCode for () {
    fn exit_code(self) -> u32 {
        0
    }
}

impl ExitCode for u32 {
    fn exit_code(self) -> u32 {
        self
    }
}

impl<T: ExitCode, E: core::fmt::Debug> ExitCode for Result<T, E> {
    fn exit_code(self) -> u32 {
        match self {
            Ok(value) => value.exit_code(),
            Err(err) => {
                eprintln!("error: {err:?}");
                ERROR_EXIT_CODE
            }
        }
    }
}

/// Declares the guest's entry point: `entry!(main)` runs `main` after the start code has set up the
/// stack, then halts with the exit code of its return value (see [`ExitCode`]).
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        // The symbol the start code calls (guests/sdk/start.S).
        #[doc(hidden)]
        #[unsafe(export_name = "main")]
        extern "C" fn __zkvm_guest_main() -> u32 {
            $crate::ExitCode::exit_code($main())
        }
    };
}

/// Writes formatted text to the host's stdout (not part of the claim).
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::env::write_fmt($crate::env::Stream::Stdout, format_args!($($arg)*)) };
}

/// Writes formatted text and a newline to the host's stdout (not part of the claim).
#[macro_export]
macro_rules! println {
    () => { $crate::print!("\n") };
    ($($arg:tt)*) => { $crate::print!("{}\n", format_args!($($arg)*)) };
}

/// Writes formatted text to the host's stderr (not part of the claim).
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::env::write_fmt($crate::env::Stream::Stderr, format_args!($($arg)*)) };
}

/// Writes formatted text and a newline to the host's stderr (not part of the claim).
#[macro_export]
macro_rules! eprintln {
    () => { $crate::eprint!("\n") };
    ($($arg:tt)*) => { $crate::eprint!("{}\n", format_args!($($arg)*)) };
}
