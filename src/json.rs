//! Strict JSON: the check that a body is one JSON object ([`pick`], which also finds the few
//! members the event check reads), and the canonical form that V8's
//! `JSON.stringify(JSON.parse(text))` gives for a document ([`canonicalize`]).
//!
//! Both share one grammar, the scanners below: exactly RFC 8259 JSON in valid UTF-8 (whitespace
//! is space, tab, LF, CR; no BOM, no comments, no trailing commas, no leading zeros), nested at
//! most [`MAX_DEPTH`] containers deep. The check builds nothing: an iterative skipper validates
//! what it does not pick, and notes where the picked values are. The canonical form is written
//! while the document is read, without building it (a tree cost ~35× the body, issue 14); its
//! recursion is bounded by [`MAX_DEPTH`], so hostile nesting is an error and never a stack
//! overflow.
//!
//! In the canonical form, strings are kept in their canonical escaped form (what
//! `JSON.stringify` would print between the quotes), a one-to-one spelling of the decoded UTF-16
//! text; comparing two of them compares the decoded strings, lone surrogates included.

use std::borrow::Cow;

use crate::error::{Error, ErrorCode};
use crate::number::{write_canonical, LastLong};

/// The deepest nesting of arrays and objects a body may have (`{}` is depth 1).
/// Deeper documents are `INVALID_JSON`.
pub const MAX_DEPTH: usize = 256;

/// A member that [`pick`] looks for in an object: its name, the slot of `found` its value goes
/// to, and for an object value, the members to look for in that.
pub(crate) struct Pick {
    pub(crate) name: &'static str,
    pub(crate) slot: usize,
    pub(crate) inner: &'static [Pick],
}

/// What the object keys of a checked document hold, as written, that a reader of its text must
/// mind: V8's `JSON.parse` (12.8 to at least 15.0: workerd, Chromium, Deno, Node 24 and 26) may
/// decode an escaped key as another key that an earlier parse in the same isolate met
/// (crbug.com/521080746, nodejs/node#63785), so the JS binding reads a document with escaped
/// keys itself, and never gives `JSON.parse` keys escaped by its own ASCII copy of a body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys {
    /// A key holds a backslash escape.
    pub(crate) escaped: bool,
    /// A key holds a character beyond ASCII.
    pub(crate) non_ascii: bool,
}

impl Keys {
    /// Notes a key: what [`scan_string`] found in it.
    #[inline(always)]
    fn note(&mut self, escapes: Escapes, non_ascii: bool) {
        self.escaped |= escapes != Escapes::None;
        self.non_ascii |= non_ascii;
    }
}

/// Checks that `bytes` is one strict JSON document whose top level is an object, and puts the
/// text of each picked member's value into `found[slot]` (of members with the same name, the
/// last, as `JSON.parse` reads them), building nothing: everything else is validated by the
/// skipper. With no picks, this is the strict JSON check alone. Gives what its keys hold.
///
/// # Errors
/// `INVALID_JSON`, with the byte offset of the first problem, or naming what the top level is.
pub(crate) fn pick<'a>(
    bytes: &'a [u8],
    picks: &[Pick],
    found: &mut [Option<&'a [u8]>],
) -> Result<Keys, Error> {
    let mut keys = Keys::default();
    let start = skip_ws(bytes, 0);
    let object = bytes.get(start) == Some(&b'{');
    let end = if object && !picks.is_empty() {
        pick_members(bytes, start, 1, picks, found, &mut keys)?
    } else {
        skip_value(bytes, start, 1, &mut keys)?
    };
    let end_ws = skip_ws(bytes, end);
    if end_ws != bytes.len() {
        return Err(fail(end_ws, "unexpected data after the JSON document"));
    }
    if !object {
        return Err(invalid(format!(
            "the top level is {}, expected an object",
            kind(bytes.get(start..end))
        )));
    }
    Ok(keys)
}

/// The object at `i` (its `{`, at nesting level `depth`) for [`pick`]: the position after it.
fn pick_members<'a>(
    b: &'a [u8],
    mut i: usize,
    depth: usize,
    picks: &[Pick],
    found: &mut [Option<&'a [u8]>],
    keys: &mut Keys,
) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(fail(i, &format!("nesting deeper than {MAX_DEPTH} levels")));
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Ok(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(fail(i, "expected a string key"));
        }
        let (key_end, escapes, non_ascii) = scan_string(b, i)?;
        keys.note(escapes, non_ascii);
        let escaped = escapes != Escapes::None;
        let key = b.get(i + 1..key_end - 1).unwrap_or_default();
        let picked = if escaped {
            picks.iter().find(|p| is_text(key, true, p.name))
        } else {
            picks.iter().find(|p| key == p.name.as_bytes())
        };
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(fail(i, "expected ':'"));
        }
        let start = skip_ws(b, i + 1);
        let inner = picked.map_or(&[][..], |p| p.inner);
        if !inner.is_empty() {
            // A later member of this name replaces what an earlier one held.
            clear(inner, found);
        }
        i = match b.get(start) {
            // Most members: a string, read here rather than by a call into the skipper.
            Some(b'"') => scan_string(b, start)?.0,
            Some(b'{') if !inner.is_empty() => {
                pick_members(b, start, depth + 1, inner, found, keys)?
            }
            _ => skip_value(b, start, depth + 1, keys)?,
        };
        if let Some(slot) = picked.and_then(|p| found.get_mut(p.slot)) {
            *slot = b.get(start..i);
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok(i + 1),
            _ => return Err(fail(i, "expected ',' or '}'")),
        }
    }
}

/// Empties the slots of `picks` and of the members picked inside them.
fn clear(picks: &[Pick], found: &mut [Option<&[u8]>]) {
    for p in picks {
        if let Some(slot) = found.get_mut(p.slot) {
            *slot = None;
        }
        clear(p.inner, found);
    }
}

/// Whether the checked text of a string between its quotes (`escaped`: it holds backslashes)
/// reads as `text`, as `JSON.parse` decodes it.
pub(crate) fn is_text(raw: &[u8], escaped: bool, text: &str) -> bool {
    if escaped {
        unescape(raw).is_ok_and(|decoded| decoded == text)
    } else {
        raw == text.as_bytes()
    }
}

/// The text of a checked JSON string between its quotes, decoded as `JSON.parse` decodes it,
/// except that a lone UTF-16 surrogate (which a Rust string cannot hold) becomes U+FFFD.
///
/// # Errors
/// `INVALID_JSON` only for text that [`pick`] did not check.
pub(crate) fn unescape(raw: &[u8]) -> Result<Cow<'_, str>, Error> {
    fn text(run: &[u8]) -> Result<&str, Error> {
        std::str::from_utf8(run).map_err(|_| invalid("internal: not checked text"))
    }
    let backslash = |from: usize| {
        raw.get(from..)
            .and_then(|rest| rest.iter().position(|&c| c == b'\\'))
            .map(|k| from + k)
    };
    let Some(mut at) = backslash(0) else {
        return text(raw).map(Cow::Borrowed);
    };
    let mut out = String::with_capacity(raw.len());
    let mut run = 0;
    loop {
        out.push_str(text(raw.get(run..at).unwrap_or_default())?);
        let (c, len) = match raw.get(at + 1) {
            Some(b'b') => ('\u{8}', 2),
            Some(b'f') => ('\u{c}', 2),
            Some(b'n') => ('\n', 2),
            Some(b'r') => ('\r', 2),
            Some(b't') => ('\t', 2),
            Some(b'u') => {
                let unit = u32::from(hex4(raw, at + 2)?);
                // A high surrogate and a low one escaped after it are one character.
                let low = if (0xD800..0xDC00).contains(&unit)
                    && raw.get(at + 6..at + 8) == Some(b"\\u")
                {
                    hex4(raw, at + 8)
                        .ok()
                        .map(u32::from)
                        .filter(|low| (0xDC00..0xE000).contains(low))
                } else {
                    None
                };
                let (c, len) = match low {
                    Some(low) => (
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)),
                        12,
                    ),
                    // A lone surrogate, which a Rust string cannot hold.
                    None => (char::from_u32(unit), 6),
                };
                (c.unwrap_or(char::REPLACEMENT_CHARACTER), len)
            }
            // `"`, `\\` and `/` stand for themselves.
            Some(&c) => (char::from(c), 2),
            None => return Err(invalid("internal: not checked text")),
        };
        out.push(c);
        run = at + len;
        match backslash(run) {
            Some(next) => at = next,
            None => {
                out.push_str(text(raw.get(run..).unwrap_or_default())?);
                return Ok(Cow::Owned(out));
            }
        }
    }
}

/// A short name of the JSON type of a checked value's text (`None`: absent), for messages.
pub(crate) fn kind(value: Option<&[u8]>) -> &'static str {
    match value.and_then(<[u8]>::first) {
        None => "nothing",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
    }
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
/// `INVALID_JSON` when `bytes` is not one strict JSON document (any top-level value is allowed);
/// `BODY_TOO_LARGE` when it is over [`MAX_BODY_BYTES_LIMIT`](crate::MAX_BODY_BYTES_LIMIT), the most
/// any body is checked at (its canonical form's positions are kept in 32 bits).
///
/// ```
/// let canonical = vessel_webhooks::canonicalize(br#"{ "b": 1.0, "2": "\u0041\/", "1": [1E+2, -0] }"#)?;
/// assert_eq!(canonical, r#"{"1":[100,0],"2":"A/","b":1}"#);
/// # Ok::<(), vessel_webhooks::Error>(())
/// ```
pub fn canonicalize(bytes: &[u8]) -> Result<String, Error> {
    // Review BW: a document of ~1 GB (a canonical form past 4 GiB) came back cut, not refused.
    crate::check_size(bytes.len(), crate::MAX_BODY_BYTES_LIMIT)?;
    let Canonical(w) = Canonical::of(bytes)?;
    let canonical = if w.rewrites.is_empty() {
        w.out
    } else {
        let mut canonical = Vec::with_capacity(w.out.len());
        w.write_range(0, w.out.len(), &mut |piece| {
            canonical.extend_from_slice(piece)
        });
        canonical
    };
    // UTF-8 by construction: checked text and escapes, ASCII otherwise.
    String::from_utf8(canonical).map_err(|_| invalid("internal: the canonical form is not UTF-8"))
}

/// The canonical form of a body ([`canonicalize`]) as it was written: the output, and the
/// objects to write in another order. Its text is given piece by piece ([`Canonical::write`]),
/// never built whole a second time: hashing it costs no more memory than writing it.
pub(crate) struct Canonical<'a>(Writer<'a>);

impl<'a> Canonical<'a> {
    /// Reads `bytes` as one strict JSON document.
    ///
    /// # Errors
    /// `INVALID_JSON`, as [`canonicalize`].
    pub(crate) fn of(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut w = Writer {
            bytes,
            pos: 0,
            // The canonical form is never longer than the body but for numbers (`1e20`: 21
            // digits).
            out: Vec::with_capacity(bytes.len() + 2 * SLACK),
            members: Vec::new(),
            rewrites: Vec::new(),
            ordered: Vec::new(),
            last_long: LastLong::default(),
        };
        w.value(0)?;
        w.ws();
        if w.pos != bytes.len() {
            return Err(w.fail("unexpected data after the JSON document"));
        }
        w.rewrites.sort_unstable_by_key(|r| r.open);
        Ok(Canonical(w))
    }

    /// Whether the canonical form is `bytes` as they are.
    pub(crate) fn is(&self, bytes: &[u8]) -> bool {
        self.contiguous().is_some_and(|out| same_bytes(out, bytes))
    }

    /// The canonical form as one piece, when it was written in order (no object to rewrite).
    pub(crate) fn contiguous(&self) -> Option<&[u8]> {
        self.0.rewrites.is_empty().then_some(&self.0.out)
    }

    /// Gives the canonical form to `emit`, in order, in pieces.
    pub(crate) fn write(&self, emit: &mut dyn FnMut(&[u8])) {
        self.0.write_range(0, self.0.out.len(), emit);
    }
}

/// Room for any number or literal, and the closing brackets of every open container.
const SLACK: usize = MAX_DEPTH + 64;

/// An object member already written to the canonical output: `"key":value` from `start` (its
/// key's opening quote) to `end`, its value from `value` (after the colon).
#[derive(Clone, Copy)]
struct Member {
    start: Position,
    value: Position,
    end: Position,
}

/// A position in the canonical output, kept for each member of an object: four bytes where a
/// `usize` takes eight natively (review BR: a body of short keys took 17 bytes of memory a body
/// byte, over [`crate::MEMORY_PER_BODY_BYTE`]). The output is under 4 GiB: at most ~4.4 times a
/// body of at most [`crate::MAX_BODY_BYTES_LIMIT`] (`1e20,` is 22 bytes written out), which
/// every caller of [`Canonical::of`] checks first ([`canonicalize`] too).
#[derive(Clone, Copy)]
struct Position(u32);

impl Position {
    #[allow(clippy::cast_possible_truncation)]
    fn at(at: usize) -> Self {
        Self(at as u32)
    }

    fn get(self) -> usize {
        self.0 as usize
    }
}

/// The members of an object written to `text` (keys in canonical escaped form, compared as
/// such: one spelling per decoded key) in the order `JSON.parse` then `JSON.stringify` give
/// them, as the index of the member whose text to write: each key once, at its first position,
/// with its last value (the same key text); array indices ascending before the other keys in
/// first-seen order. `None` when that is the members as they are (most objects).
fn member_order(text: &[u8], members: &[Member]) -> Option<Vec<usize>> {
    let key = |i: usize| {
        (members.get(i))
            .and_then(|m| text.get(m.start.get() + 1..m.value.get() - 2))
            .unwrap_or_default()
    };
    let last = last_values(members.len(), |i| Key(key(i)), fnv1a);
    // In place when no key repeats and the array indices come first, ascending.
    let mut reorder = false;
    let mut previous_index: Option<u32> = None;
    let mut seen_other = false;
    for (i, &l) in last.iter().enumerate() {
        if l == usize::MAX {
            reorder = true;
            continue;
        }
        match array_index(key(i)) {
            Some(n) => {
                reorder |= seen_other || previous_index.is_some_and(|p| p > n);
                previous_index = Some(n);
            }
            None => seen_other = true,
        }
    }
    if !reorder {
        return None;
    }
    // Its length known first, so that it is allocated once (collected from a filter, it doubled).
    let mut ranked = Vec::with_capacity(last.iter().filter(|&&l| l != usize::MAX).count());
    ranked.extend(
        last.iter()
            .enumerate()
            .filter(|&(_, &l)| l != usize::MAX)
            .map(|(first, &l)| {
                let rank = array_index(key(first)).map_or((1 << 32) + first as u64, u64::from);
                (rank, l)
            }),
    );
    ranked.sort_unstable();
    Some(ranked.into_iter().map(|(_, l)| l).collect())
}

/// An object key as written (canonical escaped form), compared eight bytes a step: a body can
/// make its keys share long prefixes, and the wasm's `memcmp` compares a byte at a time.
struct Key<'a>(&'a [u8]);

impl Ord for Key<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (self.0, other.0);
        let same = 8 * same_chunks(a, b);
        let rest_a = a.get(same..).unwrap_or_default();
        rest_a.cmp(b.get(same..).unwrap_or_default())
    }
}

impl PartialOrd for Key<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.cmp(other).is_eq()
    }
}

impl Eq for Key<'_> {}

/// Whether `a` and `b` are the same bytes, compared eight a step: the wasm's `memcmp` compares a
/// byte at a time (1.8 ms for 4 MiB).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && {
        let same = 8 * same_chunks(a, b);
        a.get(same..) == b.get(same..)
    }
}

/// How many of the eight-byte chunks that `a` and `b` start with are the same.
fn same_chunks(a: &[u8], b: &[u8]) -> usize {
    let (a8, b8) = (a.as_chunks::<8>().0, b.as_chunks::<8>().0);
    a8.iter().zip(b8).take_while(|(x, y)| x == y).count()
}

/// FNV-1a of a key: quick and well spread, but not keyed (see [`last_values`]).
fn fnv1a(key: &Key) -> u64 {
    key.0.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// For each of `n` keys (`key(i)`): the position of the last occurrence of the key first seen at
/// `i`, or `usize::MAX` where a key seen before occurs again.
///
/// Duplicates are found with a hash table of first positions: linear (an object of a million
/// keys costs what V8's own parse of it costs) while the keys' hashes spread. The hash is not
/// keyed, so a body can hold keys made to meet in one slot, which would make the probing
/// quadratic (SECURITY.md, finding 10): past a budget of probes the keys are sorted instead,
/// O(n log n) comparisons whatever they are.
fn last_values<K: Ord>(n: usize, key: impl Fn(usize) -> K, hash: impl Fn(&K) -> u64) -> Vec<usize> {
    hashed_last_values(n, &key, hash).unwrap_or_else(|| sorted_last_values(n, &key))
}

/// [`last_values`] by a hash table; `None` after more than `4 n` probes of occupied slots
/// (keys that spread take less than one each on average at this load, at most ½).
fn hashed_last_values<K: Ord>(
    n: usize,
    key: &impl Fn(usize) -> K,
    hash: impl Fn(&K) -> u64,
) -> Option<Vec<usize>> {
    // Slots hold a first position + 1 (0: empty).
    let size = (2 * n).next_power_of_two();
    let mut slots = vec![0u32; size];
    let mut last: Vec<usize> = (0..n).collect();
    let mut probes = 4 * n;
    for i in 0..n {
        let k = key(i);
        let mut at = hash(&k) as usize & (size - 1);
        loop {
            match slots.get(at).copied() {
                Some(0) => {
                    if let Some(slot) = slots.get_mut(at) {
                        *slot = i as u32 + 1;
                    }
                    break;
                }
                Some(first) => {
                    let first = first as usize - 1;
                    if key(first) == k {
                        mark_duplicate(&mut last, first, i);
                        break;
                    }
                    probes = probes.checked_sub(1)?;
                    at = (at + 1) & (size - 1);
                }
                None => break,
            }
        }
    }
    Some(last)
}

/// [`last_values`] by sorting the positions by key (then position): each run of equal keys
/// is one key, first seen at the run's first position.
fn sorted_last_values<K: Ord>(n: usize, key: &impl Fn(usize) -> K) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
    let mut last: Vec<usize> = (0..n).collect();
    for run in order.chunk_by(|&a, &b| key(a) == key(b)) {
        if let Some((&first, later)) = run.split_first() {
            for &i in later {
                mark_duplicate(&mut last, first, i);
            }
        }
    }
    last
}

/// Records that the key first seen at `first` occurs again at `i`, after its earlier ones.
fn mark_duplicate(last: &mut [usize], first: usize, i: usize) {
    if let Some(l) = last.get_mut(first) {
        *l = i;
    }
    if let Some(l) = last.get_mut(i) {
        *l = usize::MAX;
    }
}

/// `Some(n)` when `key` is a canonical array index: decimal digits without a leading zero,
/// below 2³²−1.
fn array_index(key: &[u8]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || !key.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if key.len() > 1 && key.first() == Some(&b'0') {
        return None;
    }
    let n = key
        .iter()
        .fold(0u64, |n, &digit| n * 10 + u64::from(digit - b'0'));
    u32::try_from(n).ok().filter(|&n| n < u32::MAX)
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidJson, message)
}

fn fail(pos: usize, what: &str) -> Error {
    invalid(format!("{what} at byte {pos}"))
}

// The grammar, one scanner per token. Each takes the input and the position of the token's
// first byte and returns the position after it; the parser below and its container skipper
// share them.

/// The first position at or after `i` that is not JSON whitespace.
#[inline(always)]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(i) {
        i += 1;
    }
    i
}

/// The first position at or after `i` that is not a decimal digit, eight bytes at a time (SWAR:
/// hostile bodies are long mantissas).
#[inline(always)]
pub(crate) fn skip_digits(b: &[u8], mut i: usize) -> usize {
    const THREES: u64 = 0x3030_3030_3030_3030;
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    while let Some(chunk) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        let w = u64::from_le_bytes(chunk);
        // A digit is 0x3_ and stays 0x3_ plus 6. Carries only go up, so the lowest non-zero
        // byte of `other` is exactly the first non-digit.
        let other = (w & HIGH_NIBBLES ^ THREES)
            | (w.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES ^ THREES);
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(b'0'..=b'9') = b.get(i) {
        i += 1;
    }
    i
}

/// `word` (`true`, `false`, `null`) at `i`.
#[inline(always)]
fn scan_literal(b: &[u8], i: usize, word: &[u8]) -> Result<usize, Error> {
    match b.get(i..i + word.len()) {
        Some(w) if w == word => Ok(i + word.len()),
        _ => Err(fail(i, "expected a JSON value")),
    }
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` at `i`.
#[inline(always)]
fn scan_number(b: &[u8], mut i: usize) -> Result<usize, Error> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    i = match b.get(i) {
        Some(b'0') => i + 1,
        Some(b'1'..=b'9') => skip_digits(b, i + 1),
        _ => return Err(fail(i, "expected a digit")),
    };
    if b.get(i) == Some(&b'.') {
        let end = skip_digits(b, i + 1);
        if end == i + 1 {
            return Err(fail(end, "expected a digit after '.'"));
        }
        i = end;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let end = skip_digits(b, i);
        if end == i {
            return Err(fail(end, "expected a digit in the exponent"));
        }
        i = end;
    }
    Ok(i)
}

/// What a string's escapes are to its canonical form, in increasing order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Escapes {
    /// It has none.
    None,
    /// Only escapes that `JSON.stringify` writes as they are (`\"`, `\\`, `\b`, `\f`, `\n`,
    /// `\r`, `\t`): the string is its own canonical form.
    Canonical,
    /// A `\/` or `\u` escape, which the canonical form may write otherwise.
    Rewrite,
}

/// The string whose opening quote is at `i`: the position after its closing quote, what its
/// escapes are, and whether it holds a character beyond ASCII. Checks escapes, control
/// characters and UTF-8 (the parser never checks the whole body up front: outside strings the
/// grammar admits only ASCII).
#[inline(always)]
fn scan_string(b: &[u8], mut i: usize) -> Result<(usize, Escapes, bool), Error> {
    let mut escapes = Escapes::None;
    let mut non_ascii = false;
    i += 1;
    loop {
        i = plain_run(b, i);
        match b.get(i) {
            Some(b'"') => return Ok((i + 1, escapes, non_ascii)),
            Some(b'\\') => {
                // Escapes often come in a row (a text of `\u` escapes): no plain_run between.
                while b.get(i) == Some(&b'\\') {
                    let kind;
                    (i, kind) = scan_escape(b, i)?;
                    escapes = escapes.max(kind);
                }
            }
            Some(0x80..) => {
                non_ascii = true;
                i = next_char(b, i)?;
                // A few more non-ASCII characters one at a time (a word's: `éé`), then the rest
                // of a run of them (non-Latin text) in one pass. After an ASCII byte the ASCII
                // scan goes on: a call of `from_utf8` per accented letter among ASCII text
                // (`José`) cost an event of such notes 7 % of its check.
                for _ in 0..3 {
                    if b.get(i).is_none_or(|&c| c < 0x80) {
                        break;
                    }
                    i = next_char(b, i)?;
                }
                if b.get(i).is_some_and(|&c| c >= 0x80) {
                    i = scan_utf8(b, i)?;
                }
            }
            Some(_) => return Err(fail(i, "control character in a string")),
            None => return Err(fail(i, "unterminated string")),
        }
    }
}

/// The first position at or after `i` holding `"`, `\`, a control character or a non-ASCII
/// byte, sixteen (SIMD) or eight (SWAR) bytes at a time: strings are most of a body's bytes.
#[inline(always)]
fn plain_run(b: &[u8], i: usize) -> usize {
    run_to_stop::<true>(b, i)
}

/// [`plain_run`]'s stops but for non-ASCII bytes: `"`, `\` or a control character (below 0x20).
fn text_run(b: &[u8], i: usize) -> usize {
    run_to_stop::<false>(b, i)
}

/// The first position at or after `i` holding `"`, `\`, a byte below 0x20, or (with
/// `NON_ASCII`) a byte from 0x80, else the end.
#[inline(always)]
fn run_to_stop<const NON_ASCII: bool>(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    #[cfg(target_feature = "simd128")]
    while let Some(chunk) = b.get(i..i + 16).and_then(|c| <[u8; 16]>::try_from(c).ok()) {
        use core::arch::wasm32::{
            i8x16_bitmask, i8x16_eq, i8x16_lt, i8x16_splat, u8x16, u8x16_lt, v128_or,
        };
        let [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15] = chunk;
        let v = u8x16(
            a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15,
        );
        let low = i8x16_splat(0x20);
        // Signed, a non-ASCII byte is negative: one comparison finds it and the controls.
        let below = if NON_ASCII {
            i8x16_lt(v, low)
        } else {
            u8x16_lt(v, low)
        };
        let stop = v128_or(
            v128_or(
                i8x16_eq(v, i8x16_splat(b'"' as i8)),
                i8x16_eq(v, i8x16_splat(b'\\' as i8)),
            ),
            below,
        );
        let mask = i8x16_bitmask(stop);
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(chunk) = b.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        let w = u64::from_le_bytes(chunk);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // High bit set in the lowest byte that is 0 (resp. below 0x20: 0x20 borrows from it;
        // or non-ASCII); higher bytes may be false positives (borrows), so only the lowest is used.
        let zero = |x: u64| x.wrapping_sub(ONES) & !x;
        let below = w.wrapping_sub(ONES * 0x20);
        let below = if NON_ASCII { below | w } else { below & !w };
        let stop = (zero(quote) | zero(backslash) | below) & HIGH;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 || (NON_ASCII && c >= 0x80) {
            break;
        }
        i += 1;
    }
    i
}

/// The escape whose backslash is at `i`: the position after it, and what it is to the canonical
/// form.
#[inline(always)]
fn scan_escape(b: &[u8], i: usize) -> Result<(usize, Escapes), Error> {
    match b.get(i + 1) {
        Some(b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't') => Ok((i + 2, Escapes::Canonical)),
        Some(b'/') => Ok((i + 2, Escapes::Rewrite)),
        // Checked, not decoded: the check needs only the digits.
        Some(b'u') => hex_digits(b, i + 2).map(|()| (i + 6, Escapes::Rewrite)),
        _ => Err(fail(i + 1, "invalid escape")),
    }
}

/// Whether four hex digits follow `\u` at `i`.
#[inline(always)]
fn hex_digits(b: &[u8], i: usize) -> Result<(), Error> {
    if b.get(i..i + 4)
        .is_some_and(|q| q.iter().all(u8::is_ascii_hexdigit))
    {
        Ok(())
    } else {
        Err(fail(i, "expected four hex digits after \\u"))
    }
}

/// The code unit of the four hex digits at `i`.
fn hex4(b: &[u8], i: usize) -> Result<u16, Error> {
    hex_digits(b, i)?;
    Ok(checked_hex4(b, i))
}

/// [`scan_char`], with a character of two bytes (Latin accents, Cyrillic, Greek) read here:
/// calling it for each cost a string of `"éé\n"` a fifth of its check.
#[inline(always)]
fn next_char(b: &[u8], i: usize) -> Result<usize, Error> {
    match (b.get(i), b.get(i + 1)) {
        (Some(0xC2..=0xDF), Some(0x80..=0xBF)) => Ok(i + 2),
        _ => scan_char(b, i),
    }
}

/// The UTF-8 sequence of one character at `i` (a non-ASCII lead byte): the shortest form of a
/// scalar value, as `std::str::from_utf8` accepts it. One character among ASCII text (`é` in
/// `José`) costs less this way than a call of `from_utf8`.
fn scan_char(b: &[u8], i: usize) -> Result<usize, Error> {
    let cont = |k: usize, range: std::ops::RangeInclusive<u8>| {
        b.get(i + k).is_some_and(|c| range.contains(c))
    };
    let len = match b.get(i) {
        Some(0xC2..=0xDF) if cont(1, 0x80..=0xBF) => 2,
        Some(0xE0) if cont(1, 0xA0..=0xBF) && cont(2, 0x80..=0xBF) => 3,
        Some(0xE1..=0xEC | 0xEE..=0xEF) if cont(1, 0x80..=0xBF) && cont(2, 0x80..=0xBF) => 3,
        Some(0xED) if cont(1, 0x80..=0x9F) && cont(2, 0x80..=0xBF) => 3,
        Some(0xF0) if cont(1, 0x90..=0xBF) && cont(2, 0x80..=0xBF) && cont(3, 0x80..=0xBF) => 4,
        Some(0xF1..=0xF3)
            if cont(1, 0x80..=0xBF) && cont(2, 0x80..=0xBF) && cont(3, 0x80..=0xBF) =>
        {
            4
        }
        Some(0xF4) if cont(1, 0x80..=0x8F) && cont(2, 0x80..=0xBF) && cont(3, 0x80..=0xBF) => 4,
        _ => return Err(fail(i, "the body is not valid UTF-8")),
    };
    Ok(i + len)
}

/// The text at `i` (a non-ASCII lead byte) up to the next `"`, `\` or control character,
/// checked as UTF-8 in one pass ([`crate::utf8::is_utf8`], which accepts what [`scan_char`]
/// does; `std::str::from_utf8` then finds where an invalid run fails): the position after it.
/// Non-Latin text is mostly non-ASCII, and one character at a time between [`plain_run`]'s stops
/// cost 3–4× as much. A sequence never holds an ASCII byte, so the run ends between characters
/// or at a truncated one, which is an error at its lead byte as anywhere else.
fn scan_utf8(b: &[u8], i: usize) -> Result<usize, Error> {
    let end = text_run(b, i);
    if crate::utf8::is_utf8(b, i, end) {
        return Ok(end);
    }
    // Where it fails (and, were the two ever to disagree, a run from_utf8 accepts passes).
    match std::str::from_utf8(b.get(i..end).unwrap_or_default()) {
        Ok(_) => Ok(end),
        Err(e) => Err(fail(i + e.valid_up_to(), "the body is not valid UTF-8")),
    }
}

/// One bit per container nesting level (0 ..= MAX_DEPTH): set for an object, clear for an array.
struct Levels([u64; MAX_DEPTH / 64 + 1]);

impl Levels {
    fn set(&mut self, level: usize, object: bool) {
        if let Some(word) = self.0.get_mut(level / 64) {
            let bit = 1u64 << (level % 64);
            *word = if object { *word | bit } else { *word & !bit };
        }
    }

    fn is_object(&self, level: usize) -> bool {
        self.0
            .get(level / 64)
            .is_some_and(|word| word >> (level % 64) & 1 == 1)
    }
}

/// Validates the value at `start` (a container there is at nesting level `depth`) without
/// building or decoding anything; returns the position after it. A loop over an explicit stack
/// of levels instead of recursion: most of a body's bytes are outside what an event check
/// reads, and this is where they are checked.
fn skip_value(b: &[u8], start: usize, depth: usize, keys: &mut Keys) -> Result<usize, Error> {
    let outside = depth - 1;
    let mut level = outside;
    let mut levels = Levels([0; MAX_DEPTH / 64 + 1]);
    // Whether the container at `level` is an object (meaningless at `outside`).
    let mut object = false;
    let mut i = start;
    'value: loop {
        // At a value, whitespace skipped.
        match b.get(i) {
            Some(&open @ (b'{' | b'[')) => {
                level += 1;
                if level > MAX_DEPTH {
                    return Err(fail(i, &format!("nesting deeper than {MAX_DEPTH} levels")));
                }
                object = open == b'{';
                levels.set(level, object);
                i = skip_ws(b, i + 1);
                // `}` is `{` + 2 and `]` is `[` + 2.
                if b.get(i) == Some(&(open + 2)) {
                    i += 1;
                    level -= 1;
                    object = levels.is_object(level);
                } else {
                    if object {
                        i = scan_key(b, i, keys)?;
                    }
                    continue 'value;
                }
            }
            Some(b'"') => i = scan_string(b, i)?.0,
            Some(b't') => i = scan_literal(b, i, b"true")?,
            Some(b'f') => i = scan_literal(b, i, b"false")?,
            Some(b'n') => i = scan_literal(b, i, b"null")?,
            Some(b'-' | b'0'..=b'9') => i = scan_number(b, i)?,
            Some(_) => return Err(fail(i, "expected a JSON value")),
            None => return Err(fail(i, "unexpected end of the body")),
        }
        // After a value: the next one in its container, or the container's end.
        loop {
            if level == outside {
                return Ok(i);
            }
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b',') => {
                    i = skip_ws(b, i + 1);
                    if object {
                        i = scan_key(b, i, keys)?;
                    }
                    continue 'value;
                }
                Some(b'}') if object => {}
                Some(b']') if !object => {}
                _ if object => return Err(fail(i, "expected ',' or '}'")),
                _ => return Err(fail(i, "expected ',' or ']'")),
            }
            i += 1;
            level -= 1;
            object = levels.is_object(level);
        }
    }
}

/// An object member's key and colon at `i`: the position of its value, whitespace skipped.
#[inline(always)]
fn scan_key(b: &[u8], i: usize, keys: &mut Keys) -> Result<usize, Error> {
    if b.get(i) != Some(&b'"') {
        return Err(fail(i, "expected a string key"));
    }
    let (end, escapes, non_ascii) = scan_string(b, i)?;
    keys.note(escapes, non_ascii);
    let i = skip_ws(b, end);
    if b.get(i) != Some(&b':') {
        return Err(fail(i, "expected ':'"));
    }
    Ok(skip_ws(b, i + 1))
}

/// Writes the canonical form of a document as it reads it: scalars and arrays go straight to
/// the output; an object's members too, and only when their order or duplicates call for it is
/// the object rewritten in `JSON.stringify`'s order: its members' ranges are kept in that order,
/// and the output is given in pieces at the end with them ([`Writer::write_range`]), so that no
/// text is moved once per level of nesting (SECURITY.md, finding 10), nor copied whole to be
/// hashed (finding 13). Nothing is built but
/// the output, for each open object three positions per member, and for each rewritten object
/// two per member: checking a body costs about its own size in memory (see SECURITY.md), where
/// a tree of values cost ~35 times it.
struct Writer<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// UTF-8: the body's checked text, escapes and ASCII.
    out: Vec<u8>,
    /// The members of the open objects, innermost last.
    members: Vec<Member>,
    /// The objects to rewrite, each with its members' ranges in `ordered`.
    rewrites: Vec<Rewrite>,
    /// The output ranges (`"key":value`) of the rewritten objects' members, in their new order.
    ordered: Vec<(Position, Position)>,
    /// This body's last long number and its canonical text (printed again if it repeats).
    last_long: LastLong<'a>,
}

/// An object of the output to write with its members in another order: its `{` at `open`, its
/// `}` at `close`, its members' ranges in `ordered[from..to]`.
struct Rewrite {
    open: usize,
    close: usize,
    from: usize,
    to: usize,
}

impl<'a> Writer<'a> {
    fn fail(&self, what: &str) -> Error {
        fail(self.pos, what)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        self.pos = skip_ws(self.bytes, self.pos);
    }

    /// Writes the input from `start` to `end`, text that [`scan_string`] checked.
    fn push_input(&mut self, start: usize, end: usize) {
        push_bytes(
            &mut self.out,
            self.bytes.get(start..end).unwrap_or_default(),
        );
    }

    /// Moves past a scanned literal, writing it.
    fn literal(&mut self, word: &'static [u8]) -> Result<(), Error> {
        self.pos = scan_literal(self.bytes, self.pos, word)?;
        push_bytes(&mut self.out, word);
        Ok(())
    }

    /// Makes room for `extra` more bytes of output. Its growth is part of what a request may
    /// cost, and an allocator cannot reuse the blocks a doubling `String` leaves behind: it grows
    /// to what the output so far says the whole will be (`1e20` prints as 21 digits), by half
    /// at least.
    fn room(&mut self, extra: usize) {
        let (len, capacity) = (self.out.len(), self.out.capacity());
        if capacity - len < extra {
            let whole = len as u64 * self.bytes.len() as u64 / self.pos.max(1) as u64;
            let estimate = usize::try_from(whole).unwrap_or(usize::MAX) + len / 16;
            self.out
                .reserve_exact(extra.max(capacity / 2).max(estimate.saturating_sub(len)));
        }
    }

    /// A value at container nesting level `depth` (the top value is level 0).
    fn value(&mut self, depth: usize) -> Result<(), Error> {
        self.room(SLACK);
        self.ws();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                self.pos = scan_number(self.bytes, start)?;
                let raw = self.bytes.get(start..self.pos).unwrap_or_default();
                write_canonical(raw, &mut self.out, &mut self.last_long);
                Ok(())
            }
            Some(_) => Err(self.fail("expected a JSON value")),
            None => Err(self.fail("unexpected end of the body")),
        }
    }

    /// Steps into a container at level `depth`, writing its opening bracket.
    fn enter(&mut self, depth: usize, open: u8) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(self.fail(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.pos += 1;
        self.out.push(open);
        self.ws();
        Ok(())
    }

    /// After a container's item: whether another follows (`,` written), or the container
    /// ends (`close` passed, not written).
    #[inline(always)]
    fn next_item(&mut self, close: u8, what: &str) -> Result<bool, Error> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.out.push(b',');
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.fail(what)),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), Error> {
        let open = self.out.len();
        self.enter(depth, b'{')?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.out.push(b'}');
            return Ok(());
        }
        let base = self.members.len();
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.fail("expected a string key"));
            }
            let start = self.out.len();
            self.key()?;
            let start = self.replace_previous(base, start);
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.fail("expected ':'"));
            }
            self.pos += 1;
            self.out.push(b':');
            let value = self.out.len();
            self.value(depth)?;
            let end = self.out.len();
            self.members.push(Member {
                start: Position::at(start),
                value: Position::at(value),
                end: Position::at(end),
            });
            if !self.next_item(b'}', "expected ',' or '}'")? {
                break;
            }
        }
        self.order_members(open, base);
        self.members.truncate(base);
        self.out.push(b'}');
        Ok(())
    }

    /// For the key just written from `start`: when the object's member before it (from `base`)
    /// has the same key, that member's value is dropped, with the objects to rewrite in it, and
    /// this key's text: this member is written in its place, the key's first place with its last
    /// value, as `JSON.stringify` gives them. Where the member starts.
    ///
    /// So an object of one key repeated (`{"0":0,"0":0,…}`, review AN) costs what one member
    /// does, where each member was kept to the object's end and found a duplicate there.
    fn replace_previous(&mut self, base: usize, start: usize) -> usize {
        let Some(&Member {
            start: to, value, ..
        }) = self.members.last().filter(|_| self.members.len() > base)
        else {
            return start;
        };
        let (to, colon) = (to.get(), value.get() - 1);
        let previous_key = self.out.get(to..colon);
        let key = self.out.get(start..).unwrap_or_default();
        // The last character first: most keys in a row differ there (`k1`, `k2`) if not in length.
        let last = |key: &[u8]| key.len().checked_sub(2).and_then(|i| key.get(i)).copied();
        if !previous_key.is_some_and(|p| last(p) == last(key) && same_bytes(p, key)) {
            return start;
        }
        self.out.truncate(colon);
        self.members.pop();
        while let Some(rewrite) = self.rewrites.pop_if(|r| r.open >= colon) {
            self.ordered.truncate(rewrite.from);
        }
        to
    }

    /// Gives the output from `start` to `end` to `emit`, the objects recorded in `rewrites`
    /// (sorted by position) with their members in order, those in them too: each byte once.
    fn write_range(&self, start: usize, end: usize, emit: &mut dyn FnMut(&[u8])) {
        let mut at = start;
        let mut next = self.rewrites.partition_point(|r| r.open < start);
        while let Some(r) = self.rewrites.get(next).filter(|r| r.open < end) {
            emit(self.out.get(at..r.open).unwrap_or_default());
            emit(b"{");
            let members = self.ordered.get(r.from..r.to).unwrap_or_default();
            for (i, &(member_start, member_end)) in members.iter().enumerate() {
                if i > 0 {
                    emit(b",");
                }
                self.write_range(member_start.get(), member_end.get(), emit);
            }
            emit(b"}");
            at = r.close + 1;
            // Past the objects inside this one.
            next = self.rewrites.partition_point(|r| r.open < at);
        }
        emit(self.out.get(at..end).unwrap_or_default());
    }

    /// Records the members from `base` of the object written from `open` (its `}` next) for a
    /// rewrite in `JSON.stringify`'s order, when they are not in it already (most objects: no
    /// duplicate, no index key out of place).
    fn order_members(&mut self, open: usize, base: usize) {
        let members = self.members.get(base..).unwrap_or_default();
        if members.len() < 2 {
            return;
        }
        let Some(order) = member_order(&self.out, members) else {
            return;
        };
        let from = self.ordered.len();
        self.ordered.reserve(order.len());
        self.ordered.extend(
            order
                .iter()
                .filter_map(|&m| members.get(m))
                .map(|m| (m.start, m.end)),
        );
        self.rewrites.push(Rewrite {
            open,
            close: self.out.len(),
            from,
            to: self.ordered.len(),
        });
    }

    fn array(&mut self, depth: usize) -> Result<(), Error> {
        self.enter(depth, b'[')?;
        if self.peek() != Some(b']') {
            loop {
                self.value(depth)?;
                if !self.next_item(b']', "expected ',' or ']'")? {
                    break;
                }
            }
        } else {
            self.pos += 1;
        }
        self.out.push(b']');
        Ok(())
    }

    /// An object's key at its opening quote: plain ASCII text (most keys) copied here, any other
    /// by [`Writer::string`]. A call of `string` per member cost an object of short members a
    /// tenth of its time, and `string` inlined (all of the scan) 3.8 KB of the `.wasm`; string
    /// values read this way gained nothing.
    #[inline(always)]
    fn key(&mut self) -> Result<(), Error> {
        let open = self.pos;
        let close = plain_run(self.bytes, open + 1);
        if self.bytes.get(close) != Some(&b'"') {
            return self.string();
        }
        self.room(close + 1 - open + SLACK);
        self.push_input(open, close + 1);
        self.pos = close + 1;
        Ok(())
    }

    /// A string at its opening quote, written in canonical escaped form with its quotes. Text
    /// without backslashes is already canonical (it cannot hold quotes, controls or
    /// surrogates), and so is text whose escapes `JSON.stringify` writes as they are: both are
    /// copied (a text of short runs between `\n`s was 2.35× V8's parse and print otherwise).
    fn string(&mut self) -> Result<(), Error> {
        let open = self.pos;
        let (end, escapes, _) = scan_string(self.bytes, open)?;
        let close = end - 1;
        // The canonical text is never longer than the escaped one.
        self.room(end - open + SLACK);
        self.out.push(b'"');
        if escapes != Escapes::Rewrite {
            self.push_input(open + 1, close);
            self.out.push(b'"');
            self.pos = end;
            return Ok(());
        }
        // Checked text: decode its escapes. scan_string validated every escape and byte, so
        // the loop only splits runs at backslashes (the next stop of text_run, as the string
        // holds no quote or control character before `close`) and reads the escapes without
        // re-checking.
        let body = self.bytes.get(open + 1..close).unwrap_or_default();
        let mut i = 0;
        loop {
            // Escapes often come in a row (a text of `\u` escapes): no search between them.
            if body.get(i) != Some(&b'\\') {
                let k = text_run(body, i);
                self.push_input(open + 1 + i, open + 1 + k);
                i = k;
            }
            let out = &mut self.out;
            match body.get(i + 1) {
                None => break,
                Some(b'/') => out.push(b'/'),
                Some(b'u') => {
                    let unit = checked_hex4(body, i + 2);
                    // A high surrogate followed by a `\u` low surrogate: one character.
                    if (0xD800..0xDC00).contains(&unit) && body.get(i + 6..i + 8) == Some(b"\\u") {
                        let low = checked_hex4(body, i + 8);
                        if (0xDC00..0xE000).contains(&low) {
                            let c = 0x10000
                                + ((u32::from(unit) - 0xD800) << 10)
                                + (u32::from(low) - 0xDC00);
                            push_char(
                                char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
                                out,
                            );
                            i += 12;
                            continue;
                        }
                    }
                    // The UTF-8 of the unit, written here (through `char::encode_utf8` and its
                    // copy, a text of `\u00e9` escapes took 12 % longer to reject).
                    match unit {
                        0..=0x7F => push_escaped(char::from(unit as u8), out),
                        0x80..=0x7FF => {
                            out.push(0xC0 | (unit >> 6) as u8);
                            out.push(0x80 | (unit & 0x3F) as u8);
                        }
                        // A lone surrogate: JSON.stringify escapes it, lower-case.
                        0xD800..=0xDFFF => push_unit_escape(unit, out),
                        _ => {
                            out.push(0xE0 | (unit >> 12) as u8);
                            out.push(0x80 | (unit >> 6 & 0x3F) as u8);
                            out.push(0x80 | (unit & 0x3F) as u8);
                        }
                    }
                    i += 4;
                }
                // The other escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`), as they are.
                Some(_) => push_bytes(out, body.get(i..i + 2).unwrap_or_default()),
            }
            i += 2;
        }
        self.out.push(b'"');
        self.pos = end;
        Ok(())
    }
}

/// The code unit of four hex digits at `i` already checked ([`hex_digits`], by [`scan_string`]
/// or [`hex4`]): each digit's low nibble, plus 9 for a letter (`a`–`f` and `A`–`F` both have
/// bit 6 set, digits not).
#[inline(always)]
fn checked_hex4(b: &[u8], i: usize) -> u16 {
    let quad = b
        .get(i..i + 4)
        .and_then(|q| <[u8; 4]>::try_from(q).ok())
        .unwrap_or(*b"0000");
    quad.iter().fold(0, |unit, &c| {
        unit << 4 | u16::from((c & 0xF) + 9 * (c >> 6))
    })
}

/// Appends [`unit_escape`] of `unit`.
fn push_unit_escape(unit: u16, out: &mut Vec<u8>) {
    out.extend_from_slice(&unit_escape(unit));
}

/// `\\u` and the four lower-case hex digits of the UTF-16 code unit `unit`, as `JSON.stringify`
/// writes it (the wasm binding's escaped reads write non-ASCII characters so too).
pub(crate) fn unit_escape(unit: u16) -> [u8; 6] {
    // A table, not a branch per digit: 6 % quicker in the wasm's escaped reads.
    let hex = |shift: u16| {
        b"0123456789abcdef"
            .get(usize::from(unit >> shift & 0xF))
            .copied()
            .unwrap_or_default()
    };
    [b'\\', b'u', hex(12), hex(8), hex(4), hex(0)]
}

/// Appends `bytes`: a few (a key, a number) a byte at a time, which costs less than the copy's
/// call in the wasm (a copy whose length is not known when compiled is a `memory.copy`, which V8
/// runs as a call out of the wasm code).
pub(crate) fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if bytes.len() <= 16 {
        for &byte in bytes {
            out.push(byte);
        }
    } else {
        out.extend_from_slice(bytes);
    }
}

/// Appends the UTF-8 of `c`.
fn push_char(c: char, out: &mut Vec<u8>) {
    push_bytes(out, c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// Appends `c` as `JSON.stringify` writes it inside a string.
fn push_escaped(c: char, out: &mut Vec<u8>) {
    match c {
        '"' => out.extend_from_slice(b"\\\""),
        '\\' => out.extend_from_slice(b"\\\\"),
        '\u{8}' => out.extend_from_slice(b"\\b"),
        '\u{c}' => out.extend_from_slice(b"\\f"),
        '\n' => out.extend_from_slice(b"\\n"),
        '\r' => out.extend_from_slice(b"\\r"),
        '\t' => out.extend_from_slice(b"\\t"),
        c if (c as u32) < 0x20 => {
            push_unit_escape(c as u16, out);
        }
        c => push_char(c, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/vectors/keys.json: what the check finds in each body's keys, which the JS binding
    /// reads to keep escaped keys from V8's `JSON.parse`.
    #[test]
    fn keys_of_the_vectors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/keys.json");
        let text = std::fs::read_to_string(path).expect("tests/vectors/keys.json");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let cases = doc["cases"].as_array().expect("cases");
        assert!(cases.len() >= 5);
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let expected = Keys {
                escaped: case["keys"]["escaped"].as_bool().expect("escaped"),
                non_ascii: case["keys"]["nonAscii"].as_bool().expect("nonAscii"),
            };
            let body = case["body"].as_str().expect("body").as_bytes();
            assert_eq!(pick(body, &[], &mut []).ok(), Some(expected), "{name}");
            // The same through the picks, which read the top level and `data` themselves.
            assert_eq!(
                crate::event::read(body).ok().map(|r| r.1),
                Some(expected),
                "{name}"
            );
        }
    }

    #[test]
    fn keys_are_told_apart_from_values_at_every_depth() {
        let keys = |text: &str| pick(text.as_bytes(), &[], &mut []).expect(text);
        let none = Keys::default();
        let escaped = Keys {
            escaped: true,
            non_ascii: false,
        };
        let wide = Keys {
            escaped: false,
            non_ascii: true,
        };
        assert_eq!(keys(r#"{"a":"\n é","b":["\"",{"c":"ü"}]}"#), none);
        assert_eq!(keys(r#"{"a":[[{"b":{"\/":1}}]]}"#), escaped);
        assert_eq!(keys(r#"{"a":[{"x":1},{"é":2}]}"#), wide);
        assert_eq!(
            keys(r#"{"\u00e9":1,"é":2}"#),
            Keys {
                escaped: true,
                non_ascii: true
            }
        );
    }

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
        // Escapes JSON.stringify writes as they are: the string is copied as it is; one `\/` or
        // `\u` among them and it is written escape by escape.
        let short = r#"{"a\tb":"é\"\\\b\f\n\r\tx"}"#;
        assert_eq!(canon(short), short);
        assert_eq!(canon(r#""é\n\/\n""#), r#""é\n/\n""#);
        assert_eq!(canon(r#""\n\u000A\t""#), r#""\n\n\t""#);
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
        // A key repeating the member before it takes that member's place (replace_previous),
        // with the objects to rewrite inside the value it replaces dropped.
        for (body, canonical) in [
            (r#"{"0":0,"0":1,"0":2}"#, r#"{"0":2}"#),
            (r#"{"0":0,"0":1,"x":2,"0":3}"#, r#"{"0":3,"x":2}"#),
            (
                r#"{"x":0,"a":1,"\u0061":2,"y":3}"#,
                r#"{"x":0,"a":2,"y":3}"#,
            ),
            (
                r#"{"ab":1,"a":2,"a":{"1":0,"0":0}}"#,
                r#"{"ab":1,"a":{"0":0,"1":0}}"#,
            ),
            (
                r#"{"b":0,"a":{"1":0,"0":{"3":0,"2":0}},"a":{"1":0,"0":0},"c":{"1":1,"0":1}}"#,
                r#"{"b":0,"a":{"0":0,"1":0},"c":{"0":1,"1":1}}"#,
            ),
            (
                r#"[{"a":{"2":0,"1":0},"a":1},{"1":0,"0":0}]"#,
                r#"[{"a":1},{"0":0,"1":0}]"#,
            ),
            // A long number printed in the value replaced is printed again as it was printed,
            // not from where its printing was in the output (other text is there now).
            (
                r#"{"a":1.00000000000000000001,"a":22,"b":1.00000000000000000001}"#,
                r#"{"a":22,"b":1}"#,
            ),
            (
                r#"{"a":[7.00000000000000000001],"a":0,"b":7.00000000000000000001}"#,
                r#"{"a":0,"b":7}"#,
            ),
        ] {
            assert_eq!(canon(body), canonical, "{body}");
        }
    }

    /// A key that counts how often it is compared.
    struct Counted<'a>(usize, &'a std::cell::Cell<usize>);

    impl PartialEq for Counted<'_> {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other).is_eq()
        }
    }

    impl Eq for Counted<'_> {}

    impl PartialOrd for Counted<'_> {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }

    impl Ord for Counted<'_> {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.1.set(self.1.get() + 1);
            self.0.cmp(&other.0)
        }
    }

    #[test]
    fn duplicates_cost_n_log_n_comparisons_even_when_every_hash_collides() {
        // The hash is not keyed: a body can hold keys whose hashes all meet (SECURITY.md,
        // finding 10). Whatever the hash, finding duplicates must stay O(n log n).
        let comparisons = std::cell::Cell::new(0);
        let n = 1 << 12;
        // Every key twice (the second copies at the end), all with one hash.
        let key = |i: usize| Counted(i % n, &comparisons);
        let last = last_values(2 * n, key, |_: &Counted| 0);
        let expected: Vec<usize> = (0..2 * n)
            .map(|i| if i < n { i + n } else { usize::MAX })
            .collect();
        assert_eq!(last, expected);
        assert!(
            comparisons.get() <= 32 * 2 * n,
            "{} comparisons for {} keys",
            comparisons.get(),
            2 * n
        );
    }

    /// Review DJ: keys that spread stay on the hash table (linear), never falling back to
    /// sorting: what `last_values` promises for bodies that are not hostile.
    #[test]
    fn ordinary_keys_stay_on_the_hash_table() {
        for n in [2usize, 3, 10, 1000, 100_000] {
            let keys: Vec<String> = (0..n).map(|i| format!("key{i}")).collect();
            let key = |i: usize| Key(keys[i].as_bytes());
            assert_eq!(
                hashed_last_values(n, &key, fnv1a),
                Some((0..n).collect()),
                "{n}"
            );
        }
    }

    /// Review DJ: `same_bytes` is equality (used by `replace_previous`, `Canonical::is` and the
    /// last long number), across chunk boundaries and lengths.
    #[test]
    fn same_bytes_is_equality() {
        let texts: [&[u8]; 7] = [
            b"",
            b"a",
            b"abcdefgh",
            b"abcdefgh1",
            b"abcdefgh2",
            b"abcdefghabcdefgh",
            b"abcdefghabcdefgi",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_bytes(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn sorting_finds_what_hashing_finds() {
        // Keys from a small set: many duplicates, in every order.
        let names = [
            "",
            "a",
            "b",
            "1",
            "01",
            "10",
            "ab",
            "\\u0000",
            "abcdefgh",
            "abcdefgh1",
            "abcdefgh2",
            "abcdefghabcdefgh",
            "abcdefghabcdefgi",
            "abcdefgiabcdefgh",
        ];
        // Keys compare as their text does, whatever their lengths and common prefixes.
        for a in names {
            for b in names {
                assert_eq!(
                    Key(a.as_bytes()).cmp(&Key(b.as_bytes())),
                    a.cmp(b),
                    "{a:?} {b:?}"
                );
                assert_eq!(
                    Key(a.as_bytes()) == Key(b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for _ in 0..5_000 {
            let keys: Vec<&str> = (0..next() % 40)
                .map(|_| names[next() % names.len()])
                .collect();
            let key = |i: usize| Key(keys[i].as_bytes());
            let hashed = hashed_last_values(keys.len(), &key, fnv1a);
            assert_eq!(
                hashed,
                Some(sorted_last_values(keys.len(), &key)),
                "{keys:?}"
            );
        }
    }

    #[test]
    fn rewritten_objects_inside_rewritten_objects() {
        // Each written once at the end, in order; one inside a dropped duplicate not at all.
        for (body, canonical) in [
            (
                r#"{"x":{"x":{"b":1,"0":2},"0":3},"0":4}"#,
                r#"{"0":4,"x":{"0":3,"x":{"0":2,"b":1}}}"#,
            ),
            (
                r#"{"a":{"1":0,"0":0},"a":{"b":{"1":1,"0":0}},"0":[{"c":1,"c":2,"2":{"z":0,"1":1}}]}"#,
                r#"{"0":[{"2":{"1":1,"z":0},"c":2}],"a":{"b":{"0":0,"1":1}}}"#,
            ),
            (
                r#"[{"1":{"1":1,"0":0},"0":{"y":{"3":3,"2":2}}},{"k":1,"k":{"1":1,"0":0}}]"#,
                r#"[{"0":{"y":{"2":2,"3":3}},"1":{"0":0,"1":1}},{"k":{"0":0,"1":1}}]"#,
            ),
        ] {
            assert_eq!(canon(body), canonical);
        }
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
            // Review DI: words of a literal's length that are not one, and brackets that do not
            // match (also refused where the event check skips a member: events.json).
            "trux",
            "True",
            "nulL",
            "falsy",
            "[truE]",
            "{\"a\":nuls}",
            "[1}",
            "{\"a\":1]",
            "[[1},2]",
        ] {
            let err = canonicalize(bad.as_bytes()).expect_err(bad);
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{bad:?}");
        }
        let err = canonicalize(b"{\"a\":\"\xff\"}").expect_err("bad utf-8");
        assert!(err.message().contains("UTF-8"), "{err}");
    }

    #[test]
    fn skip_digits_stops_at_the_first_non_digit() {
        for text in [
            "",
            "1234567",
            "12345678",
            "123456789",
            "0123456789012345678",
        ] {
            for tail in ["", "/", ":", "e", ".", "\u{ff}", "\u{3a}00000000"] {
                let b = format!("{text}{tail}1");
                assert_eq!(
                    skip_digits(b.as_bytes(), 0),
                    text.len() + usize::from(tail.is_empty()),
                    "{b}"
                );
            }
        }
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

    const PICKS: &[Pick] = &[
        Pick {
            name: "a",
            slot: 0,
            inner: &[Pick {
                name: "b",
                slot: 1,
                inner: &[],
            }],
        },
        Pick {
            name: "c",
            slot: 2,
            inner: &[],
        },
    ];

    fn picked(doc: &str) -> Result<[Option<&str>; 3], Error> {
        let mut found = [None; 3];
        pick(doc.as_bytes(), PICKS, &mut found)?;
        Ok(found.map(|v| v.map(|v| std::str::from_utf8(v).expect("text"))))
    }

    #[test]
    fn pick_finds_the_last_member_and_checks_the_rest() {
        assert_eq!(
            picked(r#" {"a" : {"b":[1, 2] ,"y":4}, "x":[3], "c":"\u0041"} "#).expect("valid"),
            [
                Some(r#"{"b":[1, 2] ,"y":4}"#),
                Some("[1, 2]"),
                Some(r#""\u0041""#)
            ]
        );
        // The last of duplicate names, as JSON.parse reads them: an earlier object's members
        // do not survive a later one.
        assert_eq!(
            picked(r#"{"a":{"b":1},"a":{"y":2}}"#).expect("valid"),
            [Some(r#"{"y":2}"#), None, None]
        );
        assert_eq!(
            picked(r#"{"a":{"b":1},"a":"s"}"#).expect("valid"),
            [Some(r#""s""#), None, None]
        );
        // Keys match by their decoded text; members of a non-object are not looked for.
        assert_eq!(
            picked(r#"{"\u0061":{"\u0062":true},"c":{"b":1}}"#).expect("valid"),
            [Some(r#"{"\u0062":true}"#), Some("true"), Some(r#"{"b":1}"#)]
        );
        assert_eq!(picked("{}").expect("valid"), [None, None, None]);
        for (doc, found) in [
            ("[1,2]", "an array"),
            ("\"a\"", "a string"),
            ("1", "a number"),
        ] {
            let err = picked(doc).expect_err(doc);
            assert_eq!(
                err.message(),
                format!("the top level is {found}, expected an object")
            );
        }
        for bad in [
            r#"{"a":[1,]}"#,
            r#"{"a":{"b":"\x"}}"#,
            r#"{"a":{"b":"\u12"}}"#,
            "{\"a\":{\"b\":\"\\n\u{1}\"}}",
            r#"{"a":{"b":"\"}}"#,
            r#"{"a":{"b":01}}"#,
            r#"{"z":01}"#,
            r#"{"z":"\q"}"#,
            r#"{"z":[}"#,
            r#"{"z":tru}"#,
            r#"{"z"}"#,
            r#"{"a":{"b":1,}}"#,
            r#"{"a":{"b" 1}}"#,
            r#"{"a":{1:1}}"#,
            r#"{"a":{"b":1} x"#,
            r#"{"a":1}}"#,
            r#"[1,]"#,
            "",
        ] {
            let err = picked(bad).expect_err(bad);
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{bad}");
        }
        assert!(picked(r#"{"a":{"b":"\"\\\/\b\f\n\r\t\u00e9"}}"#).is_ok());
        // The depth cap holds on skipped and on picked members alike.
        for (n, ok) in [(MAX_DEPTH - 2, true), (MAX_DEPTH - 1, false)] {
            for key in ["z", "b"] {
                let doc = format!("{{\"a\":{{\"{key}\":{}{}}}}}", "[".repeat(n), "]".repeat(n));
                assert_eq!(picked(&doc).is_ok(), ok, "{key} {n}");
            }
        }
    }

    #[test]
    fn unescape_decodes_as_json_parse() {
        for (raw, text) in [
            ("plain é", "plain é"),
            (r#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{c}\n\r\t"),
            (r#"\u0041\u00e9\u2028"#, "Aé\u{2028}"),
            (r#"\ud83d\ude00x"#, "😀x"),
            (r#"\uD83D\uDE00"#, "😀"),
            (r#"\ud800x\udc00\ud800\u0041"#, "\u{fffd}x\u{fffd}\u{fffd}A"),
            (r#"\ud800\ud800\udc00"#, "\u{fffd}\u{10000}"),
            // Only a high surrogate pairs with the low one escaped after it.
            (r#"\u0041\udc00"#, "A\u{fffd}"),
            (r#"\udc00\udc00"#, "\u{fffd}\u{fffd}"),
        ] {
            assert_eq!(unescape(raw.as_bytes()).expect(raw), text, "{raw}");
        }
    }

    #[test]
    fn strings_accept_the_utf8_that_from_utf8_accepts() {
        // Every lead byte with every second byte (no quote, backslash or control), then a third
        // and fourth byte of each kind: first in a string, after ASCII, after one and after four
        // non-ASCII characters (the scan reads the first few one at a time, then runs).
        let tails: [&[u8]; 4] = [b"", b"\x80", b"\x80\xbf", b"\xbfx"];
        for lead in 0x80..=0xFFu8 {
            for second in (0x20..=0xFFu8).filter(|&c| c != b'"' && c != b'\\') {
                for tail in tails {
                    for before in ["", "a", "é", "éééé"] {
                        let mut text = before.as_bytes().to_vec();
                        text.extend_from_slice(&[lead, second]);
                        text.extend_from_slice(tail);
                        let json = [b"{\"k\":\"", &text[..], b"\"}"].concat();
                        let valid = std::str::from_utf8(&text).is_ok();
                        // The check alone, and the canonical writer (canonicalize would check
                        // its output's UTF-8 again).
                        assert_eq!(pick(&json, &[], &mut []).is_ok(), valid, "{text:x?}");
                        assert_eq!(Canonical::of(&json).is_ok(), valid, "{text:x?}");
                    }
                }
            }
        }
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
        assert_eq!(array_index(b"0"), Some(0));
        assert_eq!(array_index(b"4294967294"), Some(4294967294));
        assert_eq!(array_index(b"4294967295"), None);
        assert_eq!(array_index(b"00"), None);
        assert_eq!(array_index(b"-1"), None);
        assert_eq!(array_index(b"1a"), None);
        assert_eq!(array_index(b""), None);
        assert_eq!(array_index(b"9999999999"), None);
    }

    /// Review DI: where a run of non-ASCII text (read after its first four characters) stops
    /// being UTF-8 is the byte the message names, in the event check and the canonical form.
    #[test]
    fn invalid_utf8_in_a_long_run_is_reported_at_its_byte() {
        let mut body =
            br#"{"eventId":"e","type":"STATUS_CHANGE","data":{"status":"READY"},"x":""#.to_vec();
        body.extend_from_slice("éééééééé".as_bytes());
        let message = format!("the body is not valid UTF-8 at byte {}", body.len());
        body.extend_from_slice(b"\xff\"}");
        let options = crate::Options::default();
        assert_eq!(
            crate::parse(&body, &options).unwrap_err().message(),
            message
        );
        assert_eq!(canonicalize(&body).unwrap_err().message(), message);
    }
}
