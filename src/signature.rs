//! The signed contract: `x-vessel-signature = sha256_hex(accessToken ‖ body ‖ x-vessel-timestamp)`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[cfg(not(target_arch = "wasm32"))]
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, CtOption};

use crate::error::{Error, ErrorCode};

/// A connection's Vessel access token: the secret that signs its webhooks.
///
/// `Debug` never prints it, and `==` compares in constant time.
///
/// ```
/// use vessel_webhooks::AccessToken;
/// let token = AccessToken::new("live-secret").expect("not empty");
/// assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
/// assert!(AccessToken::new("").is_none());
/// assert_eq!(AccessToken::new("live-secret"), Some(token.clone()));
/// assert_ne!(AccessToken::new("live-secreT"), Some(token.clone()));
/// assert_ne!(AccessToken::new("live-secret2"), Some(token));
/// ```
#[derive(Clone)]
pub struct AccessToken(String);

/// In constant time for tokens of one length (`subtle`): comparing two secrets must not tell how
/// much of one begins the other.
impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for AccessToken {}

impl AccessToken {
    /// Wraps a token; `None` when it is empty.
    pub fn new(token: impl Into<String>) -> Option<Self> {
        let token = token.into();
        (!token.is_empty()).then_some(AccessToken(token))
    }

    /// The token's text: a secret, keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// The two signing headers of a delivery, as received (spaces and tabs around a value, HTTP's
/// padding, are ignored; other white space is not).
/// `None` or an empty value means the header is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignatureHeaders<'a> {
    /// `x-vessel-signature`: 64 hex digits.
    pub signature: Option<&'a str>,
    /// `x-vessel-timestamp`: unix time in seconds (or, from 10¹¹ up, milliseconds).
    pub timestamp: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// The two headers out of a request's `(name, value)` pairs, read as the npm package reads a
    /// request's headers: a name in any case; a header sent twice is malformed, as its values
    /// joined with `", "` are there; a value with a byte outside ASCII is malformed too (no digit
    /// or hex digit is). It takes an `http::HeaderMap` as it is (`from_pairs(request.headers())`
    /// in axum, hyper or reqwest), or any pairs of `str` and bytes.
    ///
    /// ```
    /// use vessel_webhooks::SignatureHeaders;
    /// let pairs = [("X-Vessel-Timestamp", "1700000000"), ("content-type", "application/json")];
    /// let headers = SignatureHeaders::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_bytes())));
    /// assert_eq!(headers.timestamp, Some("1700000000"));
    /// assert_eq!(headers.signature, None); // verify: MISSING_HEADER
    /// ```
    pub fn from_pairs<N, V>(pairs: impl IntoIterator<Item = (&'a N, &'a V)>) -> Self
    where
        N: AsRef<str> + ?Sized + 'a,
        V: AsRef<[u8]> + ?Sized + 'a,
    {
        /// What a header sent twice, or not ASCII, reads as: no timestamp and no signature (the
        /// same code, in the same order of the checks, as the npm package gives).
        const MALFORMED: &str = ",";
        let mut headers = Self::default();
        for (name, value) in pairs {
            let name = name.as_ref();
            let slot = if name.eq_ignore_ascii_case("x-vessel-signature") {
                &mut headers.signature
            } else if name.eq_ignore_ascii_case("x-vessel-timestamp") {
                &mut headers.timestamp
            } else {
                continue;
            };
            let text = std::str::from_utf8(value.as_ref())
                .ok()
                .filter(|t| t.is_ascii());
            *slot = Some(match (*slot, text) {
                (None, Some(text)) => text,
                _ => MALFORMED,
            });
        }
        headers
    }
}

/// A checked `x-vessel-timestamp`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp<'a> {
    /// The digits as received: they are part of the signed message.
    pub(crate) text: &'a str,
    pub(crate) time: SystemTime,
}

/// Below this a timestamp is seconds since the epoch, from here on milliseconds
/// (10¹¹ seconds is the year 5138; 10¹¹ milliseconds is 1973).
const MILLISECONDS_FROM: u64 = 100_000_000_000;

/// The header values after the checks that need no secret: MISSING_HEADER,
/// INVALID_TIMESTAMP, MALFORMED_SIGNATURE, in that order.
pub(crate) fn read_headers<'a>(
    headers: &SignatureHeaders<'a>,
) -> Result<([u8; 32], Timestamp<'a>), Error> {
    // HTTP's padding (RFC 9110 OWS) is space and tab; not Unicode's other white space (NBSP, NEL).
    let present = |value: Option<&'a str>| {
        value
            .map(|v| v.trim_matches([' ', '\t']))
            .filter(|v| !v.is_empty())
    };
    let missing = |name: &str| {
        Error::new(
            ErrorCode::MissingHeader,
            format!("{name}: missing or empty"),
        )
    };
    let signature = present(headers.signature).ok_or_else(|| missing("x-vessel-signature"))?;
    let timestamp = present(headers.timestamp).ok_or_else(|| missing("x-vessel-timestamp"))?;
    let timestamp = parse_timestamp(timestamp)?;
    let mut expected = [0u8; 32];
    if signature.len() != 64 || hex::decode_to_slice(signature, &mut expected).is_err() {
        return Err(Error::new(
            ErrorCode::MalformedSignature,
            "x-vessel-signature: expected exactly 64 hex digits (a SHA-256 digest, no prefix)",
        ));
    }
    Ok((expected, timestamp))
}

fn parse_timestamp(text: &str) -> Result<Timestamp<'_>, Error> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::new(
            ErrorCode::InvalidTimestamp,
            "x-vessel-timestamp: expected 1 to 16 digits of unix time",
        ));
    }
    // At most 16 digits: fits in a u64.
    let n: u64 = text.parse().unwrap_or(u64::MAX);
    let since_epoch = if n >= MILLISECONDS_FROM {
        Duration::from_millis(n)
    } else {
        Duration::from_secs(n)
    };
    // 16 digits of milliseconds are some 300 000 years: past what some platforms' SystemTime
    // holds (where `+` would panic), a time that cannot be is no timestamp.
    let time = UNIX_EPOCH.checked_add(since_epoch).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidTimestamp,
            "x-vessel-timestamp: past the times this platform holds",
        )
    })?;
    Ok(Timestamp { text, time })
}

/// TIMESTAMP_OUT_OF_TOLERANCE when `timestamp` is more than `tolerance` from `now`, either way.
/// `None` disables the check.
pub(crate) fn check_tolerance(
    timestamp: &Timestamp<'_>,
    now: SystemTime,
    tolerance: Option<Duration>,
) -> Result<(), Error> {
    let Some(tolerance) = tolerance else {
        return Ok(());
    };
    let (skew, direction) = match now.duration_since(timestamp.time) {
        Ok(age) => (age, "old"),
        Err(ahead) => (ahead.duration(), "in the future"),
    };
    if skew > tolerance {
        // In milliseconds, rounded up: whole seconds (rounded down) said "300 seconds in the
        // future, tolerance is 300 seconds" of a timestamp 300.5 s ahead.
        let skew_ms = skew.as_nanos().div_ceil(1_000_000) as f64;
        return Err(Error::new(
            ErrorCode::TimestampOutOfTolerance,
            format!(
                "x-vessel-timestamp: {} seconds {direction}, tolerance is {} seconds",
                crate::number::to_js_string(skew_ms / 1000.0),
                crate::number::to_js_string(tolerance.as_secs_f64())
            ),
        ));
    }
    Ok(())
}

/// Computes SHA-256(`token` ‖ `message` ‖ `timestamp`), the signed digest. The core hashes
/// with [`RustSha256`]; the wasm binding plugs in the runtime's own SHA-256 where it has a
/// synchronous one (node:crypto, with the CPU's SHA instructions): the hash is all that moves.
pub(crate) trait Digester {
    /// The digest of the three parts, in this order.
    fn digest(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> [u8; 32];
}

/// SHA-256 in Rust: the `sha2` crate natively, `crate::sha256` in wasm (written for V8).
pub(crate) struct RustSha256;

impl Digester for RustSha256 {
    #[cfg(not(target_arch = "wasm32"))]
    fn digest(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> [u8; 32] {
        Sha256::new()
            .chain_update(token)
            .chain_update(message)
            .chain_update(timestamp)
            .finalize()
            .into()
    }

    #[cfg(target_arch = "wasm32")]
    fn digest(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> [u8; 32] {
        crate::sha256::digest(&[token, message, timestamp])
    }
}

/// Which of `tokens` signed `message` at `timestamp` (its index), if any. Every token is hashed
/// and its digest compared in constant time ([`select`]).
pub(crate) fn signer(
    tokens: &[AccessToken],
    message: &[u8],
    timestamp: &str,
    expected: &[u8; 32],
    digester: &mut impl Digester,
) -> Option<usize> {
    select(
        tokens
            .iter()
            .map(|token| digester.digest(token.0.as_bytes(), message, timestamp.as_bytes())),
        expected,
    )
}

/// [`signer`] of a message that `write` gives in pieces: they go to every token's SHA-256 as they
/// come, a few KiB at a time, so the message is never whole in memory.
pub(crate) fn signer_of_pieces(
    tokens: &[AccessToken],
    write: impl FnOnce(&mut dyn FnMut(&[u8])),
    timestamp: &str,
    expected: &[u8; 32],
) -> Option<usize> {
    let mut hashes: Vec<_> = tokens
        .iter()
        .map(|token| {
            let mut hash = PieceSha256::new();
            hash.update(token.0.as_bytes());
            hash
        })
        .collect();
    // Small pieces (a member, a comma) are gathered first: each token's SHA-256 is fed a few KiB
    // at a time, not once per piece (which cost about twice as much per token).
    let mut gathered = Vec::with_capacity(GATHER_BYTES);
    let mut feed = |bytes: &[u8]| {
        for hash in &mut hashes {
            hash.update(bytes);
        }
    };
    write(&mut |piece| {
        if gathered.len() + piece.len() > GATHER_BYTES {
            feed(&gathered);
            gathered.clear();
        }
        if piece.len() > GATHER_BYTES {
            feed(piece);
        } else {
            gathered.extend_from_slice(piece);
        }
    });
    feed(&gathered);
    let digests = hashes.into_iter().map(|mut hash| {
        hash.update(timestamp.as_bytes());
        finish(hash)
    });
    select(digests, expected)
}

/// How many bytes of small pieces [`signer_of_pieces`] gathers before it hashes them.
const GATHER_BYTES: usize = 4096;

/// SHA-256 fed in pieces: `sha2`'s natively, `crate::sha256`'s in wasm.
#[cfg(not(target_arch = "wasm32"))]
type PieceSha256 = Sha256;
#[cfg(target_arch = "wasm32")]
type PieceSha256 = crate::sha256::Sha256;

/// The digest of a [`PieceSha256`].
#[cfg(not(target_arch = "wasm32"))]
fn finish(hash: PieceSha256) -> [u8; 32] {
    hash.finalize().into()
}
#[cfg(target_arch = "wasm32")]
fn finish(hash: PieceSha256) -> [u8; 32] {
    hash.finalize()
}

/// The index of the digest equal to `expected`, if any: each is compared in constant time
/// (`subtle`) and the index selected, not branched on; the loop never exits early, so the time
/// taken does not tell which digest, or how much of one, matched.
fn select(digests: impl Iterator<Item = [u8; 32]>, expected: &[u8; 32]) -> Option<usize> {
    let mut any = Choice::from(0);
    let mut index = 0u64;
    let expected = words(expected);
    for (i, digest) in (0u64..).zip(digests) {
        let matched = words(&digest).ct_eq(&expected);
        index.conditional_assign(&i, matched);
        any |= matched;
    }
    Option::<u64>::from(CtOption::new(index, any)).and_then(|i| usize::try_from(i).ok())
}

/// A digest as four 64-bit words, which `subtle` compares a word at a time: a byte at a time,
/// its 32 optimisation barriers cost the wasm ~0.1 µs a digest, 5 % of a small delivery's check.
fn words(digest: &[u8; 32]) -> [u64; 4] {
    let (chunks, _) = digest.as_chunks::<8>();
    std::array::from_fn(|i| chunks.get(i).map_or(0, |c| u64::from_le_bytes(*c)))
}

/// The `x-vessel-signature` value for `body` at `timestamp`: lower-case hex of
/// SHA-256(`token` ‖ `body` ‖ `timestamp`). The timestamp text is signed as given: pass what
/// [`verify`](crate::verify) accepts (1 to 16 ASCII digits, no spaces), or the signature matches
/// no delivery.
///
/// ```
/// use vessel_webhooks::{sign, AccessToken};
/// let token = AccessToken::new("t").expect("not empty");
/// let signature = sign(br#"{"eventId":"e"}"#, &token, "1700000000");
/// assert_eq!(signature.len(), 64);
/// ```
pub fn sign(body: &[u8], token: &AccessToken, timestamp: &str) -> String {
    sign_with(&mut RustSha256, body, token, timestamp)
}

/// [`sign`] with the given SHA-256.
pub(crate) fn sign_with(
    digester: &mut impl Digester,
    body: &[u8],
    token: &AccessToken,
    timestamp: &str,
) -> String {
    hex::encode(digester.digest(token.0.as_bytes(), body, timestamp.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers<'a>(signature: &'a str, timestamp: &'a str) -> SignatureHeaders<'a> {
        SignatureHeaders {
            signature: Some(signature),
            timestamp: Some(timestamp),
        }
    }

    const SIG: &str = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

    /// The code `read_headers` gives for the headers `from_pairs` reads out of `pairs`.
    fn code_of(pairs: &[(&str, &[u8])]) -> Option<ErrorCode> {
        let headers = SignatureHeaders::from_pairs(pairs.iter().map(|(n, v)| (*n, *v)));
        read_headers(&headers).err().map(|e| e.code())
    }

    #[test]
    fn from_pairs_reads_as_the_npm_package() {
        let ts: (&str, &[u8]) = ("X-VESSEL-TIMESTAMP", b" 1700000000\t");
        let sig: (&str, &[u8]) = ("x-Vessel-Signature", SIG.as_bytes());
        let other: (&str, &[u8]) = ("content-type", b"application/json");
        assert_eq!(code_of(&[other, ts, sig]), None);
        let headers = SignatureHeaders::from_pairs([ts, sig].iter().map(|(n, v)| (*n, *v)));
        assert_eq!(headers.signature, Some(SIG));
        assert_eq!(code_of(&[ts]), Some(ErrorCode::MissingHeader));
        // Sent twice, even the same value: what JavaScript's joined value gives.
        assert_eq!(
            code_of(&[ts, sig, sig]),
            Some(ErrorCode::MalformedSignature)
        );
        assert_eq!(code_of(&[ts, ts, sig]), Some(ErrorCode::InvalidTimestamp));
        assert_eq!(code_of(&[ts, ts]), Some(ErrorCode::MissingHeader));
        // A byte outside ASCII (obs-text, or UTF-8), where JavaScript reads Latin-1.
        let latin: (&str, &[u8]) = ("x-vessel-signature", b"\xe9abc");
        assert_eq!(code_of(&[ts, latin]), Some(ErrorCode::MalformedSignature));
        let utf8: (&str, &[u8]) = ("x-vessel-timestamp", "17000\u{0660}".as_bytes());
        assert_eq!(code_of(&[utf8, sig]), Some(ErrorCode::InvalidTimestamp));
        // Owned pairs too (a map's iterator gives references to its own types).
        let owned = [(String::from("x-vessel-timestamp"), b"1700000000".to_vec())];
        let headers = SignatureHeaders::from_pairs(owned.iter().map(|(n, v)| (n, v)));
        assert_eq!(headers.timestamp, Some("1700000000"));
    }

    #[test]
    fn known_answer() {
        // sha256("abc"), split across token, body and timestamp.
        let token = AccessToken::new("a").expect("not empty");
        assert_eq!(
            sign(b"b", &token, "c"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn header_checks_in_order() {
        let code = |h: SignatureHeaders<'_>| read_headers(&h).map(|_| ()).map_err(|e| e.code());
        assert_eq!(
            code(SignatureHeaders::default()),
            Err(ErrorCode::MissingHeader)
        );
        assert_eq!(code(headers(" ", "1")), Err(ErrorCode::MissingHeader));
        assert_eq!(code(headers("zz", "")), Err(ErrorCode::MissingHeader));
        assert_eq!(code(headers("zz", "1.5")), Err(ErrorCode::InvalidTimestamp));
        assert_eq!(code(headers("zz", "-1")), Err(ErrorCode::InvalidTimestamp));
        assert_eq!(
            code(headers("zz", "12345678901234567")),
            Err(ErrorCode::InvalidTimestamp)
        );
        assert_eq!(
            code(headers("zz", "1700000000")),
            Err(ErrorCode::MalformedSignature)
        );
        assert_eq!(
            code(headers(&SIG[1..], "1")),
            Err(ErrorCode::MalformedSignature)
        );
        let prefixed = format!("sha256={SIG}");
        assert_eq!(
            code(headers(&prefixed, "1")),
            Err(ErrorCode::MalformedSignature)
        );
        assert_eq!(code(headers(&format!(" {SIG}\t"), " 1 ")), Ok(()));
    }

    #[test]
    fn seconds_and_milliseconds() {
        let at = |t: &str| parse_timestamp(t).expect("digits").time;
        assert_eq!(
            at("99999999999"),
            UNIX_EPOCH + Duration::from_secs(99_999_999_999)
        );
        assert_eq!(
            at("100000000000"),
            UNIX_EPOCH + Duration::from_millis(100_000_000_000)
        );
        assert_eq!(
            at("9999999999999999"),
            UNIX_EPOCH + Duration::from_millis(9_999_999_999_999_999)
        );
    }

    #[test]
    fn tolerance_both_ways() {
        let ts = parse_timestamp("1000").expect("digits");
        let now = |s| UNIX_EPOCH + Duration::from_secs(s);
        let tol = Some(Duration::from_secs(300));
        assert!(check_tolerance(&ts, now(1300), tol).is_ok());
        assert!(check_tolerance(&ts, now(700), tol).is_ok());
        assert!(check_tolerance(&ts, now(1301), tol).is_err());
        let ahead = check_tolerance(&ts, now(699), tol).expect_err("future");
        assert!(ahead.message().contains("in the future"), "{ahead}");
        assert!(check_tolerance(&ts, now(u32::MAX.into()), None).is_ok());
        let half = check_tolerance(&ts, now(1001), Some(Duration::from_millis(500)))
            .expect_err("a second is more than half of one");
        assert_eq!(
            half.message(),
            "x-vessel-timestamp: 1 seconds old, tolerance is 0.5 seconds"
        );
        // The skew as it is, to the millisecond rounded up, never the tolerance itself.
        for (now, skew) in [
            (
                Duration::from_millis(699_500),
                "300.5 seconds in the future",
            ),
            (
                Duration::from_nanos(1_300_000_000_001),
                "300.001 seconds old",
            ),
            (Duration::from_millis(1_300_123), "300.123 seconds old"),
        ] {
            let err = check_tolerance(&ts, UNIX_EPOCH + now, tol).expect_err("outside");
            assert_eq!(
                err.message(),
                format!("x-vessel-timestamp: {skew}, tolerance is 300 seconds")
            );
        }
    }

    /// Observes the comparison: whichever token matches (first, last, none), every token's digest
    /// is computed and compared.
    #[test]
    fn no_early_exit_across_tokens() {
        let tokens: Vec<AccessToken> = ["a", "b", "c", "d"]
            .iter()
            .filter_map(|t| AccessToken::new(*t))
            .collect();
        /// SHA-256 that records which tokens it was asked to hash.
        struct Recording(Vec<String>);
        impl Digester for Recording {
            fn digest(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> [u8; 32] {
                self.0.push(String::from_utf8_lossy(token).into_owned());
                RustSha256.digest(token, message, timestamp)
            }
        }
        let digest_of = |t: &AccessToken| RustSha256.digest(t.expose().as_bytes(), b"{}", b"1");
        for (expected, matched) in [
            (digest_of(&tokens[0]), Some(0)),
            (digest_of(&tokens[3]), Some(3)),
            ([7u8; 32], None),
        ] {
            let mut recording = Recording(Vec::new());
            let result = signer(&tokens, b"{}", "1", &expected, &mut recording);
            assert_eq!(result, matched);
            assert_eq!(recording.0, ["a", "b", "c", "d"]);
        }
    }

    #[test]
    fn which_of_several_tokens() {
        let tokens: Vec<AccessToken> = ["old", "new", "newer"]
            .iter()
            .filter_map(|t| AccessToken::new(*t))
            .collect();
        let mut expected = [0u8; 32];
        hex::decode_to_slice(sign(b"{}", &tokens[1], "5"), &mut expected).expect("hex");
        let signer_of = |tokens: &[AccessToken], body: &[u8]| {
            signer(tokens, body, "5", &expected, &mut RustSha256)
        };
        assert_eq!(signer_of(&tokens, b"{}"), Some(1));
        assert_eq!(signer_of(&tokens[1..], b"{}"), Some(0));
        assert_eq!(signer_of(&tokens[..1], b"{}"), None);
        assert_eq!(signer_of(&tokens, b"{} "), None);
        assert_eq!(signer_of(&[], b"{}"), None);
    }
}
