use alloc::string::{String, ToString};
use core::fmt;

/// Why a value could not be encoded or decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input ended before the value did.
    EndOfInput,
    /// Bytes were left over after the value (only [`super::from_slice`] checks this).
    TrailingBytes(usize),
    /// A `bool` word other than 0 or 1.
    InvalidBool(u32),
    /// An `Option` tag other than 0 or 1.
    InvalidOptionTag(u32),
    /// A `char` word that is not a Unicode scalar value.
    InvalidChar(u32),
    /// A word too large for the integer type read (e.g. 256 for a `u8`).
    IntegerOutOfRange { value: u32, ty: &'static str },
    /// A string that is not UTF-8.
    InvalidUtf8,
    /// Padding after a string or byte string that is not zero.
    NonZeroPadding,
    /// The type asked for a self-describing format (`deserialize_any`, e.g. untagged enums).
    NotSelfDescribing,
    /// A sequence or map serialized without a known length.
    UnknownLength,
    /// A length that does not fit in a 32-bit word.
    LengthTooLarge(usize),
    /// An error raised by a `Serialize`/`Deserialize` implementation.
    Custom(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EndOfInput => f.write_str("the input ended before the value was complete"),
            Error::TrailingBytes(n) => write!(f, "{n} bytes left over after the value"),
            Error::InvalidBool(w) => write!(f, "bool word must be 0 or 1, got {w}"),
            Error::InvalidOptionTag(w) => write!(f, "Option tag must be 0 (None) or 1 (Some), got {w}"),
            Error::InvalidChar(w) => write!(f, "{w:#x} is not a Unicode scalar value"),
            Error::IntegerOutOfRange { value, ty } => write!(f, "word {value:#x} is out of range for {ty}"),
            Error::InvalidUtf8 => f.write_str("string is not valid UTF-8"),
            Error::NonZeroPadding => f.write_str("padding after a string or byte string must be zero"),
            Error::NotSelfDescribing => {
                f.write_str("the word format is not self-describing: deserialize_any (untagged enums, flatten) is unsupported")
            }
            Error::UnknownLength => f.write_str("sequences and maps must have a known length"),
            Error::LengthTooLarge(n) => write!(f, "length {n} does not fit in a 32-bit word"),
            Error::Custom(m) => f.write_str(m),
        }
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Custom(msg.to_string())
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Custom(msg.to_string())
    }
}

// serde's error traits require `std::error::Error` where std exists; `core::error::Error` is its home
// in no_std (stable since Rust 1.81), and serde 1.0.152 asks for it only under its `std` feature.
impl core::error::Error for Error {}
