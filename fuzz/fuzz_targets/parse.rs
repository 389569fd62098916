//! `parse` on arbitrary bytes, in both modes. Beyond "no panic, no unbounded recursion or
//! memory": strict accepts only what the default accepts, with the same event, and the
//! canonical form of a body (when it has one) gives the same verdict as the body: the same event,
//! or the same code (a message may differ: `1e400` is a number, its canonical form `null`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vessel_webhooks::{canonicalize, parse, ErrorCode, Options};

fuzz_target!(|body: &[u8]| {
    let lenient = parse(body, &Options::default());
    let strict = parse(
        body,
        &Options {
            strict: true,
            ..Options::default()
        },
    );
    if let Ok(event) = &strict {
        assert_eq!(lenient.as_ref(), Ok(event));
    }
    if let Err(error) = &lenient {
        assert!(
            matches!(
                error.code(),
                ErrorCode::InvalidJson | ErrorCode::InvalidEvent
            ),
            "{error}"
        );
    }
    if let Ok(canonical) = canonicalize(body) {
        assert_eq!(
            parse(canonical.as_bytes(), &Options::default()).map_err(|e| e.code()),
            lenient.map_err(|e| e.code())
        );
    }
});
