//! The number paths of the canonical form (Clinger's fast path, Eisel–Lemire, the big
//! integers, and printing a short decimal from its own digits) against std's exact
//! `str::parse::<f64>`: a JSON number built from arbitrary bytes, canonicalised, must read
//! back as the same f64 (−0 as 0, the infinities as `null`), in at most 25 characters; and
//! repeated in one document beside its negation, each element as it is alone.
//!
//! | bytes    | meaning                                                                    |
//! | -------- | -------------------------------------------------------------------------- |
//! | 0        | flags: 1 negative, 2 an exponent; the rest, where the decimal point goes    |
//! | 1..n−2   | the digits (each byte mod 10; leading zeros dropped)                       |
//! | last two | the exponent, i16 little-endian                                            |
#![no_main]

use libfuzzer_sys::fuzz_target;
use vessel_webhooks::canonicalize;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (digits, exp) = rest.split_at(rest.len().saturating_sub(2));
    let digits: String = digits.iter().map(|b| char::from(b'0' + b % 10)).collect();
    let digits = digits.trim_start_matches('0');
    let point = usize::from(flags >> 2) % (digits.len() + 1);
    let (int, frac) = digits.split_at(point);
    let mut number = String::from(if flags & 1 != 0 { "-" } else { "" });
    number.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        number.push('.');
        number.push_str(frac);
    }
    if let (true, Ok(exp)) = (flags & 2 != 0, <[u8; 2]>::try_from(exp)) {
        number.push_str(&format!("e{}", i16::from_le_bytes(exp)));
    }

    let expected: f64 = number.parse().expect("JSON number grammar");
    let canonical = canonicalize(number.as_bytes()).expect("a valid document");
    // Repeated in one document, beside its negation: a repeat is printed from the first printing
    // (LastLong), and each element reads as it does alone.
    let negated = match number.strip_prefix('-') {
        Some(positive) => positive.to_owned(),
        None => format!("-{number}"),
    };
    let alone = canonicalize(negated.as_bytes()).expect("a valid document");
    let array = canonicalize(format!("[{number},{negated},{number}]").as_bytes());
    assert_eq!(
        array.expect("a valid document"),
        format!("[{canonical},{alone},{canonical}]"),
        "{number}"
    );
    assert!(canonical.len() <= 25, "{number} → {canonical}");
    if expected.is_infinite() {
        assert_eq!(canonical, "null", "{number}");
    } else {
        let read: f64 = canonical.parse().expect("a number");
        assert_eq!(
            read.to_bits(),
            (expected + 0.0).to_bits(),
            "{number} → {canonical}"
        );
    }
});
