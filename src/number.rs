//! JSON numbers as JavaScript sees them: text → nearest f64 (`JSON.parse`), f64 → text
//! (`Number#toString`, as `JSON.stringify` prints it).
//!
//! Parsing is exact (round half to even, like `JSON.parse` and `str::parse::<f64>`) with a small
//! big-integer division instead of std's decimal tables, which were a third of the gzipped wasm;
//! it only runs for the canonical form, when the raw body's signature did not match.

use std::cmp::Ordering;
use std::fmt::Write as _;

/// More significant digits than any f64 needs to round correctly (the worst case is 767);
/// the rest only matter as "some non-zero digit follows".
const MAX_DIGITS: usize = 800;

/// A non-negative big integer, little-endian base-2³² limbs without trailing zero limbs.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn small(n: u32) -> Big {
        let mut b = Big(vec![n]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(factor) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn mul_pow10(&mut self, mut exp: u32) {
        while exp > 0 {
            let step = exp.min(9);
            self.mul_add(10u32.pow(step), 0);
            exp -= step;
        }
    }

    fn bits(&self) -> u32 {
        self.0.last().map_or(0, |&top| {
            (self.0.len() as u32 - 1) * 32 + (32 - top.leading_zeros())
        })
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        self.trim();
    }

    fn shr1(&mut self) {
        let mut carry = 0u32;
        for limb in self.0.iter_mut().rev() {
            let v = (*limb >> 1) | (carry << 31);
            carry = *limb & 1;
            *limb = v;
        }
        self.trim();
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// self −= other, for self ≥ other.
    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }
}

/// m × 2^e as an f64, for m < 2⁵⁴ already rounded so the result is exact (or infinite).
fn scale(m: u64, e: i32) -> f64 {
    if m == 0 {
        return 0.0;
    }
    if e + (64 - m.leading_zeros() as i32) > 1024 {
        return f64::INFINITY;
    }
    let pow2 = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    let mut x = m as f64;
    let mut e = e;
    if e > 1023 {
        x *= pow2(1023);
        e -= 1023;
    }
    if e < -1022 {
        // m × 2^(e+1022) stays normal and exact; the last step lands exactly on the result.
        x *= pow2(e + 1022);
        e = -1022;
    }
    x * pow2(e)
}

/// The f64 nearest to a number in JSON grammar, as `JSON.parse` reads it.
pub(crate) fn parse(raw: &str) -> f64 {
    let (negative, body) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (mantissa, exponent) = body.split_once(['e', 'E']).unwrap_or((body, ""));
    // Exponent digits beyond any meaningful size saturate (1e99999999999 is still infinity).
    let (exp_negative, exp_digits) = match exponent.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exponent.trim_start_matches('+')),
    };
    let mut exp10: i64 = 0;
    for b in exp_digits.bytes() {
        exp10 = (exp10 * 10 + i64::from(b - b'0')).min(1 << 40);
    }
    if exp_negative {
        exp10 = -exp10;
    }
    // Significant digits: value = digits × 10^(exp10 + point − count).
    let mut digits = Big::small(0);
    let (mut count, mut point, mut sticky, mut seen_point) = (0usize, 0i64, false, false);
    let mut pending_zeros = 0u32;
    for b in mantissa.bytes() {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        let d = u32::from(b - b'0');
        if d == 0 && count == 0 {
            if seen_point {
                point -= 1;
            }
            continue;
        }
        if count < MAX_DIGITS {
            // Zeros are multiplied in lazily, nine at a time.
            if d == 0 {
                pending_zeros += 1;
            } else {
                digits.mul_pow10(pending_zeros);
                pending_zeros = 0;
                digits.mul_add(10, d);
            }
            count += 1;
        } else if d != 0 {
            sticky = true;
        }
        if !seen_point {
            point += 1;
        }
    }
    digits.mul_pow10(pending_zeros);
    let magnitude = if count == 0 {
        0.0
    } else {
        // 0.digits × 10^(exp10 + point): below 10^-324 rounds to 0, from 10^309 up is infinite.
        let scale10 = exp10 + point;
        if scale10 < -324 {
            0.0
        } else if scale10 > 310 {
            f64::INFINITY
        } else {
            if sticky {
                // A non-zero digit beyond the kept ones: the value is just above `digits`.
                digits.mul_add(10, 1);
                count += 1;
            }
            nearest(digits, scale10 - count as i64)
        }
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// The f64 nearest to n × 10^q (n > 0, |q| small enough to be finite work).
fn nearest(n: Big, q: i64) -> f64 {
    let q = q.clamp(-2000, 2000) as i32;
    // value = a / b
    let (mut a, mut b) = (n, Big::small(1));
    if q >= 0 {
        a.mul_pow10(q as u32);
    } else {
        b.mul_pow10(q.unsigned_abs());
    }
    // Scale by 2^s so that the quotient has exactly 54 bits: 53 and a rounding bit.
    let mut s = 53 - (a.bits() as i32 - b.bits() as i32);
    if s >= 0 {
        a.shl(s as u32);
    } else {
        b.shl(s.unsigned_abs());
    }
    let mut top = b.clone();
    top.shl(53);
    if a.cmp(&top) == Ordering::Less {
        a.shl(1);
        s += 1;
    }
    // Restoring division: 54 quotient bits, remainder left in a.
    let mut quotient = 0u64;
    for bit in (0..54).rev() {
        if a.cmp(&top) != Ordering::Less {
            a.sub(&top);
            quotient |= 1 << bit;
        }
        top.shr1();
    }
    let inexact = !a.0.is_empty();
    // value ≈ quotient × 2^-s. Drop the rounding bit, and more below the subnormal range.
    let e0 = -s;
    let drop = (-1074 - e0).max(1) as u32;
    let (kept, guard, rest) = if drop > 54 {
        (0, false, quotient != 0)
    } else {
        let kept = quotient.checked_shr(drop).unwrap_or(0);
        let guard = (quotient >> (drop - 1)) & 1 == 1;
        let rest = quotient & ((1u64 << (drop - 1)) - 1) != 0;
        (kept, guard, rest)
    };
    let round_up = guard && (rest || inexact || kept & 1 == 1);
    scale(kept + u64::from(round_up), e0 + drop as i32)
}

/// Prints a JSON number (valid grammar) as `JSON.stringify(Number(raw))` does.
///
/// Most numbers never reach the exact parser: a decimal of at most 15 significant digits in the
/// normal range (10⁻³⁰⁷ ≤ |x| < 10³⁰⁸) is the shortest decimal of the f64 nearest to it, so its
/// own digits are the ones JavaScript prints, and only their notation changes. (Two decimals of
/// at most 15 digits differ by at least 10⁻¹⁵ of their size, more than the 2⁻⁵² of an f64's
/// spacing, so no other decimal that short reads as the same f64; the shortest one that reads
/// as it is therefore this one.) This is what keeps `[1e300,…]` and `[0.1,…]` as cheap as V8's
/// `JSON.parse` (issue 14, item 3).
pub(crate) fn write_canonical(raw: &str, out: &mut String) {
    match Short::read(raw) {
        Some(short) => write_digits(short.negative, short.digits(), short.n, out),
        None => write_js(parse(raw), out),
    }
}

/// Significant digits (at most 17, no leading or trailing zero; none for zero) and `n` such that
/// the magnitude is 0.digits × 10ⁿ.
struct Short {
    negative: bool,
    buf: [u8; 17],
    len: usize,
    n: i64,
}

impl Short {
    fn digits(&self) -> &str {
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    /// A number in JSON grammar, when it has at most 15 significant digits and is zero or in
    /// the normal range.
    fn read(raw: &str) -> Option<Short> {
        Short::scan(raw, 15).filter(|short| short.len == 0 || (-306..=308).contains(&short.n))
    }

    /// The digits and `n` of a number in JSON grammar, when it has at most `max` (≤ 17)
    /// significant digits.
    fn scan(raw: &str, max: usize) -> Option<Short> {
        let mut short = Short {
            negative: raw.starts_with('-'),
            buf: [0; 17],
            len: 0,
            n: 0,
        };
        let b = raw.as_bytes();
        let mut i = usize::from(short.negative);
        // Digits after the first non-zero one, and how many were before the point.
        let (mut count, mut point, mut seen_point) = (0usize, 0i64, false);
        while let Some(&c) = b.get(i) {
            match c {
                b'.' => seen_point = true,
                b'0'..=b'9' => {
                    if count == 0 && c == b'0' {
                        if seen_point {
                            point -= 1;
                        }
                    } else {
                        if c != b'0' {
                            if count >= max {
                                return None;
                            }
                            short.len = count + 1;
                        }
                        if let Some(slot) = short.buf.get_mut(count) {
                            *slot = c;
                        }
                        count += 1;
                        if !seen_point {
                            point += 1;
                        }
                    }
                }
                _ => break,
            }
            i += 1;
        }
        // The exponent, saturating far beyond any meaningful size.
        let mut exp: i64 = 0;
        let exp_digits = b.get(i + 1..).unwrap_or_default();
        let (exp_negative, exp_digits) = match exp_digits.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, exp_digits),
        };
        for &d in exp_digits {
            exp = (exp * 10 + i64::from(d - b'0')).min(1 << 40);
        }
        short.n = point + if exp_negative { -exp } else { exp };
        Some(short)
    }
}

/// `x` as JavaScript prints it (for messages).
pub(crate) fn to_js_string(x: f64) -> String {
    let mut out = String::new();
    write_js(x, &mut out);
    out
}

/// Number::toString (ECMA-262 §6.1.6.1.20) for JSON: non-finite → `null`, −0 → `0`.
fn write_js(x: f64, out: &mut String) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    let short = shortest_digits(x);
    write_digits(x < 0.0, short.digits(), short.n, out);
}

/// Number::toString of ±0.digits × 10ⁿ (no digits: zero, printed `0`).
fn write_digits(negative: bool, digits: &str, n: i64, out: &mut String) {
    if digits.is_empty() {
        out.push('0');
        return;
    }
    if negative {
        out.push('-');
    }
    let k = digits.len() as i64;
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if let Some((int, frac)) = digits
        .split_at_checked(n as usize)
        .filter(|_| 0 < n && n <= 21)
    {
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(digits);
    } else {
        let (first, rest) = digits.split_at_checked(1).unwrap_or((digits, ""));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}{}", if n > 0 { '+' } else { '-' }, (n - 1).abs());
    }
}

/// The shortest decimal digits that round-trip to `x` (finite), closest to it. Ryū computes
/// them; its own notation ("1.5e-7", "123.0", "0.001") is read back (at most 17 digits).
fn shortest_digits(x: f64) -> Short {
    let mut buffer = ryu::Buffer::new();
    Short::scan(buffer.format_finite(x), 17).unwrap_or(Short {
        negative: false,
        buf: [0; 17],
        len: 0,
        n: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(raw: &str) {
        let expected: f64 = raw.parse().expect("valid number");
        assert_eq!(parse(raw).to_bits(), expected.to_bits(), "{raw}");
    }

    #[test]
    fn edge_cases_match_std() {
        for raw in [
            "0",
            "-0",
            "0.0",
            "1",
            "-1",
            "1.5",
            "0.1",
            "0.3",
            "1e0",
            "1E+2",
            "1e-2",
            "123.456e-7",
            "9007199254740993",
            "9007199254740992.5",
            "12345678901234567890",
            "1e21",
            "1e22",
            "1e23",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "2.47032822920623272e-324",
            "4.9406564584124654e-324",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "2.2250738585072012e-308",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e308",
            "1e309",
            "1e400",
            "-1e400",
            "1e-400",
            "1e-324",
            "3e-324",
            "0.000000000000000000000000001",
            "100000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "7.2057594037927933e16",
            "1e99999999999999999999",
            "1e-99999999999999999999",
            "0.00000000000000000000000000000000000000000000000000000000000000000000000000000001e80",
        ] {
            same(raw);
        }
        let long = format!("1.{}1e-300", "0".repeat(2000));
        same(&long);
        let halfway = format!("9007199254740993{}", "0".repeat(900));
        same(&format!("{halfway}e-900"));
        same(&format!("{halfway}1e-901"));
    }

    /// A deterministic sweep against std's parser (the oracle): random digits, random point
    /// and exponent, over the whole range, subnormals included.
    #[test]
    fn random_numbers_match_std() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = 1 + (next() % 25) as usize;
            let mut digits: String = (0..len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            if next() % 2 == 0 && len > 1 {
                digits.insert(1 + (next() as usize % (len - 1)), '.');
            }
            let exp = (next() % 700) as i64 - 350;
            same(&format!("{digits}e{exp}"));
            // Exactly halfway between two doubles m·2^e and (m+1)·2^e: (2m+1)·2^(e−1), written
            // out exactly in decimal (an integer, or (2m+1)·5^k / 10^k).
            let m = u128::from((1u64 << 52) | (next() % (1 << 52)));
            let e = (next() % 90) as i64 - 20;
            let halfway = if e >= 1 {
                ((2 * m + 1) << (e - 1)).to_string()
            } else {
                let k = (1 - e) as u32;
                format!("{}e-{k}", (2 * m + 1) * 5u128.pow(k))
            };
            same(&halfway);
            let x = f64::from_bits(next() % 0x7FF0_0000_0000_0000);
            same(&format!("{x:e}"));
            let subnormal = f64::from_bits(next() % (1 << 52));
            same(&format!("{subnormal:e}"));
            same(&format!("{:.30e}", subnormal));
        }
    }

    /// The digits of a short decimal are printed without reading it as an f64: the same text as
    /// printing the f64 std reads from it, over the whole range and at its edges.
    #[test]
    fn short_decimals_print_as_their_f64() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let check = |raw: &str| {
            let (mut short, mut exact) = (String::new(), String::new());
            write_canonical(raw, &mut short);
            write_js(raw.parse().expect("valid number"), &mut exact);
            assert_eq!(short, exact, "{raw}");
        };
        for raw in [
            "1e300",
            "0.1",
            "-0",
            "0e999",
            "1e308",
            "9.99999999999999e307",
            "1e-307",
            "1.00000000000001e-307",
            "9.99999999999999e-308",
            "123456789012345e-321",
            "1e20",
            "1e21",
            "1e-6",
            "1e-7",
            "0.000001234",
            "100",
            "1.5e+3",
            "-2.5E-3",
            "999999999999999",
            "9999999999999999",
            "0.30000000000000004",
        ] {
            check(raw);
        }
        for _ in 0..100_000 {
            let len = 1 + (next() % 15) as usize;
            let mut digits: String = (0..len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            if next() % 2 == 0 && len > 1 {
                digits.insert(1 + (next() as usize % (len - 1)), '.');
            }
            let exp = (next() % 660) as i64 - 330;
            check(&format!("{digits}e{exp}"));
            check(&format!("-{digits}"));
        }
    }

    #[test]
    fn printing_like_javascript() {
        for (x, js) in [
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (123e-20, "1.23e-18"),
            (0.000001, "0.000001"),
            (-0.0, "0"),
            (f64::NAN, "null"),
            (100.0, "100"),
            (1.5, "1.5"),
        ] {
            assert_eq!(to_js_string(x), js);
        }
    }
}
