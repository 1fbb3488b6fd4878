//! Buffered host input and the journal with its running SHA-256.

use crate::global::Global;
use crate::syscall;
use sha2::{Digest, Sha256};

/// Input is fetched from the host in chunks of this size: one READ ecall per chunk instead of one per
/// value read.
const INPUT_CHUNK: usize = 1024;

struct Input {
    buf: [u8; INPUT_CHUNK],
    pos: usize,
    len: usize,
}

static INPUT: Global<Input> = Global::new(Input { buf: [0; INPUT_CHUNK], pos: 0, len: 0 });

/// Reads up to `out.len()` bytes of input (fewer only at its end); returns the count.
pub fn read_input(out: &mut [u8]) -> usize {
    INPUT.with(|input| {
        let mut done = 0;
        while done < out.len() {
            if input.pos == input.len {
                let want = out.len() - done;
                if want >= INPUT_CHUNK {
                    // Large reads go straight into the caller's buffer.
                    let n = syscall::read(&mut out[done..]);
                    if n == 0 {
                        break;
                    }
                    done += n;
                    continue;
                }
                input.len = syscall::read(&mut input.buf);
                input.pos = 0;
                if input.len == 0 {
                    break;
                }
            }
            let n = (input.len - input.pos).min(out.len() - done);
            out[done..done + n].copy_from_slice(&input.buf[input.pos..input.pos + n]);
            input.pos += n;
            done += n;
        }
        done
    })
}

static JOURNAL: Global<Option<Sha256>> = Global::new(None);

/// Appends `bytes` to the journal and to its running hash.
pub fn commit(bytes: &[u8]) {
    JOURNAL.with(|hasher| hasher.get_or_insert_with(Sha256::new).update(bytes));
    syscall::write(syscall::FD_JOURNAL, bytes);
}

/// RISC Zero's `Output` digest over (sha256(journal), assumptions = 0), which HALT takes:
/// sha256(sha256("risc0.Output") ‖ sha256(journal) ‖ 0^32 ‖ 02 00) (docs/abi.md §5).
pub fn output_digest() -> [u8; 32] {
    let journal: [u8; 32] = JOURNAL.with(|hasher| hasher.take().unwrap_or_default().finalize().into());
    let tag: [u8; 32] = Sha256::digest(b"risc0.Output").into();
    let mut out = Sha256::new();
    out.update(tag);
    out.update(journal);
    out.update([0u8; 32]);
    out.update([2u8, 0]);
    out.finalize().into()
}
