//! The one error type of the crate, with stable codes.

use std::fmt;

/// Why a webhook request was refused. The codes and their HTTP statuses are a public
/// contract: the JS package exposes the same strings as `VesselWebhookError.code`.
///
/// Checks run in the order of the variants; the first that fails gives the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The raw body is longer than `max_body_bytes` (HTTP 413).
    BodyTooLarge,
    /// `x-vessel-signature` or `x-vessel-timestamp` is absent or empty (HTTP 401).
    MissingHeader,
    /// The timestamp is not 1–16 ASCII digits (HTTP 401).
    InvalidTimestamp,
    /// The signature is not exactly 64 hex digits (HTTP 401).
    MalformedSignature,
    /// The timestamp is further from now than the tolerance, either way (HTTP 401).
    TimestampOutOfTolerance,
    /// No access token signed the body, raw or canonical (HTTP 401).
    SignatureMismatch,
    /// The body is not one strict JSON document with an object at the top (HTTP 400).
    InvalidJson,
    /// The JSON is not a Vessel event (HTTP 400).
    InvalidEvent,
}

impl ErrorCode {
    /// Every code, in check order.
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::BodyTooLarge,
        ErrorCode::MissingHeader,
        ErrorCode::InvalidTimestamp,
        ErrorCode::MalformedSignature,
        ErrorCode::TimestampOutOfTolerance,
        ErrorCode::SignatureMismatch,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidEvent,
    ];

    /// The stable code string, e.g. `"SIGNATURE_MISMATCH"`.
    ///
    /// ```
    /// use vessel_webhooks::ErrorCode;
    /// assert_eq!(ErrorCode::BodyTooLarge.as_str(), "BODY_TOO_LARGE");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BodyTooLarge => "BODY_TOO_LARGE",
            ErrorCode::MissingHeader => "MISSING_HEADER",
            ErrorCode::InvalidTimestamp => "INVALID_TIMESTAMP",
            ErrorCode::MalformedSignature => "MALFORMED_SIGNATURE",
            ErrorCode::TimestampOutOfTolerance => "TIMESTAMP_OUT_OF_TOLERANCE",
            ErrorCode::SignatureMismatch => "SIGNATURE_MISMATCH",
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::InvalidEvent => "INVALID_EVENT",
        }
    }

    /// The code whose string is `code`, if any.
    ///
    /// ```
    /// use vessel_webhooks::ErrorCode;
    /// assert_eq!(ErrorCode::from_code("INVALID_JSON"), Some(ErrorCode::InvalidJson));
    /// assert_eq!(ErrorCode::from_code("invalid_json"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        // Not inlined into the loop: eight unrolled inline comparisons cost 2.5 KB of wasm.
        #[inline(never)]
        fn same(a: &str, b: &str) -> bool {
            a == b
        }
        ErrorCode::ALL.into_iter().find(|c| same(c.as_str(), code))
    }

    /// The HTTP status a receiver should answer with: 413, 401 or 400.
    ///
    /// ```
    /// use vessel_webhooks::ErrorCode;
    /// assert_eq!(ErrorCode::SignatureMismatch.status(), 401);
    /// ```
    pub const fn status(self) -> u16 {
        match self {
            ErrorCode::BodyTooLarge => 413,
            ErrorCode::InvalidJson | ErrorCode::InvalidEvent => 400,
            _ => 401,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused request: a stable [`ErrorCode`] and a message for people.
///
/// Messages name the failing header or field path (`data.record.id: expected a string`)
/// and never contain an access token or any text of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The HTTP status for this error (same as `self.code().status()`).
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// The human-readable message, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_are_the_contract() {
        let got: Vec<(&str, u16)> = ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str(), c.status()))
            .collect();
        assert_eq!(
            got,
            [
                ("BODY_TOO_LARGE", 413),
                ("MISSING_HEADER", 401),
                ("INVALID_TIMESTAMP", 401),
                ("MALFORMED_SIGNATURE", 401),
                ("TIMESTAMP_OUT_OF_TOLERANCE", 401),
                ("SIGNATURE_MISMATCH", 401),
                ("INVALID_JSON", 400),
                ("INVALID_EVENT", 400),
            ]
        );
    }

    #[test]
    fn display_carries_code_and_message() {
        let e = Error::new(ErrorCode::InvalidEvent, "eventId: expected a string");
        assert_eq!(e.to_string(), "INVALID_EVENT: eventId: expected a string");
        assert_eq!(e.status(), 400);
    }
}
