//! `canonicalize` on arbitrary bytes. Beyond "no panic, no unbounded recursion or memory",
//! properties that need no oracle: the canonical form is a fixed point (so it parses), at most 6
//! times the body's length (the budget of issue 14), and a body
//! signed over its canonical form, as Vessel's `JSON.stringify` signs it, verifies.
#![no_main]

use std::time::UNIX_EPOCH;

use libfuzzer_sys::fuzz_target;
use vessel_webhooks::{
    canonicalize, sign, verify, AccessToken, ErrorCode, Options, SignatureHeaders,
};

fuzz_target!(|body: &[u8]| {
    let canonical = match canonicalize(body) {
        Ok(canonical) => canonical,
        Err(error) => {
            assert_eq!(error.code(), ErrorCode::InvalidJson, "{error}");
            return;
        }
    };
    assert_eq!(canonicalize(canonical.as_bytes()).as_ref(), Ok(&canonical));
    // What the memory budget (MEMORY_PER_BODY_BYTE) counts on: the canonical form outgrows the
    // body only through numbers, at most 21 characters for 4 (`9e20`).
    assert!(
        canonical.len() <= 6 * body.len(),
        "{} → {}",
        body.len(),
        canonical.len()
    );

    let token = AccessToken::new("fuzz").expect("not empty");
    let signature = sign(canonical.as_bytes(), &token, "1700000000");
    let headers = SignatureHeaders {
        signature: Some(&signature),
        timestamp: Some("1700000000"),
    };
    let options = Options {
        tolerance: None,
        ..Options::default()
    };
    let verified = verify(body, &headers, &[token], &options, UNIX_EPOCH).map_err(|e| e.code());
    if canonical.starts_with('{') {
        assert_eq!(verified, Ok(()));
    } else {
        assert_eq!(verified, Err(ErrorCode::InvalidJson));
    }
});
