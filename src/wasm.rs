//! The JS binding: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! It adapts JS values to the core and turns core errors into JS `Error`s whose `name` is the
//! code; `pkg/src/api.js` (the package's hand-written API) validates arguments, reads headers
//! and rethrows those as `VesselWebhookError`.

use std::time::{Duration, UNIX_EPOCH};

use std::cell::RefCell;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::{AccessToken, Error, ErrorCode, Options, SignatureHeaders};

fn to_js(error: Error) -> JsValue {
    let js = js_sys::Error::new(error.message());
    js.set_name(error.code().as_str());
    js.into()
}

fn too_large(max: usize) -> JsValue {
    to_js(Error::new(
        ErrorCode::BodyTooLarge,
        format!("body: more than the limit of {max} bytes"),
    ))
}

/// Give back the input buffer's room after a body this large, when the next is much smaller.
const SHRINK_ABOVE: usize = 1 << 20;

thread_local! {
    /// Where JS writes a raw body (`TextEncoder.encodeInto` for a string, `Uint8Array.set` for
    /// bytes) before a call, so that it crosses into wasm memory once, without a temporary copy.
    /// It keeps its size from call to call, so wasm memory stays flat.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The address of a buffer of at least `len` bytes in wasm memory for the next raw body.
#[wasm_bindgen]
pub fn input(len: usize) -> *const u8 {
    INPUT.with_borrow_mut(|buf| {
        if buf.len() < len || (buf.len() > SHRINK_ABOVE && buf.len() / 4 > len) {
            *buf = vec![0; len];
        }
        buf.as_ptr()
    })
}

/// The instance's memory, for writing into the input buffer.
#[wasm_bindgen]
pub fn instance_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Runs `f` on the bytes of a body: a number is the length of a raw body JS wrote into the
/// input buffer (or, above `max`, the length of one it did not copy); an object is a parsed
/// body, whose bytes are `JSON.stringify(body)`, the seed's own computation.
fn with_body<T>(
    body: &JsValue,
    max: usize,
    f: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, JsValue> {
    if let Some(len) = body.as_f64() {
        let len = len as usize;
        if len > max {
            return Err(too_large(max));
        }
        return INPUT.with_borrow(|buf| match buf.get(..len) {
            Some(bytes) => f(bytes).map_err(to_js),
            None => Err(js_sys::TypeError::new("body: not in the input buffer").into()),
        });
    }
    if !body.is_object() {
        return Err(js_sys::TypeError::new("body: unsupported type").into());
    }
    let text = JSON::stringify(body).map_err(|e| {
        // V8 runs out of stack on objects nested some thousands deep, which express.json()
        // builds from a hostile request: a body problem, not a programmer error.
        if e.is_instance_of::<js_sys::RangeError>() {
            to_js(Error::new(
                ErrorCode::InvalidJson,
                "body: the parsed object is nested too deeply for JSON.stringify",
            ))
        } else {
            // A circular object or a BigInt: a programmer error. V8's own message quotes the
            // object's keys, which are the body's text, so it is not passed on.
            js_sys::TypeError::new(
                "body: JSON.stringify failed (a circular structure, a BigInt or a throwing toJSON)",
            )
            .into()
        }
    })?;
    if !text.is_string() {
        return Err(js_sys::TypeError::new("body: JSON.stringify gave no text").into());
    }
    // A UTF-16 code unit is at least one UTF-8 byte: refused before it is copied.
    if text.length() as usize > max {
        return Err(too_large(max));
    }
    f(String::from(text).as_bytes()).map_err(to_js)
}

fn options(tolerance_seconds: f64, max_body_bytes: f64, strict: bool) -> Options {
    Options {
        tolerance: Duration::try_from_secs_f64(tolerance_seconds).ok(),
        max_body_bytes: max_body_bytes as usize,
        strict,
    }
}

/// Checks 1–7 (and check 8 when `event`) of a delivery. Arguments were validated in JS:
/// `tolerance_seconds` is ≥ 0 (Infinity disables), `now_ms` ≥ 0, tokens non-empty.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn authenticate(
    body: &JsValue,
    signature: Option<String>,
    timestamp: Option<String>,
    tokens: Vec<String>,
    tolerance_seconds: f64,
    now_ms: f64,
    max_body_bytes: f64,
    strict: bool,
    event: bool,
) -> Result<(), JsValue> {
    let options = options(tolerance_seconds, max_body_bytes, strict);
    let headers = SignatureHeaders {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
    };
    let tokens: Vec<AccessToken> = tokens.into_iter().filter_map(AccessToken::new).collect();
    let now = UNIX_EPOCH + Duration::try_from_secs_f64(now_ms / 1000.0).unwrap_or_default();
    with_body(body, options.max_body_bytes, |bytes| {
        if event {
            crate::construct_event(bytes, &headers, &tokens, &options, now).map(|_| ())
        } else {
            crate::verify(bytes, &headers, &tokens, &options, now)
        }
    })
}

/// Checks 1, 7 and 8: size, strict JSON and the event envelope, without authenticating.
#[wasm_bindgen]
pub fn parse(body: &JsValue, max_body_bytes: f64, strict: bool) -> Result<(), JsValue> {
    let options = options(f64::INFINITY, max_body_bytes, strict);
    with_body(body, options.max_body_bytes, |bytes| {
        crate::parse(bytes, &options).map(|_| ())
    })
}

/// The hex signature of `body` at `timestamp` (digits, checked in JS).
#[wasm_bindgen]
pub fn sign(body: &JsValue, token: String, timestamp: &str) -> Result<String, JsValue> {
    let token = AccessToken::new(token)
        .ok_or_else(|| JsValue::from(js_sys::TypeError::new("accessToken: empty")))?;
    with_body(body, usize::MAX, |bytes| {
        Ok(crate::sign(bytes, &token, timestamp))
    })
}

/// The HTTP status of an error code, or undefined for a string that is not one.
#[wasm_bindgen]
pub fn status(code: &str) -> Option<u16> {
    ErrorCode::from_code(code).map(ErrorCode::status)
}

/// The default `maxBodyBytes`.
#[wasm_bindgen]
pub fn default_max_body_bytes() -> usize {
    crate::DEFAULT_MAX_BODY_BYTES
}
