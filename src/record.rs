//! Typed access to an event's record (feature "models"): the text of `data.record` kept in the
//! [`Event`] is read with `serde_json`, then deserialized through
//! [`ValueDeserializer`], which tracks the field path and words every error without the body's
//! text, so record access fails with a coded `INVALID_EVENT` that names the path.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde_json::Value;

use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventKind};
use crate::models::{Record, MEMBER_NAMES};

/// Where the record is, at the front of every path.
const RECORD: &str = "data.record";

fn invalid_event(message: String) -> Error {
    Error::new(ErrorCode::InvalidEvent, message)
}

/// The record the core found (the last `data.record`, as `JSON.parse` takes it), as a
/// [`Value`]; of duplicate members in it the last wins, as with `JSON.parse`.
///
/// # Errors
/// `INVALID_EVENT` when serde_json cannot read it: a string or key with a lone UTF-16 surrogate
/// (`"\ud800"`, valid JSON that a Rust string cannot hold), nesting deeper than serde_json's
/// limit of 128 levels, or a number beyond f64 (`1e400`, which `JSON.parse` reads as Infinity and
/// a [`Value`] cannot hold), even in a duplicate member that a later one replaces: serde_json
/// refuses it as it reads it, before the last member can win.
pub(crate) fn record_value(record: &str) -> Result<Value, Error> {
    serde_json::from_str(record).map_err(|error| {
        // The core accepted the body as JSON, so serde_json refuses something JSON.parse reads:
        // a lone surrogate escape, nesting past its limit, or a number beyond f64 (Infinity).
        // serde_json's own message quotes the body's text, so it is only classified here, never
        // shown: the error says what and where (line and column), in its own words.
        let text = error.to_string();
        let what = if text.contains("surrogate") || text.contains("hex escape") {
            "holds a lone UTF-16 surrogate escape (\\uD800–\\uDFFF), which a Rust string cannot hold"
        } else if text.contains("recursion limit") {
            "is nested deeper than the 128 levels serde_json reads"
        } else if text.contains("number out of range") {
            BEYOND_F64
        } else {
            "cannot be read as Rust data"
        };
        invalid_event(format!(
            "{RECORD}: {what} (line {}, column {} of the record)",
            error.line(),
            error.column()
        ))
    })
}

/// What a number beyond f64 is refused with.
const BEYOND_F64: &str = "holds a number beyond f64 (JSON.parse reads it as Infinity)";

impl Event {
    /// The record of an OBJECT_CHANGE event, typed by `data.objectType` and `data.eventType`:
    /// [`Record::Contact`] for a Contact's CREATE or UPDATE …,
    /// [`Record::Deleted`] (its ids only) for any DELETE, and
    /// [`Record::Other`] (the JSON as sent) for an object type or
    /// change type this version does not know. Read on each call; nothing is cached.
    ///
    /// # Errors
    /// `INVALID_EVENT` naming the path when the record does not fit its model (e.g.
    /// `data.record.createdTime: required, found nothing`), when a string in it holds a lone
    /// UTF-16 surrogate (valid JSON that a Rust string cannot hold), when it holds a number beyond
    /// f64 (`1e400`, Infinity to `JSON.parse`; refused even in a duplicate member that a later
    /// one replaces; Vessel's `JSON.stringify` writes no such number), or when the event is not an
    /// OBJECT_CHANGE. Messages never contain text of the body.
    ///
    /// ```
    /// use vessel_webhooks::{models::Record, parse, Options};
    ///
    /// let body = br#"{"eventId":"e1","type":"OBJECT_CHANGE","data":{"objectType":"Deal","eventType":"DELETE","record":{"id":"v.deal.1","nativeId":"7","connectionId":"c1"}}}"#;
    /// let event = parse(body, &Options::default())?;
    /// match event.record()? {
    ///     Record::Deleted(deleted) => assert_eq!(deleted.native_id, "7"),
    ///     Record::Contact(contact) => println!("contact {}", contact.id),
    ///     other => println!("{other:?}"),
    /// }
    /// # Ok::<(), vessel_webhooks::Error>(())
    /// ```
    pub fn record(&self) -> Result<Record, Error> {
        let EventKind::ObjectChange {
            object_type,
            event_type,
            ..
        } = &self.kind
        else {
            return Err(not_an_object_change());
        };
        let value = self.record_value()?;
        read(&value, |deserializer| {
            Record::from_deserializer(object_type, event_type, deserializer)
        })
    }

    /// The record of an OBJECT_CHANGE event as any type `T` that serde can deserialize: one of
    /// [`models`](crate::models) (`record_as::<Contact>()`), your own struct, or
    /// [`serde_json::Value`].
    ///
    /// JSON.parse's reading applies: of duplicate members the last wins (they are resolved here,
    /// before `T` sees the record), and a number is its nearest double, however it is spelt
    /// (`1.0` or `1e3` is an integer, `9007199254740993` is 9007199254740992: what was signed).
    ///
    /// # Errors
    /// As for [`Event::record`]: `INVALID_EVENT` naming the path, e.g.
    /// `data.record.firstName: expected a string, found a number`. A message of `T`'s own code
    /// (serde's `Error::custom`, e.g. a `TryFrom` of yours) is passed on as it is: the crate's
    /// models write none with text of the body, but what yours write is theirs to keep out.
    ///
    /// ```
    /// use vessel_webhooks::{models::Contact, parse, ErrorCode, Options};
    ///
    /// let body = br#"{"eventId":"e1","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"UPDATE","record":{"id":"v.contact.1","nativeId":"23","firstName":"Tom","createdTime":"2019-08-24T14:15:22Z","modifiedTime":"2019-08-24T14:15:22Z","associations":{"accountIds":[],"dealIds":[],"leadIds":[],"noteIds":[],"taskIds":[],"eventIds":[],"eventAttendeeIds":[],"emailIds":[],"callIds":[],"ownerUserId":"v.user.1"},"crmScore":7}}}"#;
    /// let event = parse(body, &Options::default())?;
    /// let contact = event.record_as::<Contact>()?;
    /// assert_eq!(contact.first_name.as_deref(), Some("Tom"));
    /// assert_eq!(contact.extra["crmScore"], 7); // members the model does not define are kept
    ///
    /// let err = event.record_as::<vessel_webhooks::models::Deal>().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::InvalidEvent);
    /// assert_eq!(err.message(), "data.record.associations.contactIds: required, found nothing");
    /// # Ok::<(), vessel_webhooks::Error>(())
    /// ```
    pub fn record_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        if !matches!(self.kind, EventKind::ObjectChange { .. }) {
            return Err(not_an_object_change());
        }
        let value = self.record_value()?;
        read(&value, T::deserialize)
    }

    fn record_value(&self) -> Result<serde_json::Value, Error> {
        match &self.record {
            Some(record) => record_value(record),
            None => Err(Error::new(
                ErrorCode::InvalidEvent,
                "data.record: the text of this event's record was not kept",
            )),
        }
    }
}

fn not_an_object_change() -> Error {
    Error::new(
        ErrorCode::InvalidEvent,
        "data.record: only OBJECT_CHANGE events have a record",
    )
}

/// Deserializes `T` from the record: `INVALID_EVENT` naming the path, e.g.
/// `data.record.associations.dealIds[2]: expected a string, found a number`.
pub(crate) fn read<'a, T>(
    record: &'a Value,
    deserialize: impl FnOnce(ValueDeserializer<'a>) -> Result<T, PathError>,
) -> Result<T, Error> {
    deserialize(ValueDeserializer(record))
        .map_err(|error| invalid_event(format!("{RECORD}{error}")))
}

/// One step of a path.
#[derive(Debug, Clone, Copy)]
enum Segment {
    /// A member the target type names (so not text of the body).
    Field(&'static str),
    /// A member the target type does not name, e.g. a map key: shown as `*`.
    Key,
    /// An array element.
    Index(usize),
}

/// A deserialization error: the path (innermost step first) and a message that holds no text of
/// the body. Displays as `.path.to[3]: message`.
#[derive(Debug)]
pub(crate) struct PathError {
    path: Vec<Segment>,
    message: String,
}

impl PathError {
    fn new(message: String) -> Self {
        PathError {
            path: Vec::new(),
            message,
        }
    }

    fn within(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Key => f.write_str(".*")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PathError {}

/// The kind of a value, never the value, for a field that expects `expected` (its words).
fn found(unexpected: &Unexpected<'_>, expected: &str) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "a boolean",
        // Only an integer field says why a number is not one: a whole number is given to it
        // unless it is past its range (1e300).
        Unexpected::Float(x) if expected.starts_with("an integer") => {
            if x.fract() == 0.0 {
                "a whole number too large for an integer"
            } else {
                "a number with a fraction"
            }
        }
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a visitor expects, in JSON's words rather than Rust's.
fn expected(expected: &dyn Expected) -> String {
    let text = expected.to_string();
    match text.as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "an integer".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "an integer ≥ 0".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        // A derived struct, e.g. the models' `struct ContactAssociations`.
        _ => match text.strip_prefix("struct ") {
            Some(name) => format!("an object ({name})"),
            None => text,
        },
    }
}

/// `` `a` `` for one name, `` one of `a`, `b` `` for more.
fn one_of(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [name] => name.clone(),
        _ => format!("one of {}", names.join(", ")),
    }
}

impl de::Error for PathError {
    /// A message of the target type's own code (serde's are static, e.g. for untagged enums).
    fn custom<T: fmt::Display>(message: T) -> Self {
        PathError::new(message.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let expected = expected(exp);
        let found = found(&unexpected, &expected);
        PathError::new(format!("expected {expected}, found {found}"))
    }

    fn invalid_value(unexpected: Unexpected<'_>, exp: &dyn Expected) -> Self {
        let expected = expected(exp);
        let found = found(&unexpected, &expected);
        PathError::new(format!(
            "expected {expected}, found {found} that does not fit"
        ))
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        PathError::new(format!("expected {}, found {len} elements", expected(exp)))
    }

    fn unknown_variant(_variant: &str, names: &'static [&'static str]) -> Self {
        PathError::new(format!("expected {}, found another string", one_of(names)))
    }

    fn unknown_field(_field: &str, names: &'static [&'static str]) -> Self {
        PathError::new(format!(
            "a member the type does not allow (it allows {})",
            one_of(names)
        ))
    }

    fn missing_field(field: &'static str) -> Self {
        PathError::new("required, found nothing".to_owned()).within(Segment::Field(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        PathError::new("a duplicate member".to_owned()).within(Segment::Field(field))
    }
}

/// A serde `Deserializer` over a borrowed [`Value`] that tracks the path and never puts the
/// value's text in an error. Numbers are JSON.parse's doubles: `1.0` and `1e3` are integers,
/// `9007199254740993` is 9007199254740992.
pub(crate) struct ValueDeserializer<'de>(&'de Value);

/// 2⁶⁴ and 2⁶³: the doubles past the last a u64 and an i64 hold.
const U64_END: f64 = 18_446_744_073_709_551_616.0;
const I64_END: f64 = 9_223_372_036_854_775_808.0;

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                // JSON.parse's number, the nearest double, however it is spelt: a body whose
                // numbers were re-spelt to others of the same doubles verifies (its canonical
                // form is the same), so it must read the same (`12345678901234567890` is
                // 12345678901234567168, as the signed `12345678901234567000` is). A whole one
                // (`1.0`, `1e3` too) is given to integer fields as that integer.
                // None (serde_json's `arbitrary_precision`, which another crate in the build may
                // turn on, keeps `1e400` as its digits): refused as serde_json refuses it without
                // (review BR: it was read as NaN).
                let Some(x) = n.as_f64().filter(|x| x.is_finite()) else {
                    return Err(PathError::new(BEYOND_F64.to_owned()));
                };
                if x.fract() == 0.0 && (0.0..U64_END).contains(&x) {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    visitor.visit_u64(x as u64)
                } else if x.fract() == 0.0 && (-I64_END..0.0).contains(&x) {
                    #[allow(clippy::cast_possible_truncation)]
                    visitor.visit_i64(x as i64)
                } else {
                    visitor.visit_f64(x)
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut seq = Elements {
                    items: items.iter().enumerate(),
                };
                let value = visitor.visit_seq(&mut seq)?;
                match seq.items.len() {
                    0 => Ok(value),
                    _ => Err(de::Error::invalid_length(items.len(), &"fewer elements")),
                }
            }
            Value::Object(members) => self.members(members, &[], visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Object(members) => self.members(members, fields, visitor),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Object(members) if members.len() == 1 => match members.iter().next() {
                Some((name, value)) => visitor.visit_enum(Variant {
                    name,
                    value,
                    variants,
                }),
                None => Err(PathError::new("expected a variant".to_owned())),
            },
            other => Err(PathError::new(format!(
                "expected a string or an object with one member, found {}",
                kind(other)
            ))),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map identifier
    }
}

impl<'de> ValueDeserializer<'de> {
    /// Visits an object's members; a member named in `fields` is a path step by that name.
    fn members<V: Visitor<'de>>(
        self,
        members: &'de serde_json::Map<String, Value>,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        let mut map = Members {
            members: members.iter(),
            fields,
            pending: None,
        };
        let value = visitor.visit_map(&mut map)?;
        match map.members.len() {
            0 => Ok(value),
            _ => Err(de::Error::invalid_length(members.len(), &"fewer members")),
        }
    }
}

/// The path step of a member name: its static name when `names` (the fields a type asked for)
/// or the models' member names have it, else [`Segment::Key`]. Derived structs with a flattened
/// `extra`, as the models are, ask for an object without naming their fields.
fn segment(name: &str, names: &'static [&'static str]) -> Segment {
    names
        .iter()
        .find(|known| **known == name)
        .or_else(|| {
            MEMBER_NAMES
                .binary_search(&name)
                .ok()
                .and_then(|i| MEMBER_NAMES.get(i))
        })
        .map_or(Segment::Key, |known| Segment::Field(known))
}

struct Elements<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = PathError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, PathError> {
        match self.items.next() {
            Some((i, item)) => seed
                .deserialize(ValueDeserializer(item))
                .map(Some)
                .map_err(|e| e.within(Segment::Index(i))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Members<'de> {
    members: serde_json::map::Iter<'de>,
    fields: &'static [&'static str],
    pending: Option<(Segment, &'de Value)>,
}

impl<'de> MapAccess<'de> for Members<'de> {
    type Error = PathError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, PathError> {
        match self.members.next() {
            Some((name, value)) => {
                self.pending = Some((segment(name, self.fields), value));
                seed.deserialize(BorrowedStrDeserializer::new(name))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, PathError> {
        match self.pending.take() {
            Some((step, value)) => seed
                .deserialize(ValueDeserializer(value))
                .map_err(|e| e.within(step)),
            None => Err(PathError::new("a value without a member name".to_owned())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

/// An externally tagged enum variant with content: `{"Name": content}`.
struct Variant<'de> {
    name: &'de str,
    value: &'de Value,
    variants: &'static [&'static str],
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = PathError;
    type Variant = VariantContent<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, VariantContent<'de>), PathError> {
        let step = segment(self.name, self.variants);
        let variant = seed.deserialize(BorrowedStrDeserializer::new(self.name))?;
        Ok((
            variant,
            VariantContent {
                value: self.value,
                step,
            },
        ))
    }
}

struct VariantContent<'de> {
    value: &'de Value,
    step: Segment,
}

impl<'de> VariantAccess<'de> for VariantContent<'de> {
    type Error = PathError;

    fn unit_variant(self) -> Result<(), PathError> {
        match self.value {
            Value::Null => Ok(()),
            other => Err(
                PathError::new(format!("expected null, found {}", kind(other))).within(self.step),
            ),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, PathError> {
        seed.deserialize(ValueDeserializer(self.value))
            .map_err(|e| e.within(self.step))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        de::Deserializer::deserialize_seq(ValueDeserializer(self.value), visitor)
            .map_err(|e| e.within(self.step))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        de::Deserializer::deserialize_struct(ValueDeserializer(self.value), "", fields, visitor)
            .map_err(|e| e.within(self.step))
    }
}

#[cfg(test)]
mod tests {
    use super::MEMBER_NAMES;

    #[test]
    fn member_names_are_sorted_for_binary_search() {
        assert!(MEMBER_NAMES.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
