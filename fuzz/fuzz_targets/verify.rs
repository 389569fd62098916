//! `verify`, `construct_event` and `parse` on one delivery made of arbitrary bytes:
//!
//! | bytes   | meaning                                                                   |
//! | ------- | ------------------------------------------------------------------------- |
//! | 0       | flags, below                                                              |
//! | 1..9    | the clock: milliseconds since the epoch, u64 little-endian                |
//! | 9..13   | the replay window in seconds, u32 little-endian                           |
//! | then    | `x-vessel-signature`, `x-vessel-timestamp`, the tokens separated by `\n`: |
//! |         | each one length byte and that many bytes (lossy UTF-8)                    |
//! | the rest| the body                                                                  |
//!
//! Flags: 1 strict, 2 no replay window, 4 no signature header, 8 no timestamp header,
//! 16 sign with the first token (so that inputs get past the signature check), 32 sign the
//! canonical form instead of the raw body, 64 a size cap one byte below the body's length.
//!
//! Beyond "no panic, no unbounded recursion or memory", the verdicts must agree: verify's error
//! is construct_event's; after verify accepts, construct_event is exactly parse; a body signed
//! by a given token is never SIGNATURE_MISMATCH.
#![no_main]

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use vessel_webhooks::{
    canonicalize, construct_event, parse, sign, verify, AccessToken, ErrorCode, Options,
    SignatureHeaders,
};

const STRICT: u8 = 1;
const NO_WINDOW: u8 = 2;
const NO_SIGNATURE: u8 = 4;
const NO_TIMESTAMP: u8 = 8;
const SIGN: u8 = 16;
const SIGN_CANONICAL: u8 = 32;
const TOO_SMALL_CAP: u8 = 64;

/// The next field: one length byte, then that many bytes.
fn field<'a>(data: &mut &'a [u8]) -> Option<Cow<'a, str>> {
    let (&len, rest) = data.split_first()?;
    let (value, rest) = rest.split_at_checked(usize::from(len))?;
    *data = rest;
    Some(String::from_utf8_lossy(value))
}

fuzz_target!(|data: &[u8]| {
    let Some((head, mut rest)) = data.split_at_checked(13) else {
        return;
    };
    let flags = head[0];
    let now_ms = u64::from_le_bytes(head[1..9].try_into().expect("8 bytes"));
    let window = u32::from_le_bytes(head[9..13].try_into().expect("4 bytes"));
    let (Some(signature), Some(timestamp), Some(tokens)) =
        (field(&mut rest), field(&mut rest), field(&mut rest))
    else {
        return;
    };
    let body = rest;
    let Some(now) = UNIX_EPOCH.checked_add(Duration::from_millis(now_ms)) else {
        return;
    };
    let tokens: Vec<AccessToken> = tokens.split('\n').filter_map(AccessToken::new).collect();
    let options = Options {
        tolerance: (flags & NO_WINDOW == 0).then(|| Duration::from_secs(window.into())),
        max_body_bytes: if flags & TOO_SMALL_CAP != 0 {
            body.len().saturating_sub(1)
        } else {
            Options::default().max_body_bytes
        },
        strict: flags & STRICT != 0,
    };

    // With SIGN, the first token signs the raw body or its canonical form.
    let message = if flags & SIGN_CANONICAL != 0 {
        canonicalize(body).ok().map(String::into_bytes)
    } else {
        Some(body.to_vec())
    };
    let signed = match (flags & SIGN != 0, tokens.first(), message) {
        (true, Some(token), Some(message)) => Some(sign(&message, token, timestamp.trim())),
        _ => None,
    };
    let headers = SignatureHeaders {
        signature: (flags & NO_SIGNATURE == 0).then_some(signed.as_deref().unwrap_or(&signature)),
        timestamp: (flags & NO_TIMESTAMP == 0).then_some(&*timestamp),
    };

    let verified = verify(body, &headers, &tokens, &options, now);
    let constructed = construct_event(body, &headers, &tokens, &options, now);
    match &verified {
        Err(error) => assert_eq!(constructed.as_ref().err(), Some(error)),
        Ok(()) => {
            if let Err(error) = &constructed {
                assert_eq!(error.code(), ErrorCode::InvalidEvent, "{error}");
            }
            assert_eq!(constructed, parse(body, &options));
        }
    }
    if let (Some(_), Err(error)) = (&signed, &verified) {
        if headers.signature.is_some() {
            assert_ne!(error.code(), ErrorCode::SignatureMismatch, "{error}");
        }
    }
    if flags & TOO_SMALL_CAP != 0 && !body.is_empty() {
        assert_eq!(verified.map_err(|e| e.code()), Err(ErrorCode::BodyTooLarge));
    }
});
