//! balances: replays an account's ledger and commits the resulting balance for the ProvenBalances
//! contract (contracts/examples/ProvenBalances.sol).
//!
//! Input (word format, `env::read`): a [`Ledger`]. Journal: `abi.encode(BalanceReport{account, balance,
//! sequence})`, three 32-byte words. A debit larger than the balance ends the guest with exit code 1
//! (an error returned from `main`), so no receipt of a successful run exists for an overdrawn ledger.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use serde::Deserialize;
use zkvm_guest::env;

zkvm_guest::entry!(main);

#[derive(Deserialize)]
enum Entry {
    Credit(u64),
    Debit(u64),
}

#[derive(Deserialize)]
struct Ledger {
    /// The account's 20-byte Ethereum address.
    account: [u8; 20],
    /// Must grow with every report of the account (the contract refuses stale ones).
    sequence: u64,
    entries: Vec<Entry>,
}

#[derive(Debug)]
#[allow(dead_code)] // Read through Debug when main returns it.
struct Overdraft {
    entry: usize,
    balance: u128,
    debit: u64,
}

fn main() -> Result<(), Overdraft> {
    let ledger: Ledger = env::read();
    let mut balance: u128 = 0;
    for (i, entry) in ledger.entries.iter().enumerate() {
        match *entry {
            Entry::Credit(amount) => balance += amount as u128,
            Entry::Debit(amount) if amount as u128 <= balance => balance -= amount as u128,
            Entry::Debit(debit) => return Err(Overdraft { entry: i, balance, debit }),
        }
    }
    // abi.encode(address, uint256, uint64): each value right-aligned in a 32-byte big-endian word.
    let mut journal = [0u8; 96];
    journal[12..32].copy_from_slice(&ledger.account);
    journal[48..64].copy_from_slice(&balance.to_be_bytes());
    journal[88..96].copy_from_slice(&ledger.sequence.to_be_bytes());
    env::commit_slice(&journal);
    Ok(())
}
