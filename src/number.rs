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
pub(crate) fn write_canonical(raw: &str, out: &mut String) {
    // Integers of up to 15 digits are exact in an f64 and JavaScript prints them as written.
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()) && raw != "-0" {
        out.push_str(raw);
        return;
    }
    write_js(parse(raw), out);
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
    if x == 0.0 {
        out.push('0');
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    let (digits, n) = shortest_digits(x.abs());
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        out.push_str(&digits);
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
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at_checked(1).unwrap_or((&digits, ""));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(out, "e{}{}", if n > 0 { '+' } else { '-' }, (n - 1).abs());
    }
}

/// The shortest decimal digits that round-trip to `x` (finite, > 0), closest to it, without
/// leading or trailing zeros, and `n` such that x = 0.digits × 10ⁿ. Ryū computes them; its
/// own notation ("1.5e-7", "123.0", "0.001") is only read back here.
fn shortest_digits(x: f64) -> (String, i32) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x);
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let int_len = mantissa.find('.').unwrap_or(mantissa.len());
    let all: String = mantissa.chars().filter(|&c| c != '.').collect();
    let trimmed = all.trim_start_matches('0');
    let leading = (all.len() - trimmed.len()) as i32;
    let digits = trimmed.trim_end_matches('0').to_owned();
    (
        digits,
        int_len as i32 + exp.parse::<i32>().unwrap_or(0) - leading,
    )
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
