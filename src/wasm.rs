//! The JS binding: every `#[wasm_bindgen]` item of the crate lives here.
//!
//! It adapts JS values to the core and turns core errors into JS `Error`s whose `name` is the
//! code; `pkg/src/api.js` (the package's hand-written API) validates arguments, reads headers
//! and rethrows those as `VesselWebhookError`.

// Built with wasm SIMD (.cargo/config.toml), which every runtime the package targets has: the
// converters below have no scalar twin, which no build would compile or test.
#[cfg(not(target_feature = "simd128"))]
compile_error!(
    "src/wasm.rs is built with wasm SIMD: `-C target-feature=+simd128` (.cargo/config.toml)"
);

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use std::cell::RefCell;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::signature::{Digester, RustSha256};
use crate::{AccessToken, Error, ErrorCode, Options, SignatureHeaders};

/// The value of checks that passed, or `None` when one failed: its error is kept for
/// [`take_error`], so that `verify` answers `false` without building a JS error.
fn passed<T>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            LAST_ERROR.set(Some(error));
            None
        }
    }
}

/// The error of the last check that failed, as a JS `Error` whose `name` is the code (undefined
/// when there is none).
#[wasm_bindgen]
pub fn take_error() -> JsValue {
    LAST_ERROR.take().map_or(JsValue::UNDEFINED, |error| {
        let js = js_sys::Error::new(error.message());
        js.set_name(error.code().as_str());
        js.into()
    })
}

/// Give back the input buffer's room after a body this large, when the next is much smaller.
const SHRINK_ABOVE: usize = 1 << 20;

/// Room kept before a raw body in the input buffer for the access token, and after it for the
/// timestamp (at most 16 digits, checked before hashing), so that a native SHA-256 hashes
/// token ‖ body ‖ timestamp in place, as one run of memory.
const TOKEN_ROOM: usize = 512;
const TIMESTAMP_ROOM: usize = 16;

thread_local! {
    /// Where JS writes a raw body (`TextEncoder.encodeInto` for a string, `Uint8Array.set` for
    /// bytes) before a call, so that it crosses into wasm memory once, without a temporary copy:
    /// `TOKEN_ROOM` bytes, the body, `TIMESTAMP_ROOM` bytes. It keeps its size from call to call,
    /// so wasm memory stays flat.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };

    /// The room JS took in the input buffer for a body ([`input`]) since a check last read it:
    /// what it may have written there. Each check takes it ([`with_body`]), so that a check of a
    /// body JS did not write, were JS and the wasm to disagree on the size cap, reads no bytes of
    /// the body before it, another delivery's (review DE).
    static WRITTEN: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };

    /// Where Node writes a string body as UTF-16, for [`utf16_to_input`].
    static UTF16: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };

    /// Whether the last [`utf16_to_input`] met a lone surrogate (written as U+FFFD).
    static LONE_SURROGATE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };

    /// What the keys of the body of the last check that passed hold ([`checked_keys`]).
    static KEYS: std::cell::Cell<crate::json::Keys> =
        const { std::cell::Cell::new(crate::json::Keys { escaped: false, non_ascii: false }) };

    /// The error of the last failed check, until JS takes it.
    static LAST_ERROR: RefCell<Option<Error>> = const { RefCell::new(None) };

    /// The access token of the last calls that passed one (not several): set by [`set_token`]
    /// only when it changes, so that the common call, one app-wide token, does not copy it
    /// into wasm memory each time.
    static TOKEN: RefCell<Option<AccessToken>> = const { RefCell::new(None) };

    /// The runtime's own SHA-256, when its entry point installed one.
    static NATIVE_SHA256: RefCell<Option<NativeSha256>> = const { RefCell::new(None) };
}

#[wasm_bindgen]
extern "C" {
    /// A JS object whose `sha256(address, length, out)` writes the SHA-256 of the `length` bytes
    /// of wasm memory at `address` to the 32 bytes at `out` and returns the number of bytes it
    /// wrote there (0 when it cannot), and whose `sha256_parts` does the same for the bytes of
    /// three ranges in turn. Only 32 counts: anything else, a throw included, and the wasm hashes
    /// with its own SHA-256 (issue 14: a write that silently did nothing left an all-zero digest
    /// that an attacker can send).
    pub type NativeSha256;

    #[wasm_bindgen(method, structural, catch)]
    fn sha256(this: &NativeSha256, address: u32, length: u32, out: u32) -> Result<u32, JsValue>;

    #[wasm_bindgen(method, structural, catch)]
    #[allow(clippy::too_many_arguments)]
    fn sha256_parts(
        this: &NativeSha256,
        token: u32,
        token_length: u32,
        message: u32,
        message_length: u32,
        timestamp: u32,
        timestamp_length: u32,
        out: u32,
    ) -> Result<u32, JsValue>;
}

/// Hash with `native` from now on (node.cjs installs node:crypto's SHA-256: the CPU's SHA
/// instructions, ~4× the software SHA-256 in this module). The result is the same SHA-256.
#[wasm_bindgen]
pub fn use_native_sha256(native: NativeSha256) {
    NATIVE_SHA256.set(Some(native));
}

/// Makes `buf` at least `size` bytes long, and gives back its room after a large body when the
/// next is much smaller.
fn reserve(buf: &mut Vec<u8>, size: usize) -> *const u8 {
    if buf.len() < size || (buf.len() > SHRINK_ABOVE && buf.len() / 4 > size) {
        *buf = vec![0; size];
    }
    buf.as_ptr()
}

/// The address of a buffer of at least `len` bytes in wasm memory for the next raw body.
#[wasm_bindgen]
pub fn input(len: usize) -> *const u8 {
    WRITTEN.set(Some(len));
    INPUT.with_borrow_mut(|buf| {
        reserve(buf, TOKEN_ROOM + len + TIMESTAMP_ROOM).wrapping_add(TOKEN_ROOM)
    })
}

/// The address of room for `units` UTF-16 code units (little-endian) of a string body, which
/// Node writes with `Buffer#write(string, address, 'utf16le')`: a plain copy of the string,
/// where `TextEncoder#encodeInto` is V8's slower UTF-8 conversion.
#[wasm_bindgen]
pub fn utf16_input(units: usize) -> *const u8 {
    UTF16.with_borrow_mut(|buf| reserve(buf, 2 * units))
}

/// Encodes the `units` code units written at [`utf16_input`] into the input buffer as UTF-8,
/// exactly as `TextEncoder` does (a lone surrogate becomes U+FFFD); returns the length in bytes.
#[wasm_bindgen]
pub fn utf16_to_input(units: usize) -> usize {
    let (len, lone) = UTF16.with_borrow_mut(|utf16| {
        let text = utf16.get(..2 * units).unwrap_or_default();
        // Above SHRINK_ABOVE, what one request leaves behind matters more than a pass over the
        // text (issue 14): room for its UTF-8 exactly, not 3 bytes per unit, and the UTF-16
        // buffer is given back for the checks to reuse.
        let room = if units > SHRINK_ABOVE {
            utf8_bound(text)
        } else {
            3 * units
        };
        input(room);
        let encoded = INPUT.with_borrow_mut(|buf| {
            buf.get_mut(TOKEN_ROOM..TOKEN_ROOM + room)
                .map_or((0, false), |utf8| encode_utf8(text, utf8))
        });
        if units > SHRINK_ABOVE {
            *utf16 = Vec::new();
        }
        encoded
    });
    LONE_SURROGATE.set(lone);
    len
}

/// Whether the string of the last [`utf16_to_input`] had a lone surrogate, which its UTF-8 (what
/// was checked) holds as U+FFFD: JS then parses the event from those bytes, not from the string.
#[wasm_bindgen]
pub fn utf16_lone_surrogate() -> bool {
    LONE_SURROGATE.get()
}

/// The length of little-endian UTF-16 `src` as UTF-8 (a lone surrogate as U+FFFD, 3 bytes;
/// a pair counted 3 + 3, an upper bound): 1 byte a unit, one more from U+0080, one more from
/// U+0800. Eight code units at a time: one unit at a time it cost a 1.1 MB string body 0.75 ms,
/// as much as all the body's checks.
fn utf8_bound(src: &[u8]) -> usize {
    /// Every bit that makes a code unit other than ASCII, in each of 8 little-endian units.
    const NOT_ASCII: u128 = 0xFF80_FF80_FF80_FF80_FF80_FF80_FF80_FF80;
    let mut blocks = src.chunks_exact(16);
    let mut bound = 0;
    for block in &mut blocks {
        let word = u128::from_le_bytes(block.try_into().unwrap_or_default());
        bound += 8 + if word & NOT_ASCII == 0 {
            0
        } else {
            extra_bytes(word)
        };
    }
    bound
        + blocks
            .remainder()
            .chunks_exact(2)
            .map(|u| utf8_len(u16::from_le_bytes(u.try_into().unwrap_or_default())))
            .sum::<usize>()
}

/// How many bytes `unit` takes in UTF-8 as [`utf8_bound`] counts it: 1 for ASCII, 2 below
/// U+0800, else 3 (a surrogate too: a pair is counted 3 + 3).
fn utf8_len(unit: u16) -> usize {
    match unit {
        0..=0x7F => 1,
        0x80..=0x7FF => 2,
        _ => 3,
    }
}

/// How many bytes more than one a code unit the eight little-endian code units of `block` take
/// in UTF-8 (as [`utf8_bound`] counts them).
fn extra_bytes(block: u128) -> usize {
    use core::arch::wasm32::{i16x8_bitmask, u16x8_ge, u16x8_splat, u64x2};
    let u = u64x2(block as u64, (block >> 64) as u64);
    let above = |least: u16| i16x8_bitmask(u16x8_ge(u, u16x8_splat(least))).count_ones() as usize;
    above(0x80) + above(0x800)
}

/// Decodes the `len` bytes of the checked body in the input buffer (valid UTF-8: the strict JSON
/// check passed) to UTF-16 at [`utf16_address`], for Node's `Buffer#toString('utf16le')` or
/// `TextDecoder('utf-16le')`, a copy: V8's own UTF-8 decoding (`TextDecoder`) is ~10× slower in
/// Node, ~1.6× in workerd. Returns the number of code units.
#[wasm_bindgen]
pub fn input_to_utf16(len: usize) -> usize {
    UTF16.with_borrow_mut(|utf16| {
        reserve(utf16, 2 * len);
        INPUT.with_borrow(|buf| {
            match (
                buf.get(TOKEN_ROOM..TOKEN_ROOM + len),
                utf16.get_mut(..2 * len),
            ) {
                (Some(utf8), Some(out)) => decode_utf8(utf8, out),
                _ => 0,
            }
        })
    })
}

/// Writes the `len` bytes of the checked body in the input buffer at [`utf16_address`] as ASCII
/// text, each non-ASCII character as JSON's `\uXXXX` escape of its UTF-16 code unit(s); returns
/// its length, or 0 (JS then reads [`input_to_utf16`]'s copy) when that would be more than an
/// eighth longer than the body (with accented letters, more than one in 32 bytes), or,
/// unless `latin1`, when no character is above U+00FF. It is the same text for `JSON.parse` (in
/// valid JSON, which the checks passed, non-ASCII characters are only inside strings), read one
/// byte a character: a one-byte string, quicker to read and to parse than two-byte text in
/// workerd (the bench event: 1 µs less at 2 KB) and in Node 20 (0.39 → 0.28 ms at 64 KB, where a
/// two-byte string over 128 KB is a large object; Node makes Latin-1 text a one-byte string
/// itself, and escaped it parsed 1 – 5 % slower). Denser non-ASCII text, such as Japanese, parses
/// slower escaped: for it only the count is made (0.1 µs for 2 KB).
#[wasm_bindgen]
pub fn input_to_escaped(len: usize, latin1: bool) -> usize {
    INPUT.with_borrow(|buf| {
        let Some(utf8) = buf.get(TOKEN_ROOM..TOKEN_ROOM + len) else {
            return 0;
        };
        // A lead byte from 0xC4 starts a character above U+00FF.
        if !latin1 && !any_from(utf8, 0xC4) {
            return 0;
        }
        let Some(extra) = escapes_extra(utf8, len / 8) else {
            return 0;
        };
        UTF16.with_borrow_mut(|out| {
            reserve(out, len + extra);
            out.get_mut(..len + extra)
                .and_then(|ascii| escape_utf8(utf8, ascii))
                .unwrap_or(0)
        })
    })
}

/// Whether a byte of `bytes` is `least` or more: sixteen bytes at a time, up to the first.
fn any_from(bytes: &[u8], least: u8) -> bool {
    use core::arch::wasm32::{u8x16_ge, u8x16_splat, v128_any_true};
    let mut blocks = bytes.chunks_exact(16);
    let vector = u8x16_splat(least);
    blocks.any(|block| v128_any_true(u8x16_ge(vector_at(block, 0), vector)))
        || blocks.remainder().iter().any(|&b| b >= least)
}

/// How many bytes longer valid UTF-8 `text` is with its non-ASCII characters as `\uXXXX`
/// escapes, or None once that is more than `most`. A character of two or three bytes takes six,
/// one of four twelve (a surrogate pair): 4 more a lead byte from 0xC0, 1 less from 0xE0, 5 more
/// from 0xF0 ([`escapes_of`]). Sixteen bytes at a time.
fn escapes_extra(text: &[u8], most: usize) -> Option<usize> {
    use core::arch::wasm32::{i8x16_bitmask, u8x16_ge, u8x16_splat};
    let mut blocks = text.chunks_exact(16);
    let mut extra = 0;
    for block in &mut blocks {
        let v = vector_at(block, 0);
        if i8x16_bitmask(v) == 0 {
            continue;
        }
        extra += escapes_of(|least| {
            i8x16_bitmask(u8x16_ge(v, u8x16_splat(least))).count_ones() as usize
        });
        if extra > most {
            return None;
        }
    }
    let tail = blocks.remainder();
    extra += escapes_of(|least| tail.iter().filter(|&&b| b >= least).count());
    (extra <= most).then_some(extra)
}

/// What escapes add to a run of valid UTF-8, from `at_least(byte)`, its number of bytes from
/// `byte` on.
fn escapes_of(at_least: impl Fn(u8) -> usize) -> usize {
    4 * at_least(0xC0) - at_least(0xE0) + 5 * at_least(0xF0)
}

/// Writes valid UTF-8 `src` into `dst` as ASCII, each non-ASCII character as `\uXXXX` escapes
/// (two for one above U+FFFF, its surrogate pair); the length written, or None when `dst` is too
/// short.
fn escape_utf8(src: &[u8], dst: &mut [u8]) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    loop {
        // A run of ASCII as it is, then the character after it escaped.
        let end = ascii_end(src, i);
        dst.get_mut(j..j + (end - i))?
            .copy_from_slice(src.get(i..end)?);
        j += end - i;
        i = end;
        let Some(&lead) = src.get(i) else {
            return Some(j);
        };
        let lead = u32::from(lead);
        // Decoded by its length, as decode_utf8 does (the bytes were checked). Not a helper
        // shared with decode_utf8: one made decode_utf8 4 % slower on Japanese text (1 MB: 857
        // → 892 µs in Node), though inlined.
        let tail = |k: usize| u32::from(src.get(i + k).map_or(0, |&b| b & 0x3F));
        let (len, c) = match lead {
            0..=0xDF => (2, (lead & 0x1F) << 6 | tail(1)),
            0xE0..=0xEF => (3, (lead & 0x0F) << 12 | tail(1) << 6 | tail(2)),
            _ => (
                4,
                (lead & 0x07) << 18 | tail(1) << 12 | tail(2) << 6 | tail(3),
            ),
        };
        i += len;
        j = match c.checked_sub(0x10000) {
            None => escape_unit(dst, j, c)?,
            Some(c) => {
                let high = escape_unit(dst, j, 0xD800 | c >> 10)?;
                escape_unit(dst, high, 0xDC00 | c & 0x3FF)?
            }
        };
    }
}

/// The first position at or after `i` of a byte of `bytes` from 0x80, else its end: sixteen
/// bytes at a time (their high bits).
fn ascii_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(block) = bytes.get(i..i + 16) {
        let high = core::arch::wasm32::i8x16_bitmask(vector_at(block, 0));
        if high != 0 {
            return i + high.trailing_zeros() as usize;
        }
        i += 16;
    }
    while bytes.get(i).is_some_and(|&b| b < 0x80) {
        i += 1;
    }
    i
}

/// Writes [`crate::json::unit_escape`] of the code unit `unit` at `dst[j..]`; the position after.
fn escape_unit(dst: &mut [u8], j: usize, unit: u32) -> Option<usize> {
    dst.get_mut(j..j + 6)?
        .copy_from_slice(&crate::json::unit_escape(unit as u16));
    Some(j + 6)
}

/// The address of the `len` bytes of the checked body in the input buffer when all of them are
/// ASCII, else null. Their Latin-1 reading (Node's and workerd's `Buffer#latin1Slice`, one byte
/// per character, no UTF-16 copy) is then their exact UTF-8 text: ~5× quicker than
/// [`input_to_utf16`] and the UTF-16 read together at 64 KB in workerd. Most deliveries are ASCII.
#[wasm_bindgen]
pub fn ascii_input(len: usize) -> *const u8 {
    INPUT.with_borrow(|buf| match buf.get(TOKEN_ROOM..TOKEN_ROOM + len) {
        Some(body) if is_ascii(body) => body.as_ptr(),
        _ => std::ptr::null(),
    })
}

/// Whether every byte of `bytes` is ASCII: eight bytes per step, their high bits or-ed together
/// (a branch-free loop). In V8 it takes 31 µs for 1 MiB, where `<[u8]>::is_ascii` takes 112 µs.
fn is_ascii(bytes: &[u8]) -> bool {
    let words = bytes.chunks_exact(8);
    let tail = words.remainder().iter().fold(0, |high, &b| high | b);
    let high = words.fold(u64::from(tail), |high, word| {
        high | <[u8; 8]>::try_from(word).map_or(u64::MAX, u64::from_le_bytes)
    });
    high & 0x8080_8080_8080_8080 == 0
}

/// The address of the UTF-16 buffer.
#[wasm_bindgen]
pub fn utf16_address() -> *const u8 {
    UTF16.with_borrow(|buf| buf.as_ptr())
}

/// From `src[i..]` to `dst[j..]`, block by block (`N` bytes in, `M` out) while `convert` takes
/// them; the positions after the last block converted.
#[inline(always)]
fn blocks<const N: usize, const M: usize>(
    src: &[u8],
    dst: &mut [u8],
    (mut i, mut j): (usize, usize),
    convert: fn([u8; N]) -> Option<[u8; M]>,
) -> (usize, usize) {
    while let (Some(block), Some(out)) = (
        src.get(i..i + N).and_then(|b| <[u8; N]>::try_from(b).ok()),
        dst.get_mut(j..j + M),
    ) {
        let Some(converted) = convert(block) else {
            break;
        };
        out.copy_from_slice(&converted);
        i += N;
        j += M;
    }
    (i, j)
}

/// Writes valid UTF-8 `src` into `dst` (at least 2 bytes per byte of `src`) as little-endian
/// UTF-16; returns the number of code units written.
fn decode_utf8(src: &[u8], dst: &mut [u8]) -> usize {
    let (mut i, mut j) = (0, 0);
    loop {
        // Sixteen ASCII bytes at a time, then eight.
        (i, j) = blocks(src, dst, (i, j), ascii_bytes::<16, 32>);
        (i, j) = blocks(src, dst, (i, j), ascii_bytes::<8, 16>);
        // Then blocks of one- and two-byte characters mixed, as encode_utf8 does.
        if let Some(at) = mixed(src, dst, (i, j), wide_chars, mixed_chars) {
            (i, j) = at;
            continue;
        }
        // One at a time up to the character that stopped the blocks.
        let lead = loop {
            match (src.get(i), dst.get_mut(j..j + 2)) {
                (Some(&ascii @ 0..=0x7F), Some(out)) => {
                    out.copy_from_slice(&[ascii, 0]);
                    i += 1;
                    j += 2;
                }
                (Some(&other), _) => break other,
                (None, _) => return j / 2,
            }
        };
        // Then the characters of a run of non-ASCII text (most of a non-Latin script's) one
        // after the other, not each after a failed block: back to the blocks at an ASCII byte.
        // Each is written by its length, as encode_utf8 does (the bytes were checked: a byte
        // missing at the end reads as a continuation byte of zeros). Once per run, at its second
        // character, where its next 16 bytes are non-ASCII, blocks of characters of one length
        // while they come so (non_ascii_chars), as in encode_utf8.
        let mut lead = lead;
        let mut second = true;
        loop {
            let tail = |k: usize| u32::from(src.get(i + k).map_or(0, |&b| b & 0x3F));
            let bits = u32::from(lead);
            let (len, units) = match lead {
                0..=0xDF => (2, [(bits & 0x1F) << 6 | tail(1), 0]),
                0xE0..=0xEF => (3, [(bits & 0x0F) << 12 | tail(1) << 6 | tail(2), 0]),
                _ => {
                    let c = (bits & 0x07) << 18 | tail(1) << 12 | tail(2) << 6 | tail(3);
                    let c = c.wrapping_sub(0x10000);
                    (4, [0xD800 | (c >> 10 & 0x3FF), 0xDC00 | (c & 0x3FF)])
                }
            };
            i += len;
            let count = if len == 4 { 2 } else { 1 };
            match dst.get_mut(j..j + 2 * count) {
                Some(out) => {
                    for (o, &unit) in out.chunks_exact_mut(2).zip(&units) {
                        o.copy_from_slice(&(unit as u16).to_le_bytes());
                    }
                    j += 2 * count;
                }
                None => return j / 2,
            }
            match src.get(i) {
                Some(&next @ 0x80..) => lead = next,
                _ => break,
            }
            if std::mem::take(&mut second) && non_ascii_bytes(src, i) {
                (i, j) = non_ascii_chars(src, dst, (i, j));
                match src.get(i) {
                    Some(&next @ 0x80..) => lead = next,
                    _ => break,
                }
            }
        }
    }
}

/// Blocks of 16 bytes of valid UTF-8 in characters of one or two bytes (in any mix) while they
/// come, up to one that is all ASCII: each block's characters as little-endian UTF-16 code units,
/// written with room for 32 bytes. A two-byte character whose second byte is in the next block
/// waits for it: that block is 15 bytes.
#[inline(never)]
fn mixed_chars(src: &[u8], dst: &mut [u8], (mut i, mut j): (usize, usize)) -> (usize, usize) {
    use core::arch::wasm32::{
        i8x16_bitmask, i8x16_eq, i8x16_shuffle, i8x16_swizzle, u16x8_extend_high_u8x16,
        u16x8_extend_low_u8x16, u16x8_lt, u16x8_shl, u16x8_splat, u64x2_extract_lane, u8x16_splat,
        v128_and, v128_any_true, v128_bitselect, v128_or,
    };
    while let (Some(block), Some(out)) = (src.get(i..i + 16), dst.get_mut(j..j + 32)) {
        let v = vector_at(block, 0);
        let non_ascii = i8x16_bitmask(v);
        if non_ascii == 0 || v128_any_true(wide_chars(v)) {
            break;
        }
        // Where characters start: at every byte but a continuation byte (10xxxxxx).
        let cont = i8x16_eq(v128_and(v, u8x16_splat(0xC0)), u8x16_splat(0x80));
        let mut starts = !i8x16_bitmask(cont);
        let mut len = 16;
        if starts & non_ascii & 0x8000 != 0 {
            starts &= 0x7FFF;
            len = 15;
        }
        // At each byte, the code unit of a character starting there: the byte (ASCII), else
        // 110xxxxx with the next byte's 10xxxxxx.
        let next = i8x16_shuffle::<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16>(v, v);
        let unit = |lead, next| {
            let two = v128_or(
                u16x8_shl(v128_and(lead, u16x8_splat(0x1F)), 6),
                v128_and(next, u16x8_splat(0x3F)),
            );
            v128_bitselect(lead, two, u16x8_lt(lead, u16x8_splat(0x80)))
        };
        let units = [
            unit(u16x8_extend_low_u8x16(v), u16x8_extend_low_u8x16(next)),
            unit(u16x8_extend_high_u8x16(v), u16x8_extend_high_u8x16(next)),
        ];
        // Each four bytes' characters packed after the ones before.
        let mut at = 0;
        for quarter in 0..4u16 {
            let mask = starts >> (4 * quarter) & 0xF;
            let half = units.get(usize::from(quarter / 2)).copied().unwrap_or(v);
            let packed = i8x16_swizzle(half, pattern(&CHAR_UNITS, mask, 8 * (quarter as u8 & 1)));
            if let Some(bytes) = out.get_mut(at..at + 8) {
                bytes.copy_from_slice(&u64x2_extract_lane::<0>(packed).to_le_bytes());
            }
            at += 2 * mask.count_ones() as usize;
        }
        i += len;
        j += at;
    }
    (i, j)
}

/// Whether the 16 bytes of `bytes` from `i` are all non-ASCII (none past its end): where a
/// block of [`non_ascii_chars`] may be, tested inline. A test of two bytes of them let runs of
/// short words (`ЖЖЖ a`) try a block at each, and decoding them cost half as much again
/// (review AP).
fn non_ascii_bytes(bytes: &[u8], i: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    word_at(bytes, i) & word_at(bytes, i + 8) & HIGH == HIGH
}

/// [`blocks`] of characters of the length of the one at `at` (eight of two or three bytes, four
/// of four) from valid UTF-8, then of the next one's length, until a block fails: one failed
/// block at most, where trying each length in turn cost text of mixed lengths three (review AQ).
/// Not inlined: see [`non_ascii_blocks`].
#[inline(never)]
fn non_ascii_chars(src: &[u8], dst: &mut [u8], mut at: (usize, usize)) -> (usize, usize) {
    loop {
        let next = match src.get(at.0) {
            Some(0xC0..=0xDF) => blocks(src, dst, at, two_byte_chars),
            Some(0xE0..=0xEF) => blocks(src, dst, at, three_byte_chars),
            Some(0xF0..) => blocks(src, dst, at, four_byte_chars),
            _ => return at,
        };
        if next == at {
            return at;
        }
        at = next;
    }
}

/// Four characters of valid UTF-8 as their 16 bytes of little-endian UTF-16 (surrogate pairs),
/// when all are of four bytes: a lead byte from F0 at every fourth byte.
fn four_byte_chars(bytes: [u8; 16]) -> Option<[u8; 16]> {
    use core::arch::wasm32::{
        u32x4_add, u32x4_all_true, u32x4_eq, u32x4_shl, u32x4_shr, u32x4_splat, u32x4_sub,
        v128_and, v128_or,
    };
    // Each character in a lane, its lead byte lowest.
    let c = vector_at(&bytes, 0);
    if !u32x4_all_true(u32x4_eq(v128_and(c, u32x4_splat(0xF8)), u32x4_splat(0xF0))) {
        return None;
    }
    let byte = |k: u32, mask: u32| v128_and(u32x4_shr(c, 8 * k), u32x4_splat(mask));
    let code = v128_or(
        v128_or(u32x4_shl(byte(0, 0x07), 18), u32x4_shl(byte(1, 0x3F), 12)),
        v128_or(u32x4_shl(byte(2, 0x3F), 6), byte(3, 0x3F)),
    );
    let above = u32x4_sub(code, u32x4_splat(0x10000));
    // The high surrogate in the low half of each lane, the low one in the high half.
    let high = u32x4_add(u32x4_shr(above, 10), u32x4_splat(0xD800));
    let low = u32x4_add(v128_and(above, u32x4_splat(0x3FF)), u32x4_splat(0xDC00));
    first_bytes(&[v128_or(high, u32x4_shl(low, 16))])
}

/// Eight characters of valid UTF-8 as their 16 bytes of little-endian UTF-16, when all are of
/// two bytes: a lead byte from C0 at every other byte (the bytes were checked, so each is
/// followed by its continuation byte).
fn two_byte_chars(bytes: [u8; 16]) -> Option<[u8; 16]> {
    use core::arch::wasm32::{
        u16x8_all_true, u16x8_eq, u16x8_shl, u16x8_shr, u16x8_splat, v128_and, v128_or,
    };
    // Each character in a lane: its lead byte low, its continuation byte high.
    let c = vector_at(&bytes, 0);
    if !u16x8_all_true(u16x8_eq(v128_and(c, u16x8_splat(0xE0)), u16x8_splat(0xC0))) {
        return None;
    }
    let high = u16x8_shl(v128_and(c, u16x8_splat(0x1F)), 6);
    let low = v128_and(u16x8_shr(c, 8), u16x8_splat(0x3F));
    first_bytes(&[v128_or(high, low)])
}

/// Eight characters of valid UTF-8 as their 16 bytes of little-endian UTF-16, when all are of
/// three bytes: a lead byte from E0 to EF at every third byte.
fn three_byte_chars(bytes: [u8; 24]) -> Option<[u8; 16]> {
    use core::arch::wasm32::{
        i8x16_shuffle, u16x8_all_true, u16x8_eq, u16x8_shl, u16x8_splat, u64x2, v128_and, v128_or,
    };
    let (a, b) = (vector_at(&bytes, 0), u64x2(word_at(&bytes, 16), 0));
    // The first, second and third bytes of the eight characters, one character a lane (each
    // byte twice: the high copy is masked off).
    let first = i8x16_shuffle::<0, 0, 3, 3, 6, 6, 9, 9, 12, 12, 15, 15, 18, 18, 21, 21>(a, b);
    let second = i8x16_shuffle::<1, 1, 4, 4, 7, 7, 10, 10, 13, 13, 16, 16, 19, 19, 22, 22>(a, b);
    let third = i8x16_shuffle::<2, 2, 5, 5, 8, 8, 11, 11, 14, 14, 17, 17, 20, 20, 23, 23>(a, b);
    if !u16x8_all_true(u16x8_eq(
        v128_and(first, u16x8_splat(0xF0)),
        u16x8_splat(0xE0),
    )) {
        return None;
    }
    let six = u16x8_splat(0x3F);
    first_bytes(&[v128_or(
        v128_or(
            u16x8_shl(v128_and(first, u16x8_splat(0x0F)), 12),
            u16x8_shl(v128_and(second, six), 6),
        ),
        v128_and(third, six),
    )])
}

/// The 16 bytes of `bytes` at `k` as a vector (0 past its end).
#[inline(always)]
fn vector_at(bytes: &[u8], k: usize) -> core::arch::wasm32::v128 {
    core::arch::wasm32::u64x2(word_at(bytes, k), word_at(bytes, k + 8))
}

/// The little-endian word of the eight bytes of `bytes` at `k` (0 past its end).
fn word_at(bytes: &[u8], k: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes.get(k..k + 8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(w)
}

/// The first `M` bytes of `vectors` as they lie in memory, one after the other.
fn first_bytes<const M: usize>(vectors: &[core::arch::wasm32::v128]) -> Option<[u8; M]> {
    use core::arch::wasm32::u64x2_extract_lane;
    let mut bytes = [0u8; 32];
    for (out, &v) in bytes.chunks_exact_mut(16).zip(vectors) {
        let lanes = [u64x2_extract_lane::<0>(v), u64x2_extract_lane::<1>(v)];
        for (word, lane) in out.chunks_exact_mut(8).zip(lanes) {
            word.copy_from_slice(&lane.to_le_bytes());
        }
    }
    let mut out = [0u8; M];
    out.copy_from_slice(bytes.get(..M)?);
    Some(out)
}

/// `N` bytes (`N` is 8 or 16) as their `M = 2 N` bytes of little-endian UTF-16 code units, when
/// all are ASCII.
fn ascii_bytes<const N: usize, const M: usize>(bytes: [u8; N]) -> Option<[u8; M]> {
    use core::arch::wasm32::{u16x8_extend_high_u8x16, u16x8_extend_low_u8x16, u64x2};
    let (lo, hi) = (
        word_at(&bytes, 0),
        if N == 16 { word_at(&bytes, 8) } else { 0 },
    );
    if (lo | hi) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    let v = u64x2(lo, hi);
    first_bytes(&[u16x8_extend_low_u8x16(v), u16x8_extend_high_u8x16(v)])
}

/// `N / 2` little-endian UTF-16 code units (`N` is 16 or 32) as their `M = N / 2` bytes, when
/// all are ASCII.
fn ascii_units<const N: usize, const M: usize>(units: [u8; N]) -> Option<[u8; M]> {
    use core::arch::wasm32::{u16x8_splat, u8x16_narrow_i16x8, v128_and, v128_any_true, v128_or};
    let lo = vector_at(&units, 0);
    // Eight code units: the same block twice.
    let hi = if N == 32 { vector_at(&units, 16) } else { lo };
    if v128_any_true(v128_and(v128_or(lo, hi), u16x8_splat(0xFF80))) {
        return None;
    }
    first_bytes(&[u8x16_narrow_i16x8(lo, hi)])
}

/// Eight little-endian UTF-16 code units as their 16 bytes of UTF-8, when all are of two bytes
/// (U+0080 to U+07FF: Latin accents, Greek, Cyrillic, Hebrew, Arabic).
fn two_byte_units(units: [u8; 16]) -> Option<[u8; 16]> {
    use core::arch::wasm32::{
        u16x8_all_true, u16x8_lt, u16x8_shl, u16x8_shr, u16x8_splat, u16x8_sub, v128_and, v128_or,
    };
    let u = vector_at(&units, 0);
    if !u16x8_all_true(u16x8_lt(
        u16x8_sub(u, u16x8_splat(0x80)),
        u16x8_splat(0x780),
    )) {
        return None;
    }
    // Each unit's two bytes in its own lane: 110xxxxx, then 10xxxxxx.
    let lead = v128_or(u16x8_shr(u, 6), u16x8_splat(0xC0));
    let tail = v128_or(v128_and(u, u16x8_splat(0x3F)), u16x8_splat(0x80));
    first_bytes(&[v128_or(lead, u16x8_shl(tail, 8))])
}

/// Eight little-endian UTF-16 code units as their 24 bytes of UTF-8, when all are of three bytes
/// and none is a surrogate (U+0800 to U+FFFF: CJK, kana, Hangul, Indic scripts, and `—`).
fn three_byte_units(units: [u8; 16]) -> Option<[u8; 24]> {
    use core::arch::wasm32::{
        i8x16_shuffle, u16x8_all_true, u16x8_ge, u16x8_ne, u16x8_shl, u16x8_shr, u16x8_splat,
        u8x16_narrow_i16x8, v128_and, v128_or,
    };
    let u = vector_at(&units, 0);
    let surrogate = u16x8_splat(0xD800);
    let fits = v128_and(
        u16x8_ge(u, u16x8_splat(0x800)),
        u16x8_ne(v128_and(u, u16x8_splat(0xF800)), surrogate),
    );
    if !u16x8_all_true(fits) {
        return None;
    }
    let six = u16x8_splat(0x3F);
    let cont = u16x8_splat(0x80);
    // 1110xxxx and the first 10xxxxxx in each lane, the last 10xxxxxx of each in one byte.
    let lead = v128_or(u16x8_shr(u, 12), u16x8_splat(0xE0));
    let middle = v128_or(v128_and(u16x8_shr(u, 6), six), cont);
    let pairs = v128_or(lead, u16x8_shl(middle, 8));
    let last = v128_or(v128_and(u, six), cont);
    let lasts = u8x16_narrow_i16x8(last, last);
    // Interleaved: each unit's pair (two bytes of `pairs`), then its last (one of `lasts`).
    first_bytes(&[
        i8x16_shuffle::<0, 1, 16, 2, 3, 17, 4, 5, 18, 6, 7, 19, 8, 9, 20, 10>(pairs, lasts),
        i8x16_shuffle::<11, 21, 12, 13, 22, 14, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0>(pairs, lasts),
    ])
}

/// For each of the 16 patterns of four items (bit k set or not for item k), which bytes of a
/// vector of two bytes an item to keep, packed: `taken[bit]` of item k's two (its first, or
/// both); 0x80 fills the rest, which `i8x16.swizzle` reads as zeros.
#[allow(clippy::indexing_slicing)] // evaluated when compiled: an index out of range fails the build
const fn packing(taken: [usize; 2]) -> [[u8; 16]; 16] {
    let mut table = [[0x80; 16]; 16];
    let mut mask = 0;
    while mask < 16 {
        let (mut item, mut at) = (0, 0);
        while item < 4 {
            let mut byte = 0;
            while byte < taken[mask >> item & 1] {
                table[mask][at] = (2 * item + byte) as u8;
                at += 1;
                byte += 1;
            }
            item += 1;
        }
        mask += 1;
    }
    table
}

/// [`mixed_units`]'s: of four code units (bit set: ASCII), where their UTF-8 bytes lie.
const UNIT_BYTES: [[u8; 16]; 16] = packing([2, 1]);

/// [`mixed_chars`]'s: of four UTF-8 bytes (bit set: a character starts there), where the code
/// units of the characters lie.
const CHAR_UNITS: [[u8; 16]; 16] = packing([0, 2]);

/// Row `mask` of `table` as a vector, each index plus `offset` (8 for a vector's upper half).
fn pattern(table: &[[u8; 16]; 16], mask: u16, offset: u8) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::{u8x16_add, u8x16_splat};
    let row = table.get(usize::from(mask)).copied().unwrap_or_default();
    u8x16_add(vector_at(&row, 0), u8x16_splat(offset))
}

/// A converter of blocks from `src[i..]` to `dst[j..]`: the positions after them.
type Converter = fn(&[u8], &mut [u8], (usize, usize)) -> (usize, usize);

/// [`mixed_units`] or [`mixed_chars`] (`convert`) from `at`, when the block there fits it (no
/// lane that `wide` marks; tested inline: a call for each run of CJK text cost it 2 %) and it
/// converted one: the positions after its blocks.
#[inline(always)]
fn mixed(
    src: &[u8],
    dst: &mut [u8],
    at: (usize, usize),
    wide: fn(core::arch::wasm32::v128) -> core::arch::wasm32::v128,
    convert: Converter,
) -> Option<(usize, usize)> {
    if src.len() < at.0 + 16 || core::arch::wasm32::v128_any_true(wide(vector_at(src, at.0))) {
        return None;
    }
    Some(convert(src, dst, at)).filter(|&next| next != at)
}

/// The lanes of eight little-endian UTF-16 code units from U+0800 (three bytes of UTF-8 or a
/// surrogate), non-zero: a block of them is not [`mixed_units`]'.
fn wide_units(units: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::{u16x8_splat, v128_and};
    v128_and(units, u16x8_splat(0xF800))
}

/// The bytes of 16 of UTF-8 from 0xE0 (the lead of a character of three or four), non-zero: a
/// block of them is not [`mixed_chars`]'.
fn wide_chars(bytes: core::arch::wasm32::v128) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::{u8x16_ge, u8x16_splat};
    u8x16_ge(bytes, u8x16_splat(0xE0))
}

/// Blocks of eight little-endian UTF-16 code units below U+0800 (one or two bytes of UTF-8 each,
/// in any mix) while they come, up to one that is all ASCII (the ASCII blocks are quicker):
/// written in 8 to 16 bytes each, with room for 16. A run of `éé\n` took one unit at a time 3.5
/// ns a unit, 3× what Node's own UTF-8 writer takes.
#[inline(never)]
fn mixed_units(src: &[u8], dst: &mut [u8], (mut i, mut j): (usize, usize)) -> (usize, usize) {
    use core::arch::wasm32::{
        i16x8_bitmask, i8x16_swizzle, u16x8_lt, u16x8_shl, u16x8_shr, u16x8_splat,
        u64x2_extract_lane, v128_and, v128_any_true, v128_bitselect, v128_or,
    };
    while let (Some(block), Some(out)) = (src.get(i..i + 16), dst.get_mut(j..j + 16)) {
        let u = vector_at(block, 0);
        if v128_any_true(wide_units(u)) {
            break;
        }
        let ascii = u16x8_lt(u, u16x8_splat(0x80));
        let mask = i16x8_bitmask(ascii);
        if mask == 0xFF {
            break;
        }
        // Each unit's bytes in its lane: an ASCII unit's one (low), else 110xxxxx, 10xxxxxx.
        let lead = v128_or(u16x8_shr(u, 6), u16x8_splat(0xC0));
        let tail = v128_or(v128_and(u, u16x8_splat(0x3F)), u16x8_splat(0x80));
        let v = v128_bitselect(u, v128_or(lead, u16x8_shl(tail, 8)), ascii);
        // The two halves' bytes packed, each half's at the end of the one before.
        let (low, high) = (u16::from(mask & 0xF), u16::from(mask >> 4));
        let first = i8x16_swizzle(v, pattern(&UNIT_BYTES, low, 0));
        let second = i8x16_swizzle(v, pattern(&UNIT_BYTES, high, 8));
        let at = 8 - low.count_ones() as usize;
        let halves = [(0, first), (at, second)];
        for (k, half) in halves {
            if let Some(bytes) = out.get_mut(k..k + 8) {
                bytes.copy_from_slice(&u64x2_extract_lane::<0>(half).to_le_bytes());
            }
        }
        i += 16;
        j += at + 8 - high.count_ones() as usize;
    }
    (i, j)
}

/// Whether the eight little-endian UTF-16 code units of `units` from `i` are all non-ASCII (none
/// past its end): where a block of [`non_ascii_blocks`] may be, tested inline (as
/// [`non_ascii_bytes`]).
fn non_ascii_units(units: &[u8], i: usize) -> bool {
    use core::arch::wasm32::{u16x8_all_true, u16x8_splat, v128_and};
    let block = vector_at(units, i);
    u16x8_all_true(v128_and(block, u16x8_splat(0xFF80)))
}

/// [`blocks`] of code units of the length of the one at `at` (eight of two or three bytes, four
/// surrogate pairs), then of the next one's, until a block fails (as [`non_ascii_chars`]). Not
/// inlined (nor is [`non_ascii_chars`]): inlined, they made [`encode_utf8`] and
/// [`decode_utf8`] 3–10 % slower on text of short runs (`ЖЖЖ a`, Russian, `ééé\n`).
#[inline(never)]
fn non_ascii_blocks(src: &[u8], dst: &mut [u8], mut at: (usize, usize)) -> (usize, usize) {
    loop {
        let next = match unit_at(src, at.0) {
            Some(0x80..=0x7FF) => blocks(src, dst, at, two_byte_units),
            Some(0xD800..=0xDBFF) => blocks(src, dst, at, surrogate_pairs),
            Some(0x800..=0xD7FF | 0xE000..) => blocks(src, dst, at, three_byte_units),
            _ => return at,
        };
        if next == at {
            return at;
        }
        at = next;
    }
}

/// Four surrogate pairs (eight little-endian UTF-16 code units) as their 16 bytes of UTF-8, when
/// each of the four is a high surrogate followed by a low one (U+10000 to U+10FFFF: emoji,
/// historic scripts, rare CJK).
fn surrogate_pairs(units: [u8; 16]) -> Option<[u8; 16]> {
    use core::arch::wasm32::{
        u32x4_add, u32x4_all_true, u32x4_eq, u32x4_shl, u32x4_shr, u32x4_splat, v128_and, v128_or,
    };
    // Each pair in a lane: its high surrogate in the low half, its low one in the high half.
    let pair = vector_at(&units, 0);
    if !u32x4_all_true(u32x4_eq(
        v128_and(pair, u32x4_splat(0xFC00_FC00)),
        u32x4_splat(0xDC00_D800),
    )) {
        return None;
    }
    let ten = u32x4_splat(0x3FF);
    let code = u32x4_add(
        v128_or(
            u32x4_shl(v128_and(pair, ten), 10),
            v128_and(u32x4_shr(pair, 16), ten),
        ),
        u32x4_splat(0x10000),
    );
    let six = |shift: u32| v128_and(u32x4_shr(code, shift), u32x4_splat(0x3F));
    // 11110xxx, then three 10xxxxxx, lowest first.
    let bytes = v128_or(
        v128_or(u32x4_shr(code, 18), u32x4_shl(six(12), 8)),
        v128_or(u32x4_shl(six(6), 16), u32x4_shl(six(0), 24)),
    );
    first_bytes(&[v128_or(bytes, u32x4_splat(0x8080_80F0))])
}

/// The little-endian UTF-16 code unit of `units` at byte `i`, if there is one.
fn unit_at(units: &[u8], i: usize) -> Option<u16> {
    units
        .get(i..i + 2)
        .and_then(|u| <[u8; 2]>::try_from(u).ok())
        .map(u16::from_le_bytes)
}

/// Writes little-endian UTF-16 `src` into `dst` (at least 3 bytes per code unit) as UTF-8;
/// returns the length written and whether a lone surrogate became U+FFFD.
fn encode_utf8(src: &[u8], dst: &mut [u8]) -> (usize, bool) {
    let mut lone = false;
    let unit = |i: usize| unit_at(src, i);
    let (mut i, mut j) = (0, 0);
    loop {
        // Sixteen ASCII code units at a time, then eight.
        (i, j) = blocks(src, dst, (i, j), ascii_units::<32, 16>);
        (i, j) = blocks(src, dst, (i, j), ascii_units::<16, 8>);
        // Then blocks of one- and two-byte characters mixed (accented Latin text, Cyrillic,
        // Greek between spaces), back to the ASCII blocks after them.
        if let Some(at) = mixed(src, dst, (i, j), wide_units, mixed_units) {
            (i, j) = at;
            continue;
        }
        // One at a time up to the character that stopped the blocks.
        let first = loop {
            match (unit(i), dst.get_mut(j)) {
                (Some(ascii @ 0..=0x7F), Some(out)) => {
                    *out = ascii as u8;
                    i += 2;
                    j += 1;
                }
                (Some(other), _) => break other,
                (None, _) => return (j, lone),
            }
        };
        // Then the characters of a run of non-ASCII text one after the other (as decode_utf8),
        // each written by its length, with no char between; and once per run, at its second
        // character, where its next eight code units are non-ASCII, blocks of characters of one
        // length while they come so (a non-Latin script's; non_ascii_blocks). One accented
        // letter among ASCII, the commonest run, pays nothing for it; trying again where a
        // run's blocks end cost runs of short words more than it gained (BENCHMARKS.md).
        let mut first = first;
        let mut second = true;
        loop {
            i += 2;
            let u = u32::from(first);
            let (len, bytes) = match (first, unit(i)) {
                (0x80..=0x7FF, _) => (2, [0xC0 | u >> 6, 0x80 | u & 0x3F, 0, 0]),
                (0xD800..=0xDBFF, Some(low @ 0xDC00..=0xDFFF)) => {
                    i += 2;
                    let c = 0x10000 + ((u - 0xD800) << 10) + u32::from(low - 0xDC00);
                    let tail = |shift: u32| 0x80 | c >> shift & 0x3F;
                    (4, [0xF0 | c >> 18, tail(12), tail(6), tail(0)])
                }
                (0xD800..=0xDFFF, _) => {
                    lone = true;
                    (3, [0xEF, 0xBF, 0xBD, 0])
                }
                _ => (
                    3,
                    [0xE0 | u >> 12, 0x80 | u >> 6 & 0x3F, 0x80 | u & 0x3F, 0],
                ),
            };
            // Room for it: 3 bytes per code unit is enough for any character.
            match dst.get_mut(j..j + len) {
                Some(out) => {
                    for (o, &b) in out.iter_mut().zip(&bytes) {
                        *o = b as u8;
                    }
                    j += len;
                }
                None => return (j, lone),
            }
            match unit(i) {
                Some(next @ 0x80..) => first = next,
                _ => break,
            }
            if std::mem::take(&mut second) && non_ascii_units(src, i) {
                (i, j) = non_ascii_blocks(src, dst, (i, j));
                match unit(i) {
                    Some(next @ 0x80..) => first = next,
                    _ => break,
                }
            }
        }
    }
}

/// The instance's memory, for writing into the input buffer.
#[wasm_bindgen]
pub fn instance_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The SHA-256 of a call: the native one when installed, over token ‖ body ‖ timestamp laid out
/// in the input buffer around the body, or over the three parts of any other message (the
/// canonical form of a body that did not match); [`RustSha256`] when there is no native one, or
/// if it throws.
struct Hasher<'b> {
    before: &'b mut [u8],
    body: &'b [u8],
    after: &'b mut [u8],
}

impl Hasher<'_> {
    fn native(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> Option<[u8; 32]> {
        // Used only when the callback says it wrote all 32 bytes: never the initial value.
        let mut out = [0u8; 32];
        let at = |bytes: &[u8]| (bytes.as_ptr() as u32, bytes.len() as u32);
        let written = if std::ptr::eq(self.body, message) {
            let start = self.before.len().checked_sub(token.len())?;
            self.before.get_mut(start..)?.copy_from_slice(token);
            self.after
                .get_mut(..timestamp.len())?
                .copy_from_slice(timestamp);
            let address = self.before.as_ptr().wrapping_add(start) as u32;
            let length = (token.len() + message.len() + timestamp.len()) as u32;
            NATIVE_SHA256.with_borrow(|native| {
                native
                    .as_ref()
                    .and_then(|n| n.sha256(address, length, out.as_mut_ptr() as u32).ok())
            })
        } else {
            let [(t, t_len), (m, m_len), (s, s_len)] = [at(token), at(message), at(timestamp)];
            NATIVE_SHA256.with_borrow(|native| {
                native.as_ref().and_then(|n| {
                    n.sha256_parts(t, t_len, m, m_len, s, s_len, out.as_mut_ptr() as u32)
                        .ok()
                })
            })
        };
        (written == Some(32)).then_some(out)
    }
}

impl Digester for Hasher<'_> {
    fn digest(&mut self, token: &[u8], message: &[u8], timestamp: &[u8]) -> [u8; 32] {
        self.native(token, message, timestamp)
            .unwrap_or_else(|| RustSha256.digest(token, message, timestamp))
    }
}

/// Runs `f` on the `len` bytes of a raw body JS wrote into the input buffer (or, above `max` or
/// [`crate::MAX_BODY_BYTES_LIMIT`], the length of one it did not copy: `BODY_TOO_LARGE`, before
/// anything is allocated; `sign` has no `max`: it only hashes) and the SHA-256 to use. A body JS
/// took no room for since the last check is refused as over the cap: JS did not copy it.
fn with_body<T>(
    len: usize,
    max: Option<usize>,
    f: impl FnOnce(&[u8], &mut Hasher<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let written = WRITTEN.take();
    if let Some(max) = max {
        crate::check_size(len, max)?;
    }
    if written.is_none_or(|room| room < len) {
        return Err(crate::too_large(max.unwrap_or(len)));
    }
    INPUT.with_borrow_mut(|buf| {
        // The room is there: JS took at least `len` bytes of it (`input`, checked above).
        let Some((before, rest)) = buf.split_at_mut_checked(TOKEN_ROOM) else {
            return Err(crate::too_large(len)); // not reached: the room is there
        };
        let Some((body, after)) = rest.split_at_mut_checked(len) else {
            return Err(crate::too_large(len)); // not reached
        };
        let body: &[u8] = body;
        f(
            body,
            &mut Hasher {
                before,
                body,
                after,
            },
        )
    })
}

/// Writes `JSON.stringify(body)` of a parsed body into the input buffer, where a raw body goes,
/// and returns its length in bytes. -1 when there is nothing to check — too deep for
/// `JSON.stringify`, or longer than `max` bytes — its coded error kept for [`take_error`]: a
/// text not copied is never checked (review DE). Throws a `TypeError` for what is not a body (a
/// circular object, a BigInt…).
#[wasm_bindgen]
pub fn write_parsed(body: &JsValue, max_body_bytes: f64) -> Result<f64, JsValue> {
    let max = max_body_bytes as usize;
    // Refused by its UTF-8 length as a raw body of that length is (over the cap or the budget).
    let text =
        stringify(body, max)?.and_then(|text| crate::check_size(text.len(), max).map(|()| text));
    Ok(passed(text).map_or(-1.0, |text| {
        input(text.len());
        INPUT.with_borrow_mut(|buf| {
            buf.get_mut(TOKEN_ROOM..TOKEN_ROOM + text.len())
                .map(|room| room.copy_from_slice(text.as_bytes()))
        });
        text.len() as f64
    }))
}

/// `JSON.stringify(body)` of a parsed body, or the coded error of one too deep for it or longer
/// than `max` (refused before it is copied: a UTF-16 code unit is at least one UTF-8 byte).
fn stringify(body: &JsValue, max: usize) -> Result<Result<String, Error>, JsValue> {
    if !body.is_object() {
        return Err(js_sys::TypeError::new("body: unsupported type").into());
    }
    match JSON::stringify(body) {
        // A toJSON that returns undefined.
        Ok(text) if !text.is_string() => {
            Err(js_sys::TypeError::new("body: JSON.stringify gave no text").into())
        }
        // A UTF-16 code unit is at least one UTF-8 byte: a text longer than `max` in units is
        // refused as a string body of that length is, before it is copied.
        Ok(text) => Ok(crate::check_size(text.length() as usize, max).map(|()| String::from(text))),
        // V8 runs out of stack on objects nested some thousands deep, which express.json()
        // builds from a hostile request: a body problem, not a programmer error.
        Err(e) if e.is_instance_of::<js_sys::RangeError>() => Ok(Err(Error::new(
            ErrorCode::InvalidJson,
            "body: the parsed object is nested too deeply for JSON.stringify",
        ))),
        // A circular object or a BigInt: a programmer error. V8's own message quotes the
        // object's keys, which are the body's text, so it is not passed on.
        Err(_) => Err(js_sys::TypeError::new(
            "body: JSON.stringify failed (a circular structure, a BigInt or a throwing toJSON)",
        )
        .into()),
    }
}

fn options(tolerance_seconds: f64, max_body_bytes: f64, strict: bool) -> Options {
    Options {
        tolerance: Duration::try_from_secs_f64(tolerance_seconds).ok(),
        max_body_bytes: max_body_bytes as usize,
        strict,
    }
}

/// Makes `token` the access token of the next [`authenticate`] calls without several tokens.
/// JS calls it only when the token changes (checked in JS: a non-empty string).
#[wasm_bindgen]
pub fn set_token(token: String) {
    TOKEN.set(AccessToken::new(token));
}

/// Checks 1–7 (and check 8 when `event`) of the `len`-byte body in the input buffer (see
/// [`with_body`]): the index in `tokens` of the token that signed it (0 for [`set_token`]'s), or
/// undefined when a check failed (its error is kept for [`take_error`]). Arguments were
/// validated in JS: `tokens` are several access tokens (non-empty strings), or undefined for the
/// one of [`set_token`]; `tolerance_seconds` is ≥ 0 (Infinity disables), `now_ms` from 0 to
/// 8.64e15. Plain arguments and result, so that the call crosses with no conversion in between.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn authenticate(
    len: usize,
    signature: Option<String>,
    timestamp: Option<String>,
    tokens: Option<js_sys::Array>,
    tolerance_seconds: f64,
    now_ms: f64,
    max_body_bytes: f64,
    strict: bool,
    event: bool,
) -> Option<u32> {
    let options = options(tolerance_seconds, max_body_bytes, strict);
    let headers = SignatureHeaders {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
    };
    let now = clock(now_ms);
    let check = |tokens: &[AccessToken]| {
        passed(with_body(
            len,
            Some(options.max_body_bytes),
            |bytes, hasher| {
                crate::check_delivery(hasher, bytes, &headers, tokens, &options, now, event)
            },
        ))
        .and_then(|(signer, keys)| {
            KEYS.set(keys);
            u32::try_from(signer).ok()
        })
    };
    match tokens {
        // JS checked them; were one not a token, none is used (an index must name what JS sent).
        Some(tokens) => check(
            &(tokens.iter())
                .map(|t| t.as_string().and_then(AccessToken::new))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
        ),
        // One token is neither copied nor collected into a Vec.
        None => TOKEN.with_borrow(|token| check(token.as_slice())),
    }
}

/// Checks 1–5 of a body of `len` bytes (its length only: nothing is read) and its headers, which
/// need no token: whether they pass (else the error is kept for [`take_error`]). JS runs them
/// before it asks a resolver for the tokens, so that a request that cannot pass costs no lookup
/// and gets the code of the first check it fails. Arguments as for [`authenticate`].
#[wasm_bindgen]
pub fn check_headers(
    len: usize,
    signature: Option<String>,
    timestamp: Option<String>,
    tolerance_seconds: f64,
    now_ms: f64,
    max_body_bytes: f64,
) -> bool {
    let headers = SignatureHeaders {
        signature: signature.as_deref(),
        timestamp: timestamp.as_deref(),
    };
    let options = options(tolerance_seconds, max_body_bytes, false);
    let now = clock(now_ms);
    // A body JS wrote to learn its length (a parsed one) is written again before its check; a
    // call that ends here leaves no room noted for the next (review DG).
    WRITTEN.take();
    passed(crate::check_unsigned(len, &headers, &options, now)).is_some()
}

/// The time `now_ms` milliseconds after the epoch. `as` saturates: a clock past u64 milliseconds
/// (JS refuses one past a Date's) is the far future, where no timestamp is within the window;
/// never the epoch.
fn clock(now_ms: f64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(now_ms as u64)
}

/// Checks 1, 7 and 8 of the `len`-byte body in the input buffer: size, strict JSON and the
/// event envelope, without authenticating: whether they pass (else the error is kept for
/// [`take_error`]).
#[wasm_bindgen]
pub fn parse(len: usize, max_body_bytes: f64, strict: bool) -> bool {
    let options = options(f64::INFINITY, max_body_bytes, strict);
    passed(with_body(len, Some(options.max_body_bytes), |bytes, _| {
        crate::check_event(bytes, &options)
    }))
    .map(|keys| KEYS.set(keys))
    .is_some()
}

/// What the object keys of the body that the last [`authenticate`] or [`parse`] passed hold, as
/// written: bit 1, a backslash escape (JS then reads the body itself, not with `JSON.parse`,
/// which V8 12.8 – 15.0 may misread: [`crate::json::Keys`]); bit 2, a character beyond ASCII (JS
/// then reads no [`input_to_escaped`] copy, whose escapes would put it in such a key).
#[wasm_bindgen]
pub fn checked_keys() -> u8 {
    let keys = KEYS.get();
    u8::from(keys.escaped) | u8::from(keys.non_ascii) << 1
}

/// The hex signature of the `len`-byte body in the input buffer at `timestamp` (digits,
/// checked in JS).
#[wasm_bindgen]
pub fn sign(len: usize, token: String, timestamp: &str) -> Result<String, JsValue> {
    let token = AccessToken::new(token)
        .ok_or_else(|| JsValue::from(js_sys::TypeError::new("accessToken: empty")))?;
    with_body(len, None, |bytes, hasher| {
        Ok(crate::signature::sign_with(
            hasher, bytes, &token, timestamp,
        ))
    })
    .map_err(|error| js_sys::Error::new(error.message()).into())
}

/// The HTTP status of an error code, or undefined for a string that is not one.
#[wasm_bindgen]
pub fn status(code: &str) -> Option<u16> {
    ErrorCode::from_code(code).map(ErrorCode::status)
}

/// The largest `maxBodyBytes` (see [`crate::MAX_BODY_BYTES_LIMIT`]).
#[wasm_bindgen]
pub fn max_body_bytes_limit() -> usize {
    crate::MAX_BODY_BYTES_LIMIT
}

/// The default `maxBodyBytes`.
#[wasm_bindgen]
pub fn default_max_body_bytes() -> usize {
    crate::DEFAULT_MAX_BODY_BYTES
}
