//! The word format of guest inputs and journals, compatible with RISC Zero's `risc0_zkvm::serde`, so
//! that values written on the host (the `serde` codecs of zkvm-kit, or RISC Zero's `ExecutorEnv::write`)
//! decode in the guest and values committed with [`crate::env::commit`] decode on the host.
//!
//! Everything is a sequence of little-endian 32-bit words (docs/rust-guests.md has the table):
//! `bool`, `u8`–`u32`, `i8`–`i32`, `char` (its code point) and `f32` (its bits) take one word; `u64`,
//! `i64`, `f64` two (low word first); `u128`, `i128` four. Strings and byte strings ([`ByteBuf`]) are
//! their byte length, then the bytes padded with zeros to a word boundary (a plain `Vec<u8>` is a
//! sequence: a word per byte). `Option` is a word 0 (`None`) or 1 followed by the value. Sequences and
//! maps are their length followed by the elements (key, value for maps). Tuples, arrays, structs and
//! newtypes are their fields in order, with no length and no names. An enum is its variant index
//! followed by the variant's fields. The format is not self-describing: the reader must know the type.
//!
//! Decoding is strict: out-of-range integers, a `bool` other than 0/1, an invalid `char`, invalid UTF-8
//! and non-zero padding are errors, so every value has exactly one encoding.

mod bytes;
mod de;
mod error;
mod ser;

pub use bytes::ByteBuf;
pub use de::{from_reader, from_slice, Deserializer, Reader};
pub use error::Error;
pub use ser::{to_bytes, Serializer};
