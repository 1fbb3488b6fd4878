//! even-number: the guest of the on-chain example (EvenNumber.set(x, seal)), with the same input, journal
//! and exit codes as guests/examples/even-number.c. Input: exactly 32 bytes, the big-endian uint256 x. If
//! x is even, the journal is those 32 bytes, i.e. abi.encode(x). Exit code 1 if x is odd, 2 if the input
//! is not 32 bytes.
#![no_std]
#![no_main]

use zkvm_guest::env;

zkvm_guest::entry!(main);

fn main() -> u32 {
    let mut x = [0u8; 32];
    let mut extra = [0u8; 1];
    if env::read_bytes(&mut x) != x.len() || env::read_bytes(&mut extra) != 0 {
        env::log("even-number: input must be exactly 32 bytes (a big-endian uint256)");
        return 2;
    }
    if x[31] & 1 == 1 {
        env::log("even-number: x is odd");
        return 1;
    }
    env::commit_slice(&x);
    0
}
