//! `canonicalize` on arbitrary bytes. Beyond "no panic, no unbounded recursion or memory",
//! properties that need no oracle: the canonical form is a fixed point (so it parses), and a body
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
