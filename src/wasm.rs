//! The JS binding: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! It adapts JS values to the core and turns core errors into JS `Error`s whose `name` is the
//! code; `pkg/src/api.js` (the package's hand-written API) validates arguments, reads headers
//! and rethrows those as `VesselWebhookError`.

use std::time::{Duration, UNIX_EPOCH};

use js_sys::{JsString, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// The bytes of a body: a string (as UTF-8), a Uint8Array (as is) or any other object
/// (`JSON.stringify(body)`, the seed's own computation). Anything known to be longer than
/// `max` bytes is refused before it is copied into wasm memory.
fn body_bytes(body: &JsValue, max: usize) -> Result<Vec<u8>, JsValue> {
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        if bytes.byte_length() as usize > max {
            return Err(too_large(max));
        }
        return Ok(bytes.to_vec());
    }
    let text: JsString = if body.is_string() {
        body.clone().unchecked_into()
    } else if body.is_object() {
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
        text
    } else {
        return Err(js_sys::TypeError::new("body: unsupported type").into());
    };
    // A UTF-16 code unit is at least one UTF-8 byte.
    if text.length() as usize > max {
        return Err(too_large(max));
    }
    Ok(String::from(text).into_bytes())
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
    let bytes = body_bytes(body, options.max_body_bytes)?;
    let headers = SignatureHeaders {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
    };
    let tokens: Vec<AccessToken> = tokens.into_iter().filter_map(AccessToken::new).collect();
    let now = UNIX_EPOCH + Duration::try_from_secs_f64(now_ms / 1000.0).unwrap_or_default();
    let checked = if event {
        crate::construct_event(&bytes, &headers, &tokens, &options, now).map(|_| ())
    } else {
        crate::verify(&bytes, &headers, &tokens, &options, now)
    };
    checked.map_err(to_js)
}

/// Checks 1, 7 and 8: size, strict JSON and the event envelope, without authenticating.
#[wasm_bindgen]
pub fn parse(body: &JsValue, max_body_bytes: f64, strict: bool) -> Result<(), JsValue> {
    let options = options(f64::INFINITY, max_body_bytes, strict);
    let bytes = body_bytes(body, options.max_body_bytes)?;
    crate::parse(&bytes, &options).map(|_| ()).map_err(to_js)
}

/// The hex signature of `body` at `timestamp` (digits, checked in JS).
#[wasm_bindgen]
pub fn sign(body: &JsValue, token: String, timestamp: &str) -> Result<String, JsValue> {
    let bytes = body_bytes(body, usize::MAX)?;
    let token = AccessToken::new(token)
        .ok_or_else(|| JsValue::from(js_sys::TypeError::new("accessToken: empty")))?;
    Ok(crate::sign(&bytes, &token, timestamp))
}

/// `JSON.stringify(JSON.parse(body))`, computed in Rust.
#[wasm_bindgen]
pub fn canonicalize(body: &JsValue) -> Result<String, JsValue> {
    crate::canonicalize(&body_bytes(body, usize::MAX)?).map_err(to_js)
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
