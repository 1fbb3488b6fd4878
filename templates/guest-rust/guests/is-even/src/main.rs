//! The guest: reads a number and commits it only if it is even. A receipt of this program therefore
//! proves "x is even" for the x in its journal, and contracts/EvenNumber.sol accepts x only with one.
//!
//! Input: x as 32 big-endian bytes (what `abi.encode(uint256 x)` gives). Journal: the same 32 bytes, so
//! that the contract checks the journal digest sha256(abi.encode(x)).
#![no_std]
#![no_main]

use zkvm_guest::env;

zkvm_guest::entry!(main);

fn main() -> Result<(), &'static str> {
    let mut x = [0u8; 32];
    env::read_slice(&mut x);
    if x[31] & 1 == 1 {
        // Exit code 1 (the error is logged): no verifier accepts a receipt of a failed run.
        return Err("the number is odd");
    }
    env::commit_slice(&x);
    Ok(())
}
