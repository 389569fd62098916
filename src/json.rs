//! Strict JSON: one parser that validates a body and the canonical form that V8's
//! `JSON.stringify(JSON.parse(text))` gives for it.
//!
//! The parser accepts exactly RFC 8259 JSON in valid UTF-8 (whitespace is space, tab, LF, CR;
//! no BOM, no comments, no trailing commas, no leading zeros), nested at most [`MAX_DEPTH`]
//! containers deep. Recursion is bounded by that limit, so hostile nesting is an error and
//! never a stack overflow.
//!
//! Strings are kept in their canonical escaped form (what `JSON.stringify` would print between
//! the quotes), which is a one-to-one spelling of the decoded UTF-16 text; comparing two of
//! them compares the decoded strings, lone surrogates included.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::error::{Error, ErrorCode};

/// The deepest nesting of arrays and objects a body may have (`{}` is depth 1).
/// Deeper documents are `INVALID_JSON`.
pub const MAX_DEPTH: usize = 256;

/// A parsed JSON value. Containers nested deeper than the parser's `keep` level are
/// validated but not kept ([`Value::Unread`]).
#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// The number as written (valid JSON grammar); canonicalised when printed.
    Number(&'a str),
    /// Canonical escaped text, without the quotes.
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in document order, duplicates included.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
    /// A container below the kept depth: syntax checked, contents dropped.
    Unread,
}

impl<'a> Value<'a> {
    /// The value of `key` as `JSON.parse` sees it: the last member with that name.
    pub(crate) fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// A short name of the JSON type, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) | Value::Unread => "an object or array",
        }
    }
}

/// Parses `bytes` as one strict JSON document, keeping containers up to nesting level `keep`
/// (`usize::MAX` keeps everything).
///
/// # Errors
/// `INVALID_JSON`, with the byte offset of the first problem.
pub(crate) fn parse(bytes: &[u8], keep: usize) -> Result<Value<'_>, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        invalid(format!(
            "the body is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    let mut p = Parser {
        text,
        bytes,
        pos: 0,
        keep,
    };
    let value = p.value::<true>(0)?;
    p.ws();
    if p.pos != bytes.len() {
        return Err(p.fail("unexpected data after the JSON document"));
    }
    Ok(value)
}

/// The canonical form of a JSON document: exactly what V8's
/// `JSON.stringify(JSON.parse(text))` returns for it.
///
/// Integer-like keys (canonical array indices below 2³²−1) come first in ascending order, then
/// the other keys in first-seen order; a duplicate key keeps its first position and its last
/// value; numbers are printed as JavaScript prints them (non-finite ones as `null`); strings are
/// escaped as `JSON.stringify` escapes them.
///
/// # Errors
/// `INVALID_JSON` when `bytes` is not one strict JSON document (any top-level value is allowed).
///
/// ```
/// let canonical = vessel_webhooks::canonicalize(br#"{ "b": 1.0, "2": "\u0041\/", "1": [1E+2, -0] }"#)?;
/// assert_eq!(canonical, r#"{"1":[100,0],"2":"A/","b":1}"#);
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn canonicalize(bytes: &[u8]) -> Result<String, Error> {
    let value = parse(bytes, usize::MAX)?;
    let mut out = String::with_capacity(bytes.len());
    write_value(&value, &mut out)?;
    Ok(out)
}

/// Appends the canonical form of a fully kept value.
pub(crate) fn write_value(value: &Value<'_>, out: &mut String) -> Result<(), Error> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(raw) => crate::number::write_canonical(raw, out),
        Value::String(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, value)) in object_order(members).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                out.push_str(key);
                out.push_str("\":");
                write_value(value, out)?;
            }
            out.push('}');
        }
        Value::Unread => {
            return Err(invalid(
                "internal: a partly parsed document has no canonical form",
            ))
        }
    }
    Ok(())
}

/// The members of an object in the order `JSON.parse` then `JSON.stringify` give them, with
/// duplicates folded (first position, last value). Sorting keeps this O(n log n) for hostile
/// objects with many keys.
fn object_order<'v, 'a>(members: &'v [(Cow<'a, str>, Value<'a>)]) -> Vec<(&'v str, &'v Value<'a>)> {
    // Both sorts below use one element type and its natural order, so the wasm holds one copy of
    // the sort code. First by key, then position: equal keys stay in document order.
    let mut order: Vec<(u64, &str, usize)> = members
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (0, &**k, i))
        .collect();
    order.sort_unstable();
    // Each key once, at its first position, with the position of its last value; then array
    // indices ascending before the other keys in first-seen order.
    let mut folded: Vec<(u64, &str, usize)> = order
        .chunk_by(|a, b| a.1 == b.1)
        .filter_map(|group| {
            let &(_, key, first) = group.first()?;
            let &(_, _, last) = group.last()?;
            let rank = array_index(key).map_or((1 << 32) + first as u64, u64::from);
            Some((rank, key, last))
        })
        .collect();
    folded.sort_unstable();
    folded
        .into_iter()
        .filter_map(|(_, key, last)| members.get(last).map(|(_, value)| (key, value)))
        .collect()
}

/// `Some(n)` when `key` is a canonical array index: decimal digits without a leading zero,
/// below 2³²−1.
fn array_index(key: &str) -> Option<u32> {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 1 && b.first() == Some(&b'0') {
        return None;
    }
    key.parse::<u32>().ok().filter(|&n| n < u32::MAX)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidJson, message)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    keep: usize,
}

impl<'a> Parser<'a> {
    fn fail(&self, what: &str) -> Error {
        invalid(format!("{what} at byte {}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), Error> {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.fail(what))
        }
    }

    /// A value at container nesting level `depth` (the top value is level 0). Without `BUILD`
    /// it is only validated: no allocation, strings not decoded (returned as `Unread` or empty).
    fn value<const BUILD: bool>(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.object::<BUILD>(depth + 1),
            Some(b'[') => self.array::<BUILD>(depth + 1),
            Some(b'"') => self.string::<BUILD>().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(_) => Err(self.fail("expected a JSON value")),
            None => Err(self.fail("unexpected end of the body")),
        }
    }

    /// Steps into a container at level `depth`; whether its contents are kept.
    fn enter<const BUILD: bool>(&mut self, depth: usize) -> Result<bool, Error> {
        if depth > MAX_DEPTH {
            return Err(self.fail(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.pos += 1;
        Ok(BUILD && depth <= self.keep)
    }

    fn object<const BUILD: bool>(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        let keep = self.enter::<BUILD>(depth)?;
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                if self.peek() != Some(b'"') {
                    return Err(self.fail("expected a string key"));
                }
                if keep {
                    let key = self.string::<true>()?;
                    self.expect(b':', "expected ':'")?;
                    members.push((key, self.value::<true>(depth)?));
                } else {
                    self.string::<false>()?;
                    self.expect(b':', "expected ':'")?;
                    self.value::<false>(depth)?;
                }
                self.ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.fail("expected ',' or '}'")),
                }
            }
        }
        Ok(if keep {
            Value::Object(members)
        } else {
            Value::Unread
        })
    }

    fn array<const BUILD: bool>(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        let keep = self.enter::<BUILD>(depth)?;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                if keep {
                    items.push(self.value::<true>(depth)?);
                } else {
                    self.value::<false>(depth)?;
                }
                self.ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.fail("expected ',' or ']'")),
                }
            }
        }
        Ok(if keep {
            Value::Array(items)
        } else {
            Value::Unread
        })
    }

    /// Whether the unread input starts with `prefix`.
    fn at(&self, prefix: &[u8]) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(prefix))
    }

    /// The input from `start` to the current position (both at ASCII bytes).
    fn since(&self, start: usize) -> Result<&'a str, Error> {
        self.text
            .get(start..self.pos)
            .ok_or_else(|| self.fail("internal: not a character boundary"))
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, Error> {
        if self.at(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.fail("expected a JSON value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.fail("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.fail("expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("expected a digit in the exponent"));
            }
        }
        self.since(start)
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let quad = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|q| q.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.fail("expected four hex digits after \\u"))?;
        let mut unit = 0u16;
        for &b in quad {
            // is_ascii_hexdigit was checked, so to_digit succeeds.
            unit = unit << 4 | (b as char).to_digit(16).unwrap_or(0) as u16;
        }
        self.pos += 4;
        Ok(unit)
    }

    /// A string at its opening quote, returned in canonical escaped form. Text without
    /// backslashes is already canonical (it cannot hold quotes, controls or surrogates) and is
    /// borrowed.
    fn string<const BUILD: bool>(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1;
        let start = self.pos;
        self.plain_run()?;
        if self.peek() == Some(b'"') {
            let s = self.since(start)?;
            self.pos += 1;
            return Ok(Cow::Borrowed(s));
        }
        if !BUILD {
            self.skip_escapes()?;
            return Ok(Cow::Borrowed(""));
        }
        let mut out = String::from(self.since(start)?);
        loop {
            let run = self.pos;
            self.plain_run()?;
            out.push_str(self.since(run)?);
            if self.peek() == Some(b'"') {
                self.pos += 1;
                return Ok(Cow::Owned(out));
            }
            self.pos += 1;
            let escape = self.peek();
            self.pos += 1;
            match escape {
                Some(b'"') => out.push_str("\\\""),
                Some(b'\\') => out.push_str("\\\\"),
                Some(b'/') => out.push('/'),
                Some(b'b') => out.push_str("\\b"),
                Some(b'f') => out.push_str("\\f"),
                Some(b'n') => out.push_str("\\n"),
                Some(b'r') => out.push_str("\\r"),
                Some(b't') => out.push_str("\\t"),
                Some(b'u') => {
                    let unit = self.hex4()?;
                    self.unicode_escape(unit, &mut out)?;
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.fail("invalid escape"));
                }
            }
        }
    }

    /// The rest of a string from its first backslash, validated without decoding.
    fn skip_escapes(&mut self) -> Result<(), Error> {
        while self.peek() == Some(b'\\') {
            self.pos += 1;
            match self.peek() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                Some(b'u') => {
                    self.pos += 1;
                    self.hex4()?;
                }
                _ => return Err(self.fail("invalid escape")),
            }
            self.plain_run()?;
        }
        // plain_run stops only at a backslash or the closing quote.
        self.pos += 1;
        Ok(())
    }

    /// Moves to the next `"` or `\\` of a string, eight bytes at a time (SWAR): strings are most
    /// of a body's bytes.
    fn plain_run(&mut self) -> Result<(), Error> {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut i = self.pos;
        while let Some(chunk) = self
            .bytes
            .get(i..i + 8)
            .and_then(|c| <[u8; 8]>::try_from(c).ok())
        {
            let w = u64::from_le_bytes(chunk);
            let quote = w ^ (ONES * u64::from(b'"'));
            let backslash = w ^ (ONES * u64::from(b'\\'));
            // High bit set in the lowest byte that is 0 (resp. below 0x20); higher bytes may be
            // false positives, so only the lowest is used.
            let zero = |x: u64| x.wrapping_sub(ONES) & !x;
            let stop = (zero(quote) | zero(backslash) | (w.wrapping_sub(ONES * 0x20) & !w)) & HIGH;
            if stop != 0 {
                i += (stop.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        self.pos = i;
        loop {
            match self.peek() {
                Some(b'"' | b'\\') => return Ok(()),
                Some(0..=0x1f) => return Err(self.fail("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.fail("unterminated string")),
            }
        }
    }

    /// Writes the canonical form of the code unit `unit` from a `\u` escape, pairing a high
    /// surrogate with a following `\u` low surrogate.
    fn unicode_escape(&mut self, unit: u16, out: &mut String) -> Result<(), Error> {
        if (0xD800..0xDC00).contains(&unit) && self.at(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return Ok(());
            }
            self.pos = save;
        }
        match char::from_u32(u32::from(unit)) {
            // A lone surrogate: JSON.stringify escapes it, lower-case.
            None => {
                let _ = write!(out, "\\u{unit:04x}");
            }
            Some(c) => push_escaped(c, out),
        }
        Ok(())
    }
}

/// Appends `c` as `JSON.stringify` writes it inside a string.
fn push_escaped(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonicalize(s.as_bytes()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn whitespace_and_escapes() {
        assert_eq!(canon(" {\n\t\"a\" : [ 1 , 2 ] }\r\n"), r#"{"a":[1,2]}"#);
        assert_eq!(canon(r#""\u0041\/\u00e9\u2028""#), "\"A/é\u{2028}\"");
        assert_eq!(
            canon(r#""\u0000\u001F\u007f\b\f""#),
            "\"\\u0000\\u001f\u{7f}\\b\\f\""
        );
        assert_eq!(canon(r#""\ud83d\ude00""#), "\"😀\"");
        assert_eq!(
            canon(r#""\uD800x\uDC00\ud800\u0041""#),
            r#""\ud800x\udc00\ud800A""#
        );
        assert_eq!(canon(r#""\"\\""#), r#""\"\\""#);
    }

    #[test]
    fn key_order_and_duplicates() {
        assert_eq!(
            canon(r#"{"b":1,"10":2,"a":3,"2":4,"b":5,"01":6,"4294967295":7,"4294967294":8}"#),
            r#"{"2":4,"10":2,"4294967294":8,"b":5,"a":3,"01":6,"4294967295":7}"#
        );
        assert_eq!(
            canon(r#"{"__proto__":{"x":1},"\u0031":0}"#),
            r#"{"1":0,"__proto__":{"x":1}}"#
        );
    }

    #[test]
    fn numbers_print_like_javascript() {
        for (raw, js) in [
            ("1.0", "1"),
            ("-0", "0"),
            ("-0.0e5", "0"),
            ("1E+2", "100"),
            ("1e21", "1e+21"),
            ("123456789012345678901", "123456789012345680000"),
            ("12345678901234567890", "12345678901234567000"),
            ("1e400", "null"),
            ("-1e400", "null"),
            ("5e-324", "5e-324"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1e-7"),
            ("1.5e-7", "1.5e-7"),
            ("0.1", "0.1"),
            ("100000000000000000000", "100000000000000000000"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("9007199254740993", "9007199254740992"),
            ("-123.456e2", "-12345.6"),
            ("1e-400", "0"),
        ] {
            assert_eq!(canon(raw), js, "{raw}");
        }
    }

    #[test]
    fn strictness() {
        for bad in [
            "",
            " ",
            "{",
            "{]",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "NaN",
            "tru",
            "\"\t\"",
            "\"\\x\"",
            "\"\\u12\"",
            "{} {}",
            "\u{feff}{}",
            "{'a':1}",
            "[1 2]",
            "{\"a\" 1}",
            "\"abc",
            "nul",
            "-",
            "\u{a0}{}",
        ] {
            let err = canonicalize(bad.as_bytes()).expect_err(bad);
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{bad:?}");
        }
        let err = canonicalize(b"{\"a\":\"\xff\"}").expect_err("bad utf-8");
        assert!(err.message().contains("UTF-8"), "{err}");
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(canonicalize(ok.as_bytes()).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = canonicalize(deep.as_bytes()).expect_err("too deep");
        assert!(err.message().contains("nesting deeper than 256"), "{err}");
        let hostile = "{\"a\":".repeat(100_000);
        assert_eq!(
            canonicalize(hostile.as_bytes()).map_err(|e| e.code()),
            Err(ErrorCode::InvalidJson)
        );
    }

    #[test]
    fn shallow_parse_keeps_only_the_top_levels() {
        let v = parse(br#"{"a":{"b":{"c":1}},"a":{"b":[2]}}"#, 1).expect("valid");
        assert!(matches!(v.get("a"), Some(Value::Unread)));
        let v = parse(br#"{"a":{"b":{"c":1}},"a":{"b":[2]}}"#, 2).expect("valid");
        assert!(matches!(
            v.get("a").and_then(|a| a.get("b")),
            Some(Value::Unread)
        ));
        for unread in [
            r#"{"a":[1,]}"#,
            r#"{"a":{"b":"\x"}}"#,
            r#"{"a":{"b":"\u12"}}"#,
            "{\"a\":{\"b\":\"\\n\u{1}\"}}",
            r#"{"a":{"b":"\"}}"#,
            r#"{"a":{"b":01}}"#,
        ] {
            assert!(
                parse(unread.as_bytes(), 1).is_err(),
                "unread parts are still validated: {unread}"
            );
        }
        assert!(parse(br#"{"a":{"b":"\"\\\/\b\f\n\r\t\u00e9"}}"#, 1).is_ok());
    }

    #[test]
    fn specials_at_every_offset_of_the_word_scan() {
        for n in 0..20 {
            let plain = "é".repeat(n / 2) + &"a".repeat(n % 2);
            assert_eq!(canon(&format!("\"{plain}\"")), format!("\"{plain}\""));
            assert_eq!(
                canon(&format!("\"{plain}\\n{plain}\"")),
                format!("\"{plain}\\n{plain}\"")
            );
            let control = format!("\"{plain}\u{1f}\"");
            assert!(canonicalize(control.as_bytes()).is_err(), "{control:?}");
            let unterminated = format!("\"{plain}");
            assert!(canonicalize(unterminated.as_bytes()).is_err());
        }
    }

    #[test]
    fn array_indices() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("4294967294"), Some(4294967294));
        assert_eq!(array_index("4294967295"), None);
        assert_eq!(array_index("00"), None);
        assert_eq!(array_index("-1"), None);
        assert_eq!(array_index("1a"), None);
        assert_eq!(array_index(""), None);
    }
}
