//! The guest's environment: input from the host, the journal (the public output bound by the receipt's
//! claim), logs, the cycle counter and halting.
//!
//! Input is one byte stream. [`read`] decodes a value in the word format of [`crate::serde`] (the format
//! `InputWriter` writes on the host, and RISC Zero's `env::write` writes); [`read_slice`],
//! [`read_bytes`] and [`read_to_end`] take raw bytes from the same stream.

use crate::{io, serde as codec, syscall};
use alloc::vec::Vec;
use serde::{de::DeserializeOwned, Serialize};

/// Decodes the next value of type `T` from the input; panics (exit code 101) if the input ends early
/// or does not encode a `T`. Use [`try_read`] to handle that yourself.
#[track_caller]
pub fn read<T: DeserializeOwned>() -> T {
    match try_read() {
        Ok(value) => value,
        Err(err) => panic!("env::read::<{}>: {}", core::any::type_name::<T>(), err),
    }
}

/// Decodes the next value of type `T` from the input.
pub fn try_read<T: DeserializeOwned>() -> Result<T, codec::Error> {
    codec::from_reader(&mut InputReader)
}

/// Fills `buf` with the next `buf.len()` input bytes; panics (exit code 101) if the input ends first.
#[track_caller]
pub fn read_slice(buf: &mut [u8]) {
    let n = io::read_input(buf);
    if n != buf.len() {
        panic!("env::read_slice: wanted {} bytes of input, only {} remain", buf.len(), n);
    }
}

/// Reads up to `buf.len()` input bytes; returns how many were read (fewer only at the end of input, 0
/// once it is exhausted).
pub fn read_bytes(buf: &mut [u8]) -> usize {
    io::read_input(buf)
}

/// Reads the rest of the input.
pub fn read_to_end() -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = io::read_input(&mut chunk);
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// Appends `value`, encoded in the word format of [`crate::serde`], to the journal.
#[track_caller]
pub fn commit<T: Serialize + ?Sized>(value: &T) {
    match codec::to_bytes(value) {
        Ok(bytes) => io::commit(&bytes),
        Err(err) => panic!("env::commit::<{}>: {}", core::any::type_name::<T>(), err),
    }
}

/// Appends raw bytes to the journal (e.g. `abi.encode(...)` for a contract to decode).
pub fn commit_slice(bytes: &[u8]) {
    io::commit(bytes)
}

/// Writes `message` and a newline to the host's stderr. Not part of the claim.
pub fn log(message: &str) {
    syscall::write(syscall::FD_STDERR, message.as_bytes());
    syscall::write(syscall::FD_STDERR, b"\n");
}

/// Cycles executed so far.
pub fn cycle_count() -> u64 {
    syscall::cycle_count()
}

/// Halts with `code`. Exit code 0 is success; a receipt's claim records any other code, and verifiers
/// accept only 0.
pub fn exit(code: u32) -> ! {
    let digest = io::output_digest();
    syscall::halt(code, &digest)
}

/// The host's output streams (not part of the claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl core::fmt::Write for Stream {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let fd = match self {
            Stream::Stdout => syscall::FD_STDOUT,
            Stream::Stderr => syscall::FD_STDERR,
        };
        syscall::write(fd, s.as_bytes());
        Ok(())
    }
}

#[doc(hidden)]
pub fn write_fmt(mut stream: Stream, args: core::fmt::Arguments) {
    let _ = core::fmt::Write::write_fmt(&mut stream, args);
}

/// The input stream as a word source for the deserializer.
struct InputReader;

impl codec::Reader for InputReader {
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), codec::Error> {
        if io::read_input(buf) == buf.len() {
            Ok(())
        } else {
            Err(codec::Error::EndOfInput)
        }
    }
}
