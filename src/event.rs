//! The Vessel event envelope: what makes a JSON object an event.

use std::borrow::Cow;
use std::fmt;
#[cfg(feature = "models")]
use std::sync::Arc;

use crate::error::{Error, ErrorCode};
use crate::json::{is_text, kind, pick, unescape, Keys, Pick};

/// Defines a string enum with an `Other` variant for values Vessel may add later.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this version does not know (accepted unless `strict`).
            Other(String),
        }

        impl $name {
            /// Every known value, as Vessel spells it.
            pub const KNOWN: &'static [&'static str] = &[$($text),*];

            fn from_text(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// The value as Vessel spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(other) => other,
                }
            }
        }

        /// As the string Vessel sends.
        #[cfg(feature = "models")]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// From the string Vessel sends; an unknown one is `Other`.
        #[cfg(feature = "models")]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TextVisitor;
                impl ::serde::de::Visitor<'_> for TextVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::from_text(text))
                    }
                }
                deserializer.deserialize_str(TextVisitor)
            }
        }
    };
}
#[cfg(feature = "models")]
pub(crate) use vocabulary;

vocabulary! {
    /// `data.objectType` of an `OBJECT_CHANGE` event.
    ObjectType {
        /// A CRM user account.
        User = "User",
        /// A contact.
        Contact = "Contact",
        /// An account (company).
        Account = "Account",
        /// A deal (opportunity).
        Deal = "Deal",
        /// A lead.
        Lead = "Lead",
        /// A note.
        Note = "Note",
        /// A task.
        Task = "Task",
        /// A calendar event.
        Event = "Event",
        /// An attendee of a calendar event.
        EventAttendee = "EventAttendee",
        /// An email.
        Email = "Email",
        /// A call.
        Call = "Call",
    }
}

vocabulary! {
    /// `data.eventType` of an `OBJECT_CHANGE` event.
    ChangeType {
        /// The record was created; `record` is the whole object.
        Create = "CREATE",
        /// The record was updated; `record` is the whole object.
        Update = "UPDATE",
        /// The record was deleted; `record` holds only `id`, `nativeId` and `connectionId`.
        Delete = "DELETE",
    }
}

vocabulary! {
    /// `data.status` of a `STATUS_CHANGE` event.
    ConnectionStatus {
        /// A connection was linked.
        NewConnection = "NEW_CONNECTION",
        /// The first sync finished.
        InitialSynced = "INITIAL_SYNCED",
        /// The connection is ready.
        Ready = "READY",
    }
}

/// What happened, by the event's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// `type: "OBJECT_CHANGE"`: a CRM record was created, updated or deleted.
    ObjectChange {
        /// `data.objectType`.
        object_type: ObjectType,
        /// `data.eventType`.
        event_type: ChangeType,
        /// `data.record.id`: the Vessel id of the record.
        record_id: String,
    },
    /// `type: "STATUS_CHANGE"`: the connection's status changed.
    StatusChange {
        /// `data.status`.
        status: ConnectionStatus,
    },
    /// Another `type` (accepted unless `strict`), so a handler can still answer 2xx.
    Other {
        /// The `type` as sent.
        type_name: String,
    },
}

/// A checked Vessel event envelope.
///
/// With the `models` feature (on by default), an `OBJECT_CHANGE` event also keeps the body, so
/// that `Event::record` and `Event::record_as` can read `data.record` when asked; nothing is
/// deserialized before that. Two events are equal when their `eventId` and kind are, with or
/// without the feature: the record is not compared (compare what `Event::record` gives).
#[derive(Clone)]
pub struct Event {
    /// `eventId`: unique per event and the same on every retry, so use it to de-duplicate. A
    /// lone UTF-16 surrogate escape in it (`\ud800`, valid JSON that a Rust string cannot hold)
    /// reads as U+FFFD, so eventIds that differ only there read the same: Vessel's are ASCII,
    /// but a de-duplicating store that must tell any two apart keys by the body's text.
    pub event_id: String,
    /// The event's type and its data.
    pub kind: EventKind,
    /// The text of an OBJECT_CHANGE event's record (feature `models`), for record access
    /// (src/record.rs). Without the feature it is `()`, which nothing reads.
    #[cfg_attr(not(feature = "models"), allow(dead_code))]
    pub(crate) record: KeptRecord,
}

/// What an [`Event`] keeps of its body: its record's text with the `models` feature, nothing
/// without (the wasm build, where it would only cost code and a copy).
#[cfg(feature = "models")]
type KeptRecord = Option<Arc<str>>;
#[cfg(not(feature = "models"))]
type KeptRecord = ();

/// The `eventId` and kind, as [`fmt::Debug`] shows them: the kept record, which only the `models`
/// feature keeps, and with its spacing as sent, would make equality depend on both.
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.event_id == other.event_id && self.kind == other.kind
    }
}

impl Eq for Event {}

/// Leaves the record's text out: it can be megabytes, and it is the sender's data.
impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("event_id", &self.event_id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// What an event keeps of its body (already checked to be UTF-8 JSON) with the `models` feature,
/// for record access: the text of an OBJECT_CHANGE event's record, the last `data.record` as
/// `JSON.parse` takes it. Only that is read again (review BR: the whole body was, and an earlier
/// duplicate of the record or a key outside it that serde_json cannot read failed an authentic
/// event's record).
#[cfg(feature = "models")]
fn kept_record(kind: &EventKind, found: &Found<'_>) -> KeptRecord {
    match kind {
        EventKind::ObjectChange { .. } => found
            .get(RECORD)
            .copied()
            .flatten()
            .and_then(|record| std::str::from_utf8(record).ok())
            .map(Arc::from),
        _ => None,
    }
}

#[cfg(not(feature = "models"))]
fn kept_record(_: &EventKind, _: &Found<'_>) -> KeptRecord {}

fn invalid(path: &str, expected: &str, found: Option<&[u8]>) -> Error {
    Error::new(
        ErrorCode::InvalidEvent,
        format!("{path}: expected {expected}, found {}", kind(found)),
    )
}

/// The text between the quotes of the string at `slot`, as written (checked JSON).
#[inline]
fn string_at<'a>(found: &Found<'a>, slot: usize, path: &str) -> Result<&'a [u8], Error> {
    let value = found.get(slot).copied().flatten();
    match value {
        Some([b'"', text @ .., b'"']) => Ok(text),
        _ => Err(invalid(path, "a string", value)),
    }
}

fn object_at(found: &Found<'_>, slot: usize, path: &str) -> Result<(), Error> {
    let value = found.get(slot).copied().flatten();
    match value {
        Some([b'{', ..]) => Ok(()),
        _ => Err(invalid(path, "an object", value)),
    }
}

/// Whether the written text of a string (checked JSON) reads as `text`.
fn reads_as(written: &[u8], text: &str) -> bool {
    written == text.as_bytes() || (written.contains(&b'\\') && is_text(written, true, text))
}

/// The decoded text of a string.
fn text(written: &[u8]) -> Result<String, Error> {
    unescape(written).map(Cow::into_owned)
}

#[inline]
fn strict_check(strict: bool, path: &str, value: &[u8], known: &[&str]) -> Result<(), Error> {
    if strict && !known.iter().any(|k| reads_as(value, k)) {
        let mut message = format!("{path}: not a known value (strict mode); expected one of ");
        for (i, value) in known.iter().enumerate() {
            message.push_str(if i == 0 { "" } else { ", " });
            message.push_str(value);
        }
        return Err(Error::new(ErrorCode::InvalidEvent, message));
    }
    Ok(())
}

// The slots of what [`check_envelope`] reads.
const EVENT_ID: usize = 0;
const TYPE: usize = 1;
const DATA: usize = 2;
const OBJECT_TYPE: usize = 3;
const EVENT_TYPE: usize = 4;
const RECORD: usize = 5;
const RECORD_ID: usize = 6;
const STATUS: usize = 7;

/// The values of the members [`check_envelope`] reads, by slot, as [`read`] finds them.
pub(crate) type Found<'a> = [Option<&'a [u8]>; 8];

/// What [`check_envelope`] reads of an event: members of the event, of `data` and of
/// `data.record`.
const READ: &[Pick] = &[
    Pick {
        name: "eventId",
        slot: EVENT_ID,
        inner: &[],
    },
    Pick {
        name: "type",
        slot: TYPE,
        inner: &[],
    },
    Pick {
        name: "data",
        slot: DATA,
        inner: &[
            Pick {
                name: "objectType",
                slot: OBJECT_TYPE,
                inner: &[],
            },
            Pick {
                name: "eventType",
                slot: EVENT_TYPE,
                inner: &[],
            },
            Pick {
                name: "record",
                slot: RECORD,
                inner: &[Pick {
                    name: "id",
                    slot: RECORD_ID,
                    inner: &[],
                }],
            },
            Pick {
                name: "status",
                slot: STATUS,
                inner: &[],
            },
        ],
    },
];

/// Checks that `body` is one strict JSON object (INVALID_JSON) and finds the members that
/// [`check_envelope`] reads, building nothing; and what its keys hold.
pub(crate) fn read(body: &[u8]) -> Result<(Found<'_>, Keys), Error> {
    let mut found = [None; 8];
    let keys = pick(body, READ, &mut found)?;
    Ok((found, keys))
}

/// [`read`], then [`check_envelope`]: what the keys of a body that is a Vessel event hold.
pub(crate) fn read_checked(body: &[u8], strict: bool) -> Result<Keys, Error> {
    let (found, keys) = read(body)?;
    check_envelope(&found, strict)?;
    Ok(keys)
}

/// The fields of an event that [`check_envelope`] checked, as written in the body (between
/// the quotes).
pub(crate) struct Envelope<'a> {
    event_id: &'a [u8],
    kind: Kind<'a>,
}

enum Kind<'a> {
    ObjectChange {
        object_type: &'a [u8],
        event_type: &'a [u8],
        record_id: &'a [u8],
    },
    StatusChange {
        status: &'a [u8],
    },
    Other {
        type_name: &'a [u8],
    },
}

/// Checks that the members [`read`] found make a Vessel event (INVALID_EVENT naming the
/// failing path), copying and decoding nothing that has no escapes.
pub(crate) fn check_envelope<'a>(found: &Found<'a>, strict: bool) -> Result<Envelope<'a>, Error> {
    let event_id = string_at(found, EVENT_ID, "eventId")?;
    if event_id.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidEvent,
            "eventId: expected a non-empty string",
        ));
    }
    let type_name = string_at(found, TYPE, "type")?;
    object_at(found, DATA, "data")?;
    let kind = if reads_as(type_name, "OBJECT_CHANGE") {
        let object_type = string_at(found, OBJECT_TYPE, "data.objectType")?;
        let event_type = string_at(found, EVENT_TYPE, "data.eventType")?;
        object_at(found, RECORD, "data.record")?;
        let record_id = string_at(found, RECORD_ID, "data.record.id")?;
        strict_check(strict, "data.objectType", object_type, ObjectType::KNOWN)?;
        strict_check(strict, "data.eventType", event_type, ChangeType::KNOWN)?;
        Kind::ObjectChange {
            object_type,
            event_type,
            record_id,
        }
    } else if reads_as(type_name, "STATUS_CHANGE") {
        let status = string_at(found, STATUS, "data.status")?;
        strict_check(strict, "data.status", status, ConnectionStatus::KNOWN)?;
        Kind::StatusChange { status }
    } else {
        strict_check(
            strict,
            "type",
            type_name,
            &["OBJECT_CHANGE", "STATUS_CHANGE"],
        )?;
        Kind::Other { type_name }
    };
    Ok(Envelope { event_id, kind })
}

/// [`check_envelope`], then the [`Event`] with its text decoded.
pub(crate) fn check(found: &Found<'_>, strict: bool) -> Result<Event, Error> {
    let Envelope { event_id, kind } = check_envelope(found, strict)?;
    let kind = match kind {
        Kind::ObjectChange {
            object_type,
            event_type,
            record_id,
        } => EventKind::ObjectChange {
            object_type: ObjectType::from_text(&text(object_type)?),
            event_type: ChangeType::from_text(&text(event_type)?),
            record_id: text(record_id)?,
        },
        Kind::StatusChange { status } => EventKind::StatusChange {
            status: ConnectionStatus::from_text(&text(status)?),
        },
        Kind::Other { type_name } => EventKind::Other {
            type_name: text(type_name)?,
        },
    };
    Ok(Event {
        event_id: text(event_id)?,
        record: kept_record(&kind, found),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str, strict: bool) -> Result<Event, String> {
        let (found, _) = read(json.as_bytes()).map_err(|e| e.to_string())?;
        check(&found, strict).map_err(|e| e.to_string())
    }

    #[test]
    fn equal_events_are_their_id_and_kind_whatever_the_body_spacing() {
        let compact = r#"{"eventId":"e1","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"CREATE","record":{"id":"v.c.1"}}}"#;
        let spaced = compact.replace(r#""record":"#, r#""record": "#);
        assert_eq!(event(compact, true), event(&spaced, true));
        let other = compact.replace("e1", "e2");
        assert_ne!(event(compact, true), event(&other, true));
    }

    #[test]
    fn object_change() {
        let e = event(
            r#"{"eventId":"e1","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"DELETE","record":{"id":"v.c.1","nativeId":"1","connectionId":"c"}}}"#,
            true,
        )
        .expect("valid");
        assert_eq!(e.event_id, "e1");
        assert_eq!(
            e.kind,
            EventKind::ObjectChange {
                object_type: ObjectType::Contact,
                event_type: ChangeType::Delete,
                record_id: "v.c.1".into()
            }
        );
    }

    #[test]
    fn escaped_values_are_decoded() {
        let e = event(
            r#"{"eventId":"a\"b","type":"STATUS\u005fCHANGE","data":{"status":"READY"}}"#,
            true,
        )
        .expect("valid");
        assert_eq!(e.event_id, "a\"b");
        assert_eq!(
            e.kind,
            EventKind::StatusChange {
                status: ConnectionStatus::Ready
            }
        );
    }

    #[test]
    fn paths_in_messages() {
        let cases = [
            (
                r#"{"type":"X","data":{}}"#,
                "eventId: expected a string, found nothing",
            ),
            (
                r#"{"eventId":"","type":"X","data":{}}"#,
                "eventId: expected a non-empty string",
            ),
            (
                r#"{"eventId":"e","type":1,"data":{}}"#,
                "type: expected a string, found a number",
            ),
            (
                r#"{"eventId":"e","type":"X","data":[]}"#,
                "data: expected an object, found an array",
            ),
            (
                r#"{"eventId":"e","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"CREATE","record":{"id":7}}}"#,
                "data.record.id: expected a string, found a number",
            ),
            (
                r#"{"eventId":"e","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"CREATE"}}"#,
                "data.record: expected an object, found nothing",
            ),
            (
                r#"{"eventId":"e","type":"STATUS_CHANGE","data":{"status":null}}"#,
                "data.status: expected a string, found null",
            ),
        ];
        for (json, message) in cases {
            let err = event(json, false).expect_err(json);
            assert_eq!(err, format!("INVALID_EVENT: {message}"), "{json}");
        }
    }

    #[test]
    fn unknown_values_pass_unless_strict() {
        for json in [
            r#"{"eventId":"e","type":"NEW_KIND","data":{}}"#,
            r#"{"eventId":"e","type":"OBJECT_CHANGE","data":{"objectType":"Invoice","eventType":"CREATE","record":{"id":"i"}}}"#,
            r#"{"eventId":"e","type":"OBJECT_CHANGE","data":{"objectType":"Deal","eventType":"MERGE","record":{"id":"i"}}}"#,
            r#"{"eventId":"e","type":"STATUS_CHANGE","data":{"status":"PAUSED"}}"#,
        ] {
            assert!(event(json, false).is_ok(), "{json}");
            let err = event(json, true).expect_err(json);
            assert!(err.contains("(strict mode)"), "{err}");
        }
    }

    #[test]
    fn last_duplicate_wins_like_json_parse() {
        let e = event(
            r#"{"eventId":1,"eventId":"second","type":"X","data":{}}"#,
            false,
        )
        .expect("valid");
        assert_eq!(e.event_id, "second");
    }
}
