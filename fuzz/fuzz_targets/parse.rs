//! `parse` on arbitrary bytes, in both modes, and the typed record of what it accepts. Beyond "no
//! panic, no unbounded recursion or memory": strict accepts only what the default accepts, with
//! the same event; a record that does not fit its model is INVALID_EVENT; the canonical form of a
//! body (when it has one) gives the same verdict as the body: the same event id and kind, or the
//! same code (a message may differ: `1e400` is a number, its canonical form `null`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vessel_webhooks::{canonicalize, parse, Error, ErrorCode, Event, EventKind, Options};

fn verdict(result: Result<Event, Error>) -> Result<(String, EventKind), ErrorCode> {
    result.map(|e| (e.event_id, e.kind)).map_err(|e| e.code())
}

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
    match &lenient {
        Ok(event) => {
            if let Err(error) = event.record() {
                assert_eq!(error.code(), ErrorCode::InvalidEvent, "{error}");
            }
        }
        Err(error) => assert!(
            matches!(
                error.code(),
                ErrorCode::InvalidJson | ErrorCode::InvalidEvent
            ),
            "{error}"
        ),
    }
    if let Ok(canonical) = canonicalize(body) {
        assert_eq!(
            verdict(parse(canonical.as_bytes(), &Options::default())),
            verdict(lenient)
        );
    }
});
