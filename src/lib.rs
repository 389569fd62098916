// The README is the crate's documentation, and its examples are doctests, with the default
// features (docs.rs builds those); its second example reads a record with the models.
#![cfg_attr(feature = "models", doc = include_str!("../README.md"))]
#![cfg_attr(
    not(feature = "models"),
    doc = "Authenticate and type Vessel webhook events: the README, with the default features."
)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// No panic paths on input: every failure is a coded error and the wasm instance keeps working.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable,
    clippy::todo
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod error;
mod event;
mod json;
#[cfg(feature = "models")]
pub mod models;
mod number;
#[cfg(feature = "models")]
mod record;
#[cfg(any(test, target_arch = "wasm32"))]
mod sha256;
mod signature;
mod utf8;
#[cfg(all(target_arch = "wasm32", feature = "js-binding"))]
mod wasm;

use std::time::{Duration, SystemTime};

pub use error::{Error, ErrorCode};
pub use event::{ChangeType, ConnectionStatus, Event, EventKind, ObjectType};
pub use json::{canonicalize, MAX_DEPTH};
#[cfg(feature = "models")]
pub use models::Record;
pub use signature::{sign, AccessToken, SignatureHeaders};
use signature::{Digester, RustSha256};

/// The default replay window: 300 seconds either side of now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The default body size cap: 4 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How requests are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How far the timestamp may be from now, either way; `None` disables the replay check.
    pub tolerance: Option<Duration>,
    /// The largest body accepted, in bytes; longer ones are `BODY_TOO_LARGE` before any work.
    /// Above [`MAX_BODY_BYTES_LIMIT`] it has no effect: that is the most ever checked.
    pub max_body_bytes: usize,
    /// Reject values of `type`, `objectType`, `eventType` and `status` this version does not know.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tolerance: Some(DEFAULT_TOLERANCE),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            strict: false,
        }
    }
}

/// The largest body checked, whatever [`Options::max_body_bytes`] says: 64 MiB. Checking a body
/// takes at most [`MEMORY_PER_BODY_BYTE`] bytes of memory per byte of it, so one request costs
/// at most 1 GiB: in wasm, under the 2 GiB past which Node's `Buffer` writers fail silently
/// (issue 14) and well under the 4 GiB an instance can address, so that no body makes an
/// allocation fail (which, with `panic = "abort"`, traps the instance).
pub const MAX_BODY_BYTES_LIMIT: usize = 64 * 1024 * 1024;

/// The memory budget of checking one body, per byte of it: the body, its UTF-16 copy for a JS
/// string, the canonical form and an object's member positions (measured at most 11.6× on the
/// hostile shapes of `bench/adversarial.mjs`; SECURITY.md).
pub const MEMORY_PER_BODY_BYTE: usize = 16;

/// `BODY_TOO_LARGE` for a body of `len` bytes above `max_body_bytes` or above
/// [`MAX_BODY_BYTES_LIMIT`], before anything is allocated for it. `len` may be a lower bound (a
/// string's UTF-16 length): neither message states it.
pub(crate) fn check_size(len: usize, max_body_bytes: usize) -> Result<(), Error> {
    if len > MAX_BODY_BYTES_LIMIT {
        return Err(Error::new(
            ErrorCode::BodyTooLarge,
            format!(
                "body: more than {MAX_BODY_BYTES_LIMIT} bytes; checking it could need more than \
                 {} bytes of memory, the budget of one request",
                MAX_BODY_BYTES_LIMIT * MEMORY_PER_BODY_BYTE
            ),
        ));
    }
    if len > max_body_bytes {
        return Err(too_large(max_body_bytes));
    }
    Ok(())
}

/// `BODY_TOO_LARGE` for a body over `max_body_bytes`, in the one shape every check gives it (the
/// length is left out: for a string body the binding knows only a lower bound, review CB).
pub(crate) fn too_large(max_body_bytes: usize) -> Error {
    Error::new(
        ErrorCode::BodyTooLarge,
        format!("body: more than the limit of {max_body_bytes} bytes"),
    )
}

/// Checks 1–5 of the contract, which need no token: a body of `len` bytes within the cap, both
/// headers well-formed and the timestamp within the replay window. What the signature check
/// takes of the headers: the expected digest and the timestamp.
pub(crate) fn check_unsigned<'a>(
    len: usize,
    headers: &SignatureHeaders<'a>,
    options: &Options,
    now: SystemTime,
) -> Result<([u8; 32], signature::Timestamp<'a>), Error> {
    check_size(len, options.max_body_bytes)?;
    let (expected, timestamp) = signature::read_headers(headers)?;
    signature::check_tolerance(&timestamp, now, options.tolerance)?;
    Ok((expected, timestamp))
}

/// Checks a delivery's size, headers, replay window and signature (checks 1–6 of the
/// contract): the index of the token that signed it. The strict JSON check (7) is the caller's.
fn authenticate(
    body: &[u8],
    headers: &SignatureHeaders<'_>,
    tokens: &[AccessToken],
    options: &Options,
    now: SystemTime,
    digester: &mut impl Digester,
) -> Result<usize, Error> {
    let (expected, timestamp) = check_unsigned(body.len(), headers, options, now)?;
    let mut not_json = false;
    // The raw bytes first; the canonical form (what the seed's JSON.stringify signs) only when
    // they do not match, e.g. after a proxy re-serialised the body.
    signature::signer(tokens, body, timestamp.text, &expected, digester)
        .or_else(|| {
            let canonical = json::Canonical::of(body);
            not_json = canonical.is_err();
            let canonical = canonical.ok()?;
            // A body already in canonical form was hashed just above.
            if canonical.is(body) {
                return None;
            }
            // One piece (most: no object to rewrite) is one message, which the runtime's native
            // SHA-256 hashes where the wasm binding has one (3–4× the wasm's).
            if let Some(text) = canonical.contiguous() {
                return signature::signer(tokens, text, timestamp.text, &expected, digester);
            }
            let write = |emit: &mut dyn FnMut(&[u8])| canonical.write(emit);
            signature::signer_of_pieces(tokens, write, timestamp.text, &expected)
        })
        .ok_or_else(|| mismatch(tokens, body, not_json))
}

/// SIGNATURE_MISMATCH, with what can be told of the inputs that would explain it (review CH:
/// one message for every cause blamed the token): facts about their form, never their text.
fn mismatch(tokens: &[AccessToken], body: &[u8], not_json: bool) -> Error {
    let mut message = String::from(if tokens.len() != 1 {
        "x-vessel-signature: no access token signed this body and timestamp"
    } else {
        "x-vessel-signature: the access token did not sign this body and timestamp"
    });
    let padded = |t: &AccessToken| t.expose() != t.expose().trim_ascii();
    let gzip = body.starts_with(&[0x1f, 0x8b]);
    let hints = [
        (
            tokens.iter().any(padded),
            "an access token begins or ends with white space (a line break from a file?)",
        ),
        (
            body.is_empty(),
            "the body is empty (was the request read before?)",
        ),
        (gzip, "the body is gzip data"),
        (
            not_json && !body.is_empty() && !gzip,
            "the body is not JSON as received (a parser, a proxy or a decoding changed it?)",
        ),
    ];
    for (_, hint) in hints.iter().filter(|(applies, _)| *applies) {
        message.push_str("; ");
        message.push_str(hint);
    }
    Error::new(ErrorCode::SignatureMismatch, message)
}

/// Checks that `body` was signed by one of `tokens` at the timestamp in `headers`, within the
/// replay window around `now`, and is one strict JSON object.
///
/// The signature is accepted over the raw body bytes or over their canonical form
/// ([`canonicalize`]), which is what Vessel's own `JSON.stringify` signs.
///
/// # Errors
/// The first failing check, in this order: `BODY_TOO_LARGE`, `MISSING_HEADER`,
/// `INVALID_TIMESTAMP`, `MALFORMED_SIGNATURE`, `TIMESTAMP_OUT_OF_TOLERANCE`,
/// `SIGNATURE_MISMATCH`, `INVALID_JSON`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use vessel_webhooks::{sign, verify, AccessToken, ErrorCode, Options, SignatureHeaders};
///
/// let token = AccessToken::new("secret").expect("not empty");
/// let body = br#"{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}"#;
/// let signature = sign(body, &token, "1700000000");
/// let headers = SignatureHeaders { signature: Some(&signature), timestamp: Some("1700000000") };
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_042);
///
/// verify(body, &headers, &[token.clone()], &Options::default(), now)?;
/// let late = now + Duration::from_secs(3600);
/// let err = verify(body, &headers, &[token], &Options::default(), late).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::TimestampOutOfTolerance);
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn verify(
    body: &[u8],
    headers: &SignatureHeaders<'_>,
    tokens: &[AccessToken],
    options: &Options,
    now: SystemTime,
) -> Result<(), Error> {
    verify_signer(body, headers, tokens, options, now).map(drop)
}

/// [`verify`], and which of `tokens` signed the body: its index. With several tokens (a
/// rotation, or several connections checked at once), an app that processes each event once keys
/// it by that token and its `eventId`, never by the `eventId` alone: the same `eventId` signed
/// with another token is another event (SECURITY.md). [`parse`] then gives the event.
///
/// # Errors
/// As for [`verify`].
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use vessel_webhooks::{sign, verify_signer, AccessToken, Options, SignatureHeaders};
///
/// let old = AccessToken::new("old secret").expect("not empty");
/// let new = AccessToken::new("new secret").expect("not empty");
/// let body = br#"{"eventId":"e1","type":"STATUS_CHANGE","data":{"status":"READY"}}"#;
/// let signature = sign(body, &old, "1700000000");
/// let headers = SignatureHeaders { signature: Some(&signature), timestamp: Some("1700000000") };
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
///
/// let tokens = [new, old];
/// assert_eq!(verify_signer(body, &headers, &tokens, &Options::default(), now)?, 1);
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn verify_signer(
    body: &[u8],
    headers: &SignatureHeaders<'_>,
    tokens: &[AccessToken],
    options: &Options,
    now: SystemTime,
) -> Result<usize, Error> {
    check_delivery(&mut RustSha256, body, headers, tokens, options, now, false).map(|(i, _)| i)
}

/// [`verify`] with the given SHA-256, and with check 8 (the event) when `event`, without
/// building an [`Event`]: what the JS binding runs before it hands the body to `JSON.parse`.
/// The index of the token that signed the body (the receiver keys its store by that token), and
/// what the body's keys hold.
pub(crate) fn check_delivery(
    digester: &mut impl Digester,
    body: &[u8],
    headers: &SignatureHeaders<'_>,
    tokens: &[AccessToken],
    options: &Options,
    now: SystemTime,
    event: bool,
) -> Result<(usize, json::Keys), Error> {
    let signer = authenticate(body, headers, tokens, options, now, digester)?;
    let keys = if event {
        event::read_checked(body, options.strict)?
    } else {
        json::pick(body, &[], &mut [])?
    };
    Ok((signer, keys))
}

/// [`verify`], then [`parse`]: the checked event of an authentic delivery.
///
/// # Errors
/// The first failing check, as for [`verify`], then `INVALID_EVENT`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use vessel_webhooks::{construct_event, sign, AccessToken, EventKind, Options, SignatureHeaders};
///
/// let token = AccessToken::new("secret").expect("not empty");
/// let body = br#"{"eventId":"e1","type":"OBJECT_CHANGE","data":{"objectType":"Contact","eventType":"CREATE","record":{"id":"v.contact.1"}}}"#;
/// let signature = sign(body, &token, "1700000000");
/// let headers = SignatureHeaders { signature: Some(&signature), timestamp: Some("1700000000") };
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
///
/// let event = construct_event(body, &headers, &[token], &Options::default(), now)?;
/// assert!(matches!(event.kind, EventKind::ObjectChange { ref record_id, .. } if record_id == "v.contact.1"));
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn construct_event(
    body: &[u8],
    headers: &SignatureHeaders<'_>,
    tokens: &[AccessToken],
    options: &Options,
    now: SystemTime,
) -> Result<Event, Error> {
    authenticate(body, headers, tokens, options, now, &mut RustSha256)?;
    event::check(&event::read(body)?.0, options.strict)
}

/// Parses a body as a Vessel event without authenticating it: only for bodies already
/// verified, or for tooling.
///
/// # Errors
/// `BODY_TOO_LARGE`, `INVALID_JSON` or `INVALID_EVENT`, with the failing field path.
///
/// ```
/// use vessel_webhooks::{parse, ConnectionStatus, EventKind, Options};
/// let event = parse(br#"{"eventId":"e2","type":"STATUS_CHANGE","data":{"status":"READY"}}"#, &Options::default())?;
/// assert_eq!(event.kind, EventKind::StatusChange { status: ConnectionStatus::Ready });
///
/// let err = parse(br#"{"eventId":"e2","type":"STATUS_CHANGE","data":{}}"#, &Options::default()).unwrap_err();
/// assert_eq!(err.message(), "data.status: expected a string, found nothing");
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn parse(body: &[u8], options: &Options) -> Result<Event, Error> {
    check_size(body.len(), options.max_body_bytes)?;
    event::check(&event::read(body)?.0, options.strict)
}

/// [`parse`]'s checks (1, 7 and 8) without building the [`Event`]: what the JS binding's `parse`
/// runs before it hands the body to `JSON.parse`; what the body's keys hold.
#[cfg(all(target_arch = "wasm32", feature = "js-binding"))]
pub(crate) fn check_event(body: &[u8], options: &Options) -> Result<json::Keys, Error> {
    check_size(body.len(), options.max_body_bytes)?;
    event::read_checked(body, options.strict)
}
