//! sha: hashes its whole input with SHA-256 (the `sha2` crate) and commits the 32-byte digest, the same
//! journal as the C example guests/examples/sha.c.
#![no_std]
#![no_main]

use sha2::{Digest, Sha256};
use zkvm_guest::env;

zkvm_guest::entry!(main);

fn main() {
    let mut hasher = Sha256::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = env::read_bytes(&mut chunk);
        if n == 0 {
            break;
        }
        hasher.update(&chunk[..n]);
    }
    env::commit_slice(&hasher.finalize());
}
