use super::Error;
use alloc::string::String;
use alloc::vec::Vec;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// A byte source for the [`Deserializer`].
pub trait Reader {
    /// Fills `buf` completely, or fails with [`Error::EndOfInput`].
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), Error>;
}

impl Reader for &[u8] {
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        if self.len() < buf.len() {
            return Err(Error::EndOfInput);
        }
        let (head, tail) = self.split_at(buf.len());
        buf.copy_from_slice(head);
        *self = tail;
        Ok(())
    }
}

/// Decodes one `T` from the front of `reader`, leaving the rest for later reads.
pub fn from_reader<T: DeserializeOwned, R: Reader>(reader: &mut R) -> Result<T, Error> {
    T::deserialize(&mut Deserializer { reader })
}

/// Decodes a `T` that must take up all of `bytes`.
pub fn from_slice<T: DeserializeOwned>(mut bytes: &[u8]) -> Result<T, Error> {
    let value = from_reader(&mut bytes)?;
    if !bytes.is_empty() {
        return Err(Error::TrailingBytes(bytes.len()));
    }
    Ok(value)
}

/// The word-format deserializer (see the module documentation of [`super`]).
pub struct Deserializer<'r, R: Reader> {
    reader: &'r mut R,
}

/// Byte strings are read in pieces of this size, so that a corrupt length cannot make the guest
/// allocate more than the input actually holds.
const BYTES_CHUNK: usize = 4096;

impl<R: Reader> Deserializer<'_, R> {
    fn word(&mut self) -> Result<u32, Error> {
        let mut buf = [0u8; 4];
        self.reader.read_exact(&mut buf)?;
        Ok(u32::from_le_bytes(buf))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        let lo = self.word()? as u64;
        Ok(lo | (self.word()? as u64) << 32)
    }

    fn u128(&mut self) -> Result<u128, Error> {
        let lo = self.u64()? as u128;
        Ok(lo | (self.u64()? as u128) << 64)
    }

    fn len(&mut self) -> Result<usize, Error> {
        Ok(self.word()? as usize)
    }

    /// A byte string: its length, then the bytes, zero-padded to a word.
    fn byte_string(&mut self) -> Result<Vec<u8>, Error> {
        let len = self.len()?;
        let mut out = Vec::new();
        while out.len() < len {
            let start = out.len();
            let n = (len - start).min(BYTES_CHUNK);
            out.resize(start + n, 0);
            self.reader.read_exact(&mut out[start..])?;
        }
        let mut pad = [0u8; 3];
        let pad = &mut pad[..(4 - len % 4) % 4];
        self.reader.read_exact(pad)?;
        if pad.iter().any(|&b| b != 0) {
            return Err(Error::NonZeroPadding);
        }
        Ok(out)
    }

    fn narrow(&mut self, max: u32, ty: &'static str) -> Result<u32, Error> {
        let value = self.word()?;
        if value > max {
            return Err(Error::IntegerOutOfRange { value, ty });
        }
        Ok(value)
    }

    fn narrow_signed(&mut self, bits: u32, ty: &'static str) -> Result<i32, Error> {
        let value = self.word()?;
        let signed = value as i32;
        let half = 1i32 << (bits - 1);
        if signed < -half || signed >= half {
            return Err(Error::IntegerOutOfRange { value, ty });
        }
        Ok(signed)
    }
}

impl<'de, R: Reader> de::Deserializer<'de> for &mut Deserializer<'_, R> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::NotSelfDescribing)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Error> {
        Err(Error::NotSelfDescribing)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.word()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            w => Err(Error::InvalidBool(w)),
        }
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u8(self.narrow(u8::MAX as u32, "u8")? as u8)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u16(self.narrow(u16::MAX as u32, "u16")? as u16)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u32(self.word()?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(self.u64()?)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u128(self.u128()?)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i8(self.narrow_signed(8, "i8")? as i8)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i16(self.narrow_signed(16, "i16")? as i16)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i32(self.word()? as i32)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i64(self.u64()? as i64)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_i128(self.u128()? as i128)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f32(f32::from_bits(self.word()?))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(f64::from_bits(self.u64()?))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let w = self.word()?;
        visitor.visit_char(char::from_u32(w).ok_or(Error::InvalidChar(w))?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let bytes = self.byte_string()?;
        visitor.visit_string(String::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_byte_buf(self.byte_string()?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.word()? {
            0 => visitor.visit_none(),
            1 => visitor.visit_some(self),
            w => Err(Error::InvalidOptionTag(w)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let len = self.len()?;
        visitor.visit_seq(Elements { de: self, remaining: len })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(Elements { de: self, remaining: len })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let len = self.len()?;
        visitor.visit_map(Elements { de: self, remaining: len })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(fields.len(), visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Only reached for enum variants (struct fields are positional): the variant index.
        visitor.visit_u32(self.word()?)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// The elements of a sequence, tuple, struct or map, `remaining` of them.
struct Elements<'a, 'r, R: Reader> {
    de: &'a mut Deserializer<'r, R>,
    remaining: usize,
}

impl<'de, R: Reader> de::SeqAccess<'de> for Elements<'_, '_, R> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.remaining)
    }
}

impl<'de, R: Reader> de::MapAccess<'de> for Elements<'_, '_, R> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.remaining)
    }
}

impl<'de, R: Reader> de::EnumAccess<'de> for &mut Deserializer<'_, R> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let index = self.word()?;
        let variant: serde::de::value::U32Deserializer<Error> = index.into_deserializer();
        let value = seed.deserialize(variant)?;
        Ok((value, self))
    }
}

impl<'de, R: Reader> de::VariantAccess<'de> for &mut Deserializer<'_, R> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self, fields.len(), visitor)
    }
}
