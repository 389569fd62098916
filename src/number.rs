//! JSON numbers as JavaScript sees them: text → nearest f64 (`JSON.parse`), f64 → text
//! (`Number#toString`, as `JSON.stringify` prints it).
//!
//! Parsing is exact (round half to even, like `JSON.parse` and `str::parse::<f64>`), in three
//! steps, each exact where it answers (issue 14, item 3: a hostile body of numbers must cost no
//! more than V8's own parse): Clinger's fast path (at most 2⁵³ and |q| ≤ 22: one exact f64
//! operation); the Eisel–Lemire algorithm with 128-bit truncated powers of five (on all the digits
//! of a number of 20 to 38, [`eisel_lemire_wide`]), which answers or says the case is ambiguous;
//! and for those few, a small big-integer division. std's
//! parser does the first two with tables that were a third of the gzipped wasm; here the
//! 672 powers are computed on first use with the big integers (11 KB of memory, well under a
//! millisecond), as are the big integers' own 75 powers of five ([`pow5_split`], 22 KB).
//! Decimals of at most 15 digits are printed without being parsed at all ([`write_canonical`]).

use std::cmp::Ordering;

use crate::json::{push_bytes, same_bytes};

/// More significant digits than any f64 needs to round correctly (the worst case is 767);
/// the rest only matter as "some non-zero digit follows".
const MAX_DIGITS: usize = 800;

/// A non-negative big integer, little-endian base-2³² limbs without trailing zero limbs.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn small(n: u32) -> Big {
        Big::from_u64(u64::from(n))
    }

    fn from_u64(n: u64) -> Big {
        let mut b = Big(vec![n as u32, (n >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let carry = mul_add_limbs(&mut self.0, factor, add);
        if carry > 0 {
            self.0.push(carry);
        }
        self.trim();
    }

    /// self ×= 10^exp, as 5^exp and a shift.
    fn mul_pow10(&mut self, exp: u32) {
        self.mul_pow5(exp);
        self.shl(exp);
    }

    /// self ×= 5^k: by [`pow5_split`]'s small factors a pass at a time, then by its power of
    /// 5^27 in one product.
    fn mul_pow5(&mut self, k: u32) {
        let (rest, power) = pow5_split(k);
        for step in rest {
            self.mul_add(step, 0);
        }
        if let Some(power) = power {
            let mut product = vec![0u32; self.0.len() + power.len()];
            mul_limbs(&self.0, power, &mut product);
            *self = Big(product);
            self.trim();
        }
    }

    fn bits(&self) -> u32 {
        bit_length(&self.0) as u32
    }

    /// self ×= 2^bits, into a new vector of the right size (inserting the zero limbs in front
    /// moved and grew it: ~1 000-bit shifts are common, review AN).
    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        let mut out = Vec::with_capacity(limbs + self.0.len() + 1);
        out.resize(limbs, 0);
        if bits > 0 {
            let mut carry = 0u32;
            for &limb in &self.0 {
                out.push((limb << bits) | carry);
                carry = limb >> (32 - bits);
            }
            out.push(carry);
        } else {
            out.extend_from_slice(&self.0);
        }
        self.0 = out;
        self.trim();
    }

    fn shr(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        self.0.drain(..limbs.min(self.0.len()));
        if bits > 0 {
            let mut carry = 0u32;
            for limb in self.0.iter_mut().rev() {
                let v = (*limb >> bits) | carry;
                carry = *limb << (32 - bits);
                *limb = v;
            }
        }
        self.trim();
    }

    /// self = ⌊self / d⌋.
    fn div_small(&mut self, d: u32) {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        self.trim();
    }

    /// The 128 bits of self from bit `from` up.
    fn bits_from(&self, from: u32) -> u128 {
        let mut top = self.clone();
        top.shr(from);
        top.0
            .iter()
            .take(4)
            .rev()
            .fold(0u128, |acc, &limb| acc << 32 | u128::from(limb))
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

/// limbs × factor + add, in place: the carry out of the top limb.
fn mul_add_limbs(limbs: &mut [u32], factor: u32, add: u32) -> u32 {
    let mut carry = u64::from(add);
    for limb in limbs {
        let v = u64::from(*limb) * u64::from(factor) + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    carry as u32
}

/// a × b into `out` (zeros, at least as long as both), schoolbook.
fn mul_limbs(a: &[u32], b: &[u32], out: &mut [u32]) {
    debug_assert!(out.len() >= a.len() + b.len());
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        let row = out.get_mut(i..).unwrap_or_default();
        for (slot, &y) in row.iter_mut().zip(b) {
            let v = u64::from(x) * u64::from(y) + u64::from(*slot) + carry;
            *slot = v as u32;
            carry = v >> 32;
        }
        if let Some(slot) = row.get_mut(b.len()) {
            *slot = carry as u32;
        }
    }
}

/// `limbs` without the zero limbs on top.
fn significant(limbs: &[u32]) -> &[u32] {
    let len = limbs
        .iter()
        .rposition(|&limb| limb != 0)
        .map_or(0, |top| top + 1);
    limbs.get(..len).unwrap_or_default()
}

/// 5^k as 5^(k mod 27), in at most two factors, times 5^(27 j) from a table computed once (75
/// powers up to 5^1998, 22 KB; `None` for j = 0), for k ≤ 2000 (`nearest` clamps it there).
/// Multiplying by 10⁹ a pass at a time cost 25-digit numbers at a halfway point near either end
/// of the exponent range 12–14× V8's parse (review AN).
fn pow5_split(k: u32) -> (impl Iterator<Item = u32>, Option<&'static [u32]>) {
    static TABLE: std::sync::OnceLock<Vec<Big>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut power = Big::small(1);
        (0..75)
            .map(|_| {
                let this = power.clone();
                power.mul_add(5u32.pow(13), 0);
                power.mul_add(5u32.pow(13), 0);
                power.mul_add(5, 0);
                this
            })
            .collect()
    });
    let j = ((k / 27) as usize).min(table.len().saturating_sub(1));
    let rest = k - 27 * j as u32;
    let steps = [rest.min(13), rest.saturating_sub(13)];
    let factors = steps
        .into_iter()
        .filter(|&step| step > 0)
        .map(|step| 5u32.pow(step));
    (
        factors,
        table
            .get(j)
            .filter(|_| j > 0)
            .map(|power| power.0.as_slice()),
    )
}

/// How many bits `limbs` (no zero on top) take.
fn bit_length(limbs: &[u32]) -> u64 {
    limbs.last().map_or(0, |&top| {
        32 * limbs.len() as u64 - u64::from(top.leading_zeros())
    })
}

/// The order of a and b × 2^t (limbs without zeros on top), b's limbs shifted as they are read.
fn cmp_shifted(a: &[u32], b: &[u32], t: u32) -> Ordering {
    let shifted_bits = if b.is_empty() {
        0
    } else {
        bit_length(b) + u64::from(t)
    };
    bit_length(a).cmp(&shifted_bits).then_with(|| {
        let (whole, r) = ((t / 32) as usize, t % 32);
        let limb = |k: Option<usize>| k.and_then(|k| b.get(k)).copied().unwrap_or(0);
        let shifted = |i: usize| {
            let high = limb(i.checked_sub(whole));
            if r == 0 {
                high
            } else {
                high << r | limb(i.checked_sub(whole + 1)) >> (32 - r)
            }
        };
        // Of the same length: compared from the top limb down.
        (0..a.len())
            .rev()
            .map(|i| a.get(i).copied().unwrap_or(0).cmp(&shifted(i)))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    })
}

/// The order of a and b × 2^s, for any s.
fn cmp_pow2(a: &[u32], b: &[u32], s: i32) -> Ordering {
    if s >= 0 {
        cmp_shifted(a, b, s.unsigned_abs())
    } else {
        cmp_shifted(b, a, s.unsigned_abs()).reverse()
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
    // Past the check above, e ≤ 1023: pow2(e) is a finite f64.
    let pow2 = |k: i32| f64::from_bits(((k + 1023) as u64) << 52);
    let mut x = m as f64;
    let mut e = e;
    if e < -1022 {
        // m × 2^(e+1022) stays normal and exact; the last step lands exactly on the result.
        x *= pow2(e + 1022);
        e = -1022;
    }
    x * pow2(e)
}

/// The f64 nearest to a number in JSON grammar, as `JSON.parse` reads it.
#[cfg(test)]
fn parse(raw: &str) -> f64 {
    Decimal::scan(raw.as_bytes()).value()
}

/// The decimal powers an f64 holds exactly, for Clinger's fast path.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The smallest q of [`powers_of_five`]: the published table's −342, and 21 more for the 38
/// digits of [`eisel_lemire_wide`] (below it, even 10^39 × 10^q is under half of 2^−1074).
const SMALLEST_Q: i64 = -363;

/// The powers of five of the Eisel–Lemire algorithm, 5^q for q in [`SMALLEST_Q`] ..= 308, each as
/// its first 128 bits (truncated; for q < 0, of ⌊2^b / 5^−q⌋ + 1 for the b of the published
/// algorithm), computed once. Each is within one unit of the exact value: above it for
/// −27 ≤ q < 0, either side below (review BE).
fn powers_of_five() -> &'static [u128] {
    static POWERS: std::sync::OnceLock<Vec<u128>> = std::sync::OnceLock::new();
    POWERS.get_or_init(|| {
        let mut table = Vec::with_capacity(672);
        // q < 0: ⌊2^B / 5^n⌋ by repeated division (⌊⌊x/5⌋/5⌋ = ⌊x/25⌋), then ⌊2^b / 5^n⌋ by a
        // shift, for B above every b (at most 2·843 + 128).
        const B: u32 = 1816;
        let mut quotient = Big::small(1);
        quotient.shl(B);
        let mut power = Big::small(1);
        let mut negative = Vec::with_capacity(363);
        for n in 1..=SMALLEST_Q.unsigned_abs() {
            quotient.div_small(5);
            power.mul_add(5, 0);
            let z = power.bits();
            let b = if n <= 27 { z + 127 } else { 2 * z + 128 };
            let mut c = quotient.clone();
            c.shr(B - b);
            c.mul_add(1, 1);
            negative.push(c.bits_from(c.bits().saturating_sub(128)));
        }
        table.extend(negative.iter().rev());
        // q ≥ 0: 5^q with its top bit at bit 127, truncated.
        let mut power = Big::small(1);
        for _ in 0..=308 {
            let bits = power.bits();
            table.push(if bits <= 128 {
                power.bits_from(0) << (128 - bits)
            } else {
                power.bits_from(bits - 128)
            });
            power.mul_add(5, 0);
        }
        table
    })
}

/// The f64 nearest to w × 10^q, or `None` when the 128-bit approximation cannot tell (then
/// the big integers decide). The Eisel–Lemire algorithm (Lemire, "Number Parsing at a Gigabyte
/// per Second", 2021), as std and fast_float implement it.
fn eisel_lemire(w: u64, q: i64) -> Option<f64> {
    if w == 0 || q < -342 {
        return Some(0.0);
    }
    if q > 308 {
        return Some(f64::INFINITY);
    }
    let lz = w.leading_zeros();
    let w = w << lz;
    let power = *powers_of_five().get((q - SMALLEST_Q) as usize)?;
    // The 128-bit product of w and the power's top 64 bits, refined with its low 64 bits when
    // the bits below the 55 kept ones are all ones (the truncation could carry into them).
    let wide = |a: u64, b: u64| u128::from(a) * u128::from(b);
    let mut product = wide(w, (power >> 64) as u64);
    if (product >> 64) as u64 & 0x1FF == 0x1FF {
        let low = wide(w, power as u64) >> 64;
        product = product.wrapping_add(low);
    }
    let (hi, lo) = ((product >> 64) as u64, product as u64);
    if lo == u64::MAX && !(-27..=55).contains(&q) {
        return None;
    }
    let upper = (hi >> 63) as i32;
    let shift = upper + 64 - 55;
    let mut mantissa = hi >> shift;
    // ⌊log2(10^q)⌋ + 63, and the exponent biased as in the f64.
    let power2 = ((q as i32).wrapping_mul(152_170 + 65_536) >> 16) + 63 + upper - lz as i32 + 1023;
    if power2 <= 0 {
        // Subnormal.
        if -power2 + 1 >= 64 {
            return Some(0.0);
        }
    } else if lo <= 1 && (-4..=23).contains(&q) && mantissa & 3 == 1 && mantissa << shift == hi {
        // Exactly halfway between two f64s (possible only where 5^q fits in 64 bits): to even.
        mantissa &= !1;
    }
    Some(rounded(mantissa, power2))
}

/// Eisel–Lemire's last step, for either width: the f64 of a 54-bit `mantissa` (53 bits and the
/// rounding bit; a tie is the caller's to make even) and the biased exponent `power2`, rounded
/// half up. A subnormal (`power2` ≤ 0, from −62) drops 1 − `power2` more bits first; too large is
/// infinite.
fn rounded(mut mantissa: u64, mut power2: i32) -> f64 {
    if power2 <= 0 {
        mantissa >>= 1 - power2;
        mantissa += mantissa & 1;
        mantissa >>= 1;
        let e = u64::from(mantissa >= 1 << 52);
        return f64::from_bits(e << 52 | mantissa);
    }
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if mantissa >= 2 << 52 {
        mantissa = 1 << 52;
        power2 += 1;
    }
    mantissa &= !(1 << 52);
    if power2 >= 0x7FF {
        return f64::INFINITY;
    }
    f64::from_bits((power2 as u64) << 52 | mantissa)
}

/// The f64 nearest to n × 10^q for an n of up to 128 bits (a number of 20 to 38 digits), or
/// `None` when its 256-bit approximation cannot tell: Eisel–Lemire with all 128 bits of the power.
/// The table's power is within one unit of the exact one, so n × it is within n < 2^128 of the
/// exact product, and the product's bits from 128 up to the rounding bit settle the rounding
/// unless they are all zeros or all ones (a halfway point within 2^128 of it, either way).
fn eisel_lemire_wide(n: u128, q: i64) -> Option<f64> {
    // From `Decimal::fast`, n has 20 digits or more and q > SMALLEST_Q: only `q > 308` is met
    // there; the other two guards keep the function's contract for any n and q (its unit test).
    if n == 0 {
        return None;
    }
    if q < SMALLEST_Q {
        return Some(0.0);
    }
    if q > 308 {
        return Some(f64::INFINITY);
    }
    let lz = n.leading_zeros();
    let power = *powers_of_five().get((q - SMALLEST_Q) as usize)?;
    // In 64-bit words: a u128 shift or product is a call in the wasm.
    let [n0, n1, ..] = shl_words(&[n as u64, (n >> 64) as u64, 0, 0], lz);
    let product = mul_wide([n0, n1], [power as u64, (power >> 64) as u64]);
    let [p0, p1, below, hi] = product;
    let upper = (hi >> 63) as i32;
    let shift = upper + 64 - 55;
    let mut mantissa = hi >> shift;
    // As in `eisel_lemire`, for n × 2^lz of 128 bits where w × 2^lz has 64.
    let power2 =
        ((q as i32).wrapping_mul(152_170 + 65_536) >> 16) + 63 + upper - (lz as i32 - 64) + 1023;
    // A subnormal drops more bits; the rounding bit is then the one above them.
    let drop = if power2 <= 0 { 1 - power2 } else { 0 };
    let round = shift + drop;
    if round >= 64 {
        // The halfway point past the product's top bit: the value is below it.
        return Some(0.0);
    }
    let low = (1u64 << round) - 1;
    // With 5^q exact in the table (0 ≤ q ≤ 55; the value is then at least 1, never subnormal)
    // the product is exact, and only an exact tie needs more: to even. Else it is within 2^128
    // of the exact product, which bits from 128 up that are all zeros or all ones do not settle.
    let exact = (0..=55).contains(&q);
    let zeros = below == 0 && hi & low == 0;
    if exact && zeros && p0 == 0 && p1 == 0 && mantissa & 3 == 1 {
        mantissa &= !1;
    } else if !exact && (zeros || (below == u64::MAX && hi & low == low)) {
        return None;
    }
    Some(rounded(mantissa, power2))
}

/// A number in JSON grammar (or Ryū's notation) as ±w × 10^(n − k): w its first (at most 19)
/// significant digits (without trailing zeros when they are all of it), also kept as text, k how
/// many, and whether that is all of it; the significant digits after those 19 (in the integer part, then in the
/// fraction), which the big integers read.
struct Decimal<'a> {
    negative: bool,
    digits: [u8; 19],
    w: u64,
    k: i64,
    n: i64,
    exact: bool,
    rest: [&'a [u8]; 2],
}

impl<'a> Decimal<'a> {
    fn scan(b: &'a [u8]) -> Decimal<'a> {
        let negative = b.first() == Some(&b'-');
        let run = |from: usize| {
            let rest = b.get(from..).unwrap_or_default();
            rest.get(..crate::json::skip_digits(rest, 0))
                .unwrap_or_default()
        };
        let int = run(usize::from(negative));
        let mut i = usize::from(negative) + int.len();
        let frac = if b.get(i) == Some(&b'.') {
            let frac = run(i + 1);
            i += 1 + frac.len();
            frac
        } else {
            &[]
        };
        // The significant digits (from the first non-zero one) and the point's place in them.
        let (point, int, frac) = match int.iter().position(|&c| c != b'0') {
            Some(p) => (
                (int.len() - p) as i64,
                int.get(p..).unwrap_or_default(),
                frac,
            ),
            None => {
                let zeros = frac.iter().position(|&c| c != b'0').unwrap_or(frac.len());
                (
                    -(zeros as i64),
                    &[][..],
                    frac.get(zeros..).unwrap_or_default(),
                )
            }
        };
        // The first 19 of them, by slices (a 40-digit mantissa is common in hostile bodies);
        // the others only matter as "some is not zero".
        let mut digits = [b'0'; 19];
        let (int_kept, int_rest) = int.split_at(int.len().min(19));
        let (frac_kept, frac_rest) = frac.split_at(frac.len().min(19 - int_kept.len()));
        // A byte at a time: in the wasm, copy_from_slice of a length not known when compiled is a
        // call (memory.copy).
        for (slot, &c) in digits.iter_mut().zip(int_kept.iter().chain(frac_kept)) {
            *slot = c;
        }
        let exact = int_rest.iter().all(|&c| c == b'0') && frac_rest.iter().all(|&c| c == b'0');
        let mut k = int_kept.len() + frac_kept.len();
        // Trailing zeros go only when these are all the digits: with more after them, w and w + 1
        // must bracket the value at the 19th digit (trimmed, `1.0000000000000000001e-300` was
        // bracketed by 1 and 2 and went to the big integers every time, review AH).
        while exact && k > 0 && digits.get(k - 1) == Some(&b'0') {
            k -= 1;
        }
        let kept = digits.get(..k).unwrap_or_default();
        let w = digits_value(kept);
        // The exponent, saturating far beyond any meaningful size.
        let rest = b.get(i + 1..).unwrap_or_default();
        let (exp_negative, exp) = match rest.split_first() {
            Some((b'-', exp)) => (true, exp),
            Some((b'+', exp)) => (false, exp),
            _ => (false, rest),
        };
        let exp = exp
            .iter()
            .fold(0i64, |e, &d| (e * 10 + i64::from(d - b'0')).min(1 << 40));
        Decimal {
            negative,
            digits,
            w,
            k: k as i64,
            n: point + if exp_negative { -exp } else { exp },
            exact,
            rest: [int_rest, frac_rest],
        }
    }

    /// The nearest f64: the fast paths, else exact.
    fn value(&self) -> f64 {
        let x = self.fast().unwrap_or_else(|lower| self.exact(lower));
        if self.negative {
            -x
        } else {
            x
        }
    }

    /// The magnitude as the nearest f64, when Clinger's fast path or Eisel–Lemire settle it (on
    /// all the digits of a number of 20 to 38: the 25-digit numbers at a rounding halfway point of
    /// hostile bodies, which w and w + 1 straddle, cost 2.2× V8's parse through the big integers'
    /// comparison, 1.7× this way). Else, for the big integers, an f64 that the nearest is or is
    /// just below, when Eisel–Lemire settles w or w + 1 and more digits follow w's 19: the value
    /// is then between the two, which differ by less than an f64's spacing, so their nearest f64s
    /// are the same or neighbours.
    fn fast(&self) -> Result<f64, Option<f64>> {
        let q = self.n - self.k;
        if self.exact && self.w <= 1 << 53 && (-22..=22).contains(&q) {
            let x = self.w as f64;
            let p = *POW10.get(q.unsigned_abs() as usize).ok_or(None)?;
            return Ok(if q >= 0 { x * p } else { x / p });
        }
        // 0.digits × 10^n below 10^−324: under half of 2^−1074 (38-digit numbers there cost 2.2×
        // V8, which reads them quickly, through the wide Eisel–Lemire; review BE).
        if self.n < -324 {
            return Ok(0.0);
        }
        if self.exact {
            return eisel_lemire(self.w, q).ok_or(None);
        }
        if let Some(x) = self.wide().and_then(|(n, q)| eisel_lemire_wide(n, q)) {
            return Ok(x);
        }
        // Digits beyond the 19th: the value lies between w and w + 1 at this scale.
        match (eisel_lemire(self.w, q), eisel_lemire(self.w + 1, q)) {
            (Some(lo), Some(hi)) if lo == hi => Ok(lo),
            (Some(lo), _) => Err(Some(lo)),
            (None, Some(hi)) if hi > 0.0 => Err(Some(f64::from_bits(hi.to_bits() - 1))),
            (None, Some(_)) => Err(Some(0.0)),
            (None, None) => Err(None),
        }
    }

    /// The magnitude's exact nearest f64, with big integers; it is `lower` or the f64 after it,
    /// when given ([`Decimal::fast`]'s bracket). The digits are w's and the rest, read nine at
    /// a time (one big-integer step per nine: an 800-digit number costs 89, not 800).
    fn exact(&self, lower: Option<f64>) -> f64 {
        // 0.digits × 10^n: below 10^-324 rounds to 0, from 10^309 up is infinite.
        if self.w == 0 || self.n < -324 {
            return 0.0;
        }
        if self.n > 310 {
            return f64::INFINITY;
        }
        // Up to 38 digits in a u128, the comparison's limbs in an array.
        if let (Some(lo), Some((n, q))) = (lower.filter(|lo| lo.is_finite()), self.wide()) {
            let limbs: [u32; 4] = std::array::from_fn(|i| (n >> (32 * i)) as u32);
            return between(significant(&limbs), q as i32, lo);
        }
        let mut digits = Big::from_u64(self.w);
        let mut count = self.k as usize;
        let (mut chunk, mut chunk_len) = (0u32, 0u32);
        let mut rest = self.rest.iter().flat_map(|run| run.iter());
        for &c in rest.by_ref() {
            chunk = chunk * 10 + u32::from(c - b'0');
            chunk_len += 1;
            if chunk_len == 9 {
                digits.mul_add(1_000_000_000, chunk);
                (chunk, chunk_len) = (0, 0);
            }
            count += 1;
            if count == MAX_DIGITS {
                break;
            }
        }
        digits.mul_add(10u32.pow(chunk_len), chunk);
        // The digits past the kept ones only say whether the value is above `digits`.
        if rest.any(|&c| c != b'0') {
            digits.mul_add(10, 1);
            count += 1;
        }
        nearest(digits, self.n - count as i64, lower)
    }

    /// The value as n × 10^q with n all its significant digits, when they are at most 38 (w's 19
    /// and as many more) and n fits 128 bits.
    fn wide(&self) -> Option<(u128, i64)> {
        let [int_rest, frac_rest] = self.rest;
        let more = int_rest.len() + frac_rest.len();
        if more > 19 {
            return None;
        }
        let rest = int_rest.iter().chain(frac_rest);
        let r = rest.fold(0u64, |r, &c| r * 10 + u64::from(c - b'0'));
        // In 64-bit words: a u128 product is a call in the wasm (`__multi3`).
        let (high, low) = mul64(self.w, 10u64.pow(more as u32));
        let n = (u128::from(high) << 64 | u128::from(low)).checked_add(u128::from(r))?;
        Some((n, self.n - self.k - more as i64))
    }

    /// Number::toString of the value, given that w holds its shortest digits.
    fn write(&self, out: &mut Vec<u8>) {
        let digits = self.digits.get(..self.k as usize).unwrap_or_default();
        write_digits(self.negative, digits, self.n, out);
    }
}

/// The f64 nearest to n × 10^q (n > 0, |q| small enough to be finite work): `lower` or the f64
/// after it when it is known to be one of them ([`between`]), else by a division.
fn nearest(n: Big, q: i64, lower: Option<f64>) -> f64 {
    let q = q.clamp(-2000, 2000) as i32;
    if let Some(lo) = lower.filter(|lo| lo.is_finite()) {
        return between(&n.0, q, lo);
    }
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
        top.shr(1);
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

/// The value of at most 19 ASCII digits, eight at a time (the 25-digit halfway numbers of hostile
/// bodies spent ~5 % of their check in a digit-at-a-time fold, a chain of 19 multiplies).
fn digits_value(digits: &[u8]) -> u64 {
    let mut eights = digits.chunks_exact(8);
    let w = eights.by_ref().fold(0u64, |w, eight| {
        let eight = <[u8; 8]>::try_from(eight).map_or(0, u64::from_le_bytes);
        w * 100_000_000 + eight_digits(eight)
    });
    eights
        .remainder()
        .iter()
        .fold(w, |w, &c| w * 10 + u64::from(c - b'0'))
}

/// The value of eight ASCII digits read as a little-endian word (the first digit in its lowest
/// byte): pairs, then fours, then all eight combined by one multiply each (SWAR; no lane carries
/// into the next, at most 99, 9 999 and 99 999 999).
fn eight_digits(word: u64) -> u64 {
    let pairs = (word & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(10 << 8 | 1) >> 8;
    let fours = (pairs & 0x00FF_00FF_00FF_00FF).wrapping_mul(100 << 16 | 1) >> 16;
    (fours & 0x0000_FFFF_0000_FFFF).wrapping_mul(10_000 << 32 | 1) >> 32
}

/// The f64 nearest to n × 10^q (n's limbs), given that it is `lo` (finite, ≥ 0) or the f64 after
/// it: one comparison of n × 10^q with the point halfway between them, (2m + 1) × 2^(e − 1) for
/// lo = m × 2^e, where the division costs 54 steps (25-digit numbers at a rounding halfway point
/// cost 3.05× V8's parse and print that way, session 20). The power of five goes to one side, and
/// the power of two is compared without being multiplied out, in limbs: the scaled side in an
/// 8-limb array and, only when [`bracketed`] cannot decide, the product in a 40-limb one (no
/// allocation). (A number of up to 38 digits rarely gets here: [`eisel_lemire_wide`] settles all
/// but those within 2^−127 of the halfway point.)
fn between(n: &[u32], q: i32, lo: f64) -> f64 {
    let bits = lo.to_bits();
    let (biased, fraction) = (bits >> 52, bits & ((1 << 52) - 1));
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased as i32 - 1075)
    };
    // n × 5^q × 2^q against (2m + 1) × 2^(e − 1): x is the side of the power of five, y the other.
    let half = 2 * m + 1;
    let half = [half as u32, (half >> 32) as u32];
    let half = significant(&half);
    let (x, y) = if q >= 0 { (n, half) } else { (half, n) };
    let (factors, power) = pow5_split(q.unsigned_abs());
    let scaled_len = x.len() + 2;
    let mut inline = [0u32; 8];
    let mut heap = Vec::new();
    let scaled = limbs(&mut inline, &mut heap, scaled_len);
    // x × 5^(k mod 27), each factor's carry a limb on top.
    let mut used = x.len();
    if let Some(low) = scaled.get_mut(..used) {
        low.copy_from_slice(x);
    }
    for factor in factors {
        let carry = mul_add_limbs(scaled.get_mut(..used).unwrap_or_default(), factor, 0);
        if let Some(top) = scaled.get_mut(used) {
            *top = carry;
            used += 1;
        }
    }
    // The order of x × (the power) against y × 2^σ, which is n × 10^q against the halfway point
    // (reversed when the power is on the halfway point's side).
    let s = e - 1 - q;
    let sigma = if q >= 0 { s } else { -s };
    let order = match power {
        Some(power) => {
            let x = significant(scaled);
            bracketed(x, power, y, sigma).unwrap_or_else(|| {
                let (mut inline, mut heap) = ([0u32; 40], Vec::new());
                let product = limbs(&mut inline, &mut heap, x.len() + power.len());
                mul_limbs(x, power, product);
                cmp_pow2(significant(product), y, sigma)
            })
        }
        None => cmp_pow2(significant(scaled), y, sigma),
    };
    let order = if q >= 0 { order } else { order.reverse() };
    let next = f64::from_bits(bits + 1);
    match order {
        Ordering::Less => lo,
        Ordering::Greater => next,
        Ordering::Equal if m & 1 == 0 => lo,
        Ordering::Equal => next,
    }
}

/// `len` zero limbs: the front of `inline`, else `heap` (empty) made that long. [`between`]'s
/// arrays are zeroed only where they are used: in the wasm, zeroing one of 40 limbs for every
/// number was a call (`memory.fill`), though the whole product is needed only when
/// [`bracketed`] cannot decide.
fn limbs<'a>(inline: &'a mut [u32], heap: &'a mut Vec<u32>, len: usize) -> &'a mut [u32] {
    match inline.get_mut(..len) {
        Some(limbs) => limbs,
        None => {
            heap.resize(len, 0);
            heap
        }
    }
}

/// a × b in four 64-bit words, low first.
fn mul_wide(a: [u64; 2], b: [u64; 2]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let (high, low) = mul64(x, y);
            let slot = out.get(i + j).copied().unwrap_or(0);
            let (sum, c1) = low.overflowing_add(slot);
            let (sum, c2) = sum.overflowing_add(carry);
            if let Some(slot) = out.get_mut(i + j) {
                *slot = sum;
            }
            // At most 2^64 − 2 + 1 + 1: no overflow.
            carry = high + u64::from(c1) + u64::from(c2);
        }
        if let Some(slot) = out.get_mut(i + 2) {
            *slot = carry;
        }
    }
    out
}

/// a × b as its (high, low) 64-bit halves, from 32-bit halves (a u128 product is a call in the
/// wasm).
fn mul64(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = 0xFFFF_FFFF;
    let (a1, a0, b1, b0) = (a >> 32, a & LOW, b >> 32, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // At most three 32-bit values: no overflow.
    let middle = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    (
        p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32),
        middle << 32 | p00 & LOW,
    )
}

/// `words` × 2^`shift` (below 256), the bits past the top word dropped.
fn shl_words(words: &[u64; 4], shift: u32) -> [u64; 4] {
    let (whole, r) = ((shift / 64) as usize, shift % 64);
    let at = |k: Option<usize>| k.and_then(|k| words.get(k)).copied().unwrap_or(0);
    std::array::from_fn(|i| {
        let high = at(i.checked_sub(whole));
        if r == 0 {
            high
        } else {
            high << r | at(i.checked_sub(whole + 1)) >> (64 - r)
        }
    })
}

/// How many of a power of five's top limbs [`bracketed`] multiplies.
const TOP_LIMBS: usize = 6;

/// The order of x × p against y × 2^σ from p's top [`TOP_LIMBS`] limbs alone, when they decide
/// it: x × p lies in [A, A + x) × 2^(32 d), for A = x × (p's top limbs) and d the limbs left
/// out, so one end of that interval on either side of y × 2^σ settles the order, and a point
/// within it (closer than ~2^-160 of its size) is `None`, for the whole product. `None` too
/// for a power of at most six limbs (5^27 to 5^81, |q| from 27 to 107), and for an x of more
/// than 7 limbs, whose A does not fit the arrays here: the number on the power's side times up
/// to 5^26, so one of ~48 digits or more (the big integers' own path).
fn bracketed(x: &[u32], p: &[u32], y: &[u32], sigma: i32) -> Option<Ordering> {
    let dropped = p.len().checked_sub(TOP_LIMBS).filter(|&d| d > 0)?;
    let top = p.get(dropped..)?;
    // A and A + x, with a limb for each carry.
    let len = x.len() + TOP_LIMBS + 1;
    let mut low = [0u32; 2 * TOP_LIMBS + 2];
    let low = low.get_mut(..len)?;
    mul_limbs(x, top, low);
    let mut high = [0u32; 2 * TOP_LIMBS + 2];
    let high = high.get_mut(..len)?;
    let mut carry = 0u64;
    for (i, (h, &l)) in high.iter_mut().zip(low.iter()).enumerate() {
        let v = u64::from(l) + u64::from(x.get(i).copied().unwrap_or(0)) + carry;
        *h = v as u32;
        carry = v >> 32;
    }
    let shift = sigma.checked_sub(i32::try_from(32 * dropped).ok()?)?;
    match (
        cmp_pow2(significant(low), y, shift),
        cmp_pow2(significant(high), y, shift),
    ) {
        (Ordering::Greater, _) => Some(Ordering::Greater),
        (_, Ordering::Less | Ordering::Equal) => Some(Ordering::Less),
        _ => None,
    }
}

/// Prints a JSON number (valid grammar) as `JSON.stringify(Number(raw))` does.
///
/// Most numbers are not parsed: a decimal of at most 15 significant digits in the normal range
/// (10⁻³⁰⁷ ≤ |x| < 10³⁰⁸) is the shortest decimal of the f64 nearest to it, so its own digits
/// are the ones JavaScript prints, and only their notation changes. (Two decimals of at most 15
/// digits differ by at least 10⁻¹⁵ of their size, more than an f64's spacing of 2⁻⁵², so no
/// other decimal that short reads as the same f64; the shortest one that does is this one.)
///
/// The commonest, a plain integer of 1 to 15 digits without a leading zero (`0` itself, not
/// `-0`), is written as it is without being scanned.
///
/// `last` is the body's last long number and what it printed: one repeated in a body is printed
/// again, not read again (a number of more than 19 digits may need the big integers, and V8 reads
/// a repeated number text several times faster than distinct ones: such a body cost 15× V8's
/// parse, review AE). It lives as long as one body's canonical form, never across bodies.
pub(crate) fn write_canonical<'a>(raw: &'a [u8], out: &mut Vec<u8>, last: &mut LastLong<'a>) {
    let digits = raw.strip_prefix(b"-").unwrap_or(raw);
    let plain = digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit);
    if plain && (matches!(digits.first(), Some(b'1'..=b'9')) || raw == b"0") {
        push_bytes(out, raw);
        return;
    }
    let long = raw.len() >= LONG_BYTES;
    if long && same_bytes(last.raw, raw) {
        push_bytes(out, &last.printed);
        return;
    }
    let d = Decimal::scan(raw);
    if d.w == 0 || (d.exact && d.k <= 15 && (-306..=308).contains(&d.n)) {
        d.write(out);
    } else {
        let start = out.len();
        write_js(d.value(), out);
        if long {
            last.raw = raw;
            last.printed.clear();
            last.printed
                .extend_from_slice(out.get(start..).unwrap_or_default());
        }
    }
}

/// From this length a number may have more than the 19 digits Eisel–Lemire reads.
const LONG_BYTES: usize = 20;

/// The last long number [`write_canonical`] read the slow way in one body (its text in the body),
/// and what it printed.
#[derive(Default)]
pub(crate) struct LastLong<'a> {
    raw: &'a [u8],
    printed: Vec<u8>,
}

/// `x` as JavaScript prints it (for messages).
pub(crate) fn to_js_string(x: f64) -> String {
    let mut out = Vec::new();
    write_js(x, &mut out);
    // ASCII: digits, signs, a point, `e` or `null`.
    out.iter().map(|&c| char::from(c)).collect()
}

/// Number::toString (ECMA-262 §6.1.6.1.20) for JSON: ±0 → `0`, non-finite → `null`. Ryū
/// computes the shortest digits that read back as `x`, closest to it; its own notation is
/// written as JavaScript's where the two differ at most by the sign of an exponent
/// ([`write_ryu`]), else read back as a [`Decimal`] (at most 17 digits) and printed from its
/// digits.
fn write_js(x: f64, out: &mut Vec<u8>) {
    if x == 0.0 {
        out.push(b'0');
    } else if x.is_finite() {
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(x).as_bytes();
        if !write_ryu(text, out) {
            Decimal::scan(text).write(out);
        }
    } else {
        out.extend_from_slice(b"null");
    }
}

/// Writes Ryū's notation of a finite f64 as JavaScript's when it is the same (a fraction: `1.5`,
/// `0.001`; an exponent of −7 or less: `1.5e-7`) or has an exponent of 21 or more (`1e21`,
/// JavaScript's `1e+21`); whether it did. Not an integer (`123.0`, `0.0`), an exponent from 16
/// to 20 (`1e16`, JavaScript's `10000000000000000`) or of −6 (`1e-6`, JavaScript's `0.000001`).
/// Reading every number back cost hostile bodies of long numbers a sixth of their time.
fn write_ryu(text: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(e) = text.iter().position(|&c| c == b'e') else {
        if text.ends_with(b".0") {
            return false;
        }
        push_bytes(out, text);
        return true;
    };
    let (mantissa, exponent) = text.split_at(e + 1);
    match exponent {
        [b'-', rest @ ..] if rest.len() > 1 || rest >= b"7".as_slice() => push_bytes(out, text),
        [b'0'..=b'9', _, ..] if exponent >= b"21".as_slice() || exponent.len() > 2 => {
            push_bytes(out, mantissa);
            out.push(b'+');
            push_bytes(out, exponent);
        }
        _ => return false,
    }
    true
}

/// Number::toString of ±0.digits × 10ⁿ (no digits: zero, printed `0`).
fn write_digits(negative: bool, digits: &[u8], n: i64, out: &mut Vec<u8>) {
    if digits.is_empty() {
        out.push(b'0');
        return;
    }
    if negative {
        out.push(b'-');
    }
    let k = digits.len() as i64;
    if k <= n && n <= 21 {
        push_bytes(out, digits);
        out.extend(std::iter::repeat_n(b'0', (n - k) as usize));
    } else if let Some((int, frac)) = digits
        .split_at_checked(n as usize)
        .filter(|_| 0 < n && n <= 21)
    {
        push_bytes(out, int);
        out.push(b'.');
        push_bytes(out, frac);
    } else if -6 < n && n <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-n) as usize));
        push_bytes(out, digits);
    } else {
        let (first, rest) = digits.split_at_checked(1).unwrap_or((digits, &[]));
        push_bytes(out, first);
        if !rest.is_empty() {
            out.push(b'.');
            push_bytes(out, rest);
        }
        out.extend_from_slice(if n > 0 { b"e+" } else { b"e-" });
        // At most 3 digits: |n − 1| ≤ 324 for an f64, and a decimal printed from its own
        // digits is in the normal range.
        let e = (n - 1).unsigned_abs();
        for (place, digit) in [(100, e / 100 % 10), (10, e / 10 % 10), (1, e % 10)] {
            if e >= place || place == 1 {
                out.push(b'0' + digit as u8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random sequence (xorshift64).
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// 1 to `max` random digits, a decimal point after the first one half of the time.
    fn random_digits(next: &mut impl FnMut() -> u64, max: u64) -> String {
        let len = 1 + (next() % max) as usize;
        let mut digits: String = (0..len)
            .map(|_| char::from(b'0' + (next() % 10) as u8))
            .collect();
        if next().is_multiple_of(2) && len > 1 {
            digits.insert(1 + (next() as usize % (len - 1)), '.');
        }
        digits
    }

    /// The fast paths and the big integers (with and without a bracket) each read `raw` and
    /// its negation as std does.
    fn same(raw: &str) {
        let negated = (!raw.starts_with('-')).then(|| format!("-{raw}"));
        for raw in std::iter::once(raw).chain(negated.as_deref()) {
            let expected: f64 = raw.parse().expect("valid number");
            assert_eq!(parse(raw).to_bits(), expected.to_bits(), "{raw}");
            let decimal = Decimal::scan(raw.as_bytes());
            let exact = |lower| {
                let x = decimal.exact(lower);
                if decimal.negative {
                    -x
                } else {
                    x
                }
            };
            assert_eq!(
                exact(None).to_bits(),
                expected.to_bits(),
                "{raw} (big integers)"
            );
            // The bracket fast() gives when it cannot settle the number, or, when it can, its
            // answer and the f64 below it: each is an f64 that the nearest is or is just below.
            let lowers = match decimal.fast() {
                Ok(x) => vec![Some(x), (x > 0.0).then(|| f64::from_bits(x.to_bits() - 1))],
                Err(lower) => vec![lower],
            };
            for lower in lowers {
                assert_eq!(
                    exact(lower).to_bits(),
                    expected.to_bits(),
                    "{raw} (big integers, from {lower:?})"
                );
            }
        }
    }

    /// Every length from 0 to 19 digits, with each digit at each place and random digits, read
    /// eight at a time as one at a time reads them.
    #[test]
    fn digits_read_eight_at_a_time() {
        let one_at_a_time = |digits: &[u8]| {
            digits
                .iter()
                .fold(0u64, |w, &c| w * 10 + u64::from(c - b'0'))
        };
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for len in 0..=19 {
            let mut cases: Vec<Vec<u8>> = (0..len)
                .flat_map(|at| {
                    (b'0'..=b'9').map(move |d| {
                        let mut digits = vec![b'0'; len];
                        digits[at] = d;
                        digits
                    })
                })
                .collect();
            cases.push(vec![b'9'; len]);
            cases.extend((0..1000).map(|_| (0..len).map(|_| b'0' + (next() % 10) as u8).collect()));
            for digits in cases {
                assert_eq!(digits_value(&digits), one_at_a_time(&digits), "{digits:?}");
            }
        }
    }

    /// Entries of the published table (fast_float, std's dec2flt) at its ends and around 5⁰.
    #[test]
    fn powers_of_five_match_the_published_table() {
        let table = powers_of_five();
        assert_eq!(table.len(), 672);
        for (q, hi, lo) in [
            (-342, 0xeef4_53d6_923b_d65a_u64, 0x113f_aa29_06a1_3b3f_u64),
            (-1, 0xcccc_cccc_cccc_cccc, 0xcccc_cccc_cccc_cccd),
            (0, 0x8000_0000_0000_0000, 0),
            (1, 0xa000_0000_0000_0000, 0),
            (308, 0x8e67_9c2f_5e44_ff8f, 0x570f_09ea_a7ea_7648),
        ] {
            let entry = table[(q - SMALLEST_Q) as usize];
            assert_eq!(((entry >> 64) as u64, entry as u64), (hi, lo), "5^{q}");
        }
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
        // Past the 800 kept digits: a non-zero digit after them, the point among or after them.
        let nines = "9".repeat(850);
        let above = format!("1.00000000000000011102230246251565404236316680908203125{nines}");
        for raw in [
            format!("{above}e-1"),
            format!("1{}.{}1e-860", "0".repeat(799), "0".repeat(60)),
            format!("{}.5e-900", "1".repeat(900)),
            format!("0.{}e10", "0".repeat(900)),
            format!("{}1{}", &halfway[..16], "0".repeat(1200)),
            // Zeros ending the first 19 digits, a non-zero digit after them.
            "1.0000000000000000001e-300".to_owned(),
            "9.00000000000000000000000001e300".to_owned(),
            "10000000000000000001".to_owned(),
            format!("1{}1e-799", "0".repeat(798)),
        ] {
            same(&raw);
        }
    }

    /// Numbers of 36 to 40 significant digits beside rounding halfway points (between 0 and the
    /// least subnormal, the greatest f64 and 2¹⁰²⁴, above 1, above 2⁻¹⁰²², near 2³⁵³): up to 38
    /// digits [`Decimal::exact`] compares them in an array, beyond with the big integers.
    #[test]
    fn around_halfway_points_at_38_digits() {
        for (digits, exp) in [
            (
                "2470328229206232720882843964341106861825299013071623822127928",
                -324,
            ),
            (
                "1797693134862315807937289714053034150799341327100378269361738",
                308,
            ),
            (
                "1000000000000000111022302462515654042363166809082031250000000",
                0,
            ),
            (
                "2225073858507201506606644177644040108361414197517674921818278",
                -308,
            ),
            (
                "1834798892792057107436857899517365239214967570865716846416651",
                106,
            ),
        ] {
            for len in 36..=40 {
                let (first, rest) = digits.split_at(1);
                let kept = &rest[..len - 1];
                for tail in ["", "0", "1", "9"] {
                    same(&format!("{first}.{kept}{tail}e{exp}"));
                }
            }
        }
    }

    /// m × 5^k in decimal digits (most significant first).
    fn times_pow5(m: u64, k: u32) -> String {
        times_power(m, 5, k)
    }

    /// m × base^k (base 2 or 5) in decimal digits (most significant first).
    fn times_power(m: u64, base: u8, k: u32) -> String {
        let mut digits: Vec<u8> = m.to_string().bytes().rev().map(|c| c - b'0').collect();
        for _ in 0..k {
            let mut carry = 0;
            for d in &mut digits {
                let v = *d * base + carry;
                (*d, carry) = (v % 10, v / 10);
            }
            if carry > 0 {
                digits.push(carry);
            }
        }
        digits.iter().rev().map(|&d| char::from(b'0' + d)).collect()
    }

    /// Eisel–Lemire on 20 to 38 digits reads n × 10^q as std does wherever it answers, and
    /// answers most: random digits over the whole range, the exact points halfway between two
    /// f64s (normal and subnormal, at both ends) cut to 20, 25 and 38 digits and a unit beside
    /// each (the hostile bodies' numbers), and integers exactly halfway (ties, to even).
    #[test]
    fn the_wide_eisel_lemire_matches_std() {
        let mut next = xorshift(0x5851_F42D_4C95_7F2D);
        let (mut cases, mut answered) = (0, 0);
        let mut check = |n: u128, q: i64| {
            cases += 1;
            if let Some(x) = eisel_lemire_wide(n, q) {
                let expected: f64 = format!("{n}e{q}").parse().expect("a number");
                assert_eq!(x.to_bits(), expected.to_bits(), "{n}e{q}");
                answered += 1;
            }
        };
        for _ in 0..100_000 {
            let digits = 20 + next() % 19;
            let n = (0..digits).fold(0u128, |n, _| n * 10 + u128::from(next() % 10));
            check(n.max(1), (next() % 720) as i64 - 400);
        }
        let ends = [0, 1, 2, 0x7FE, 0x7FD];
        for i in 0..3_000 {
            // Near either end of the range one in three, else anywhere.
            let biased = if i % 3 == 0 {
                ends[(next() % 5) as usize]
            } else {
                next() % 0x7FF
            };
            let e = if biased == 0 {
                -1074
            } else {
                biased as i64 - 1075
            };
            // A random mantissa, and the smallest and largest (whose halfway point above rounds
            // up to the next power of two: the carry, review BE).
            for m in [next() % (1 << 52), 0, (1 << 52) - 1] {
                let m = m | if biased == 0 { 0 } else { 1 << 52 };
                // (2m + 1) × 2^(e − 1) in decimal: D × 10^−k.
                let (halfway, k) = if e >= 1 {
                    (times_power(2 * m + 1, 2, (e - 1) as u32), 0)
                } else {
                    (
                        times_pow5(2 * m + 1, (1 - e) as u32),
                        i64::from((1 - e) as u32),
                    )
                };
                for d in [20, 25, 38] {
                    let Some(cut) = halfway.get(..d) else {
                        continue;
                    };
                    let n: u128 = cut.parse().expect("digits");
                    let q = (halfway.len() - d) as i64 - k;
                    for n in [n - 1, n, n + 1] {
                        check(n, q);
                    }
                }
            }
        }
        // Exact ties below 1 in their last digit, (2m + 1) × 5^j × 2^s × 10^−j: the table's 5^−j
        // is not exact, so none may be answered but as std reads it (review BE).
        for j in 1..=32u32 {
            for _ in 0..20 {
                let half = u128::from((next() % (1 << 52)) | (1 << 52)) << 1 | 1;
                let Some(n) = half.checked_mul(5u128.pow(j)).map(|n| n << (next() % 8)) else {
                    continue;
                };
                if (10u128.pow(19)..10u128.pow(38)).contains(&n) {
                    for n in [n - 1, n, n + 1] {
                        check(n, -i64::from(j));
                    }
                }
            }
        }
        // Exact ties, integers halfway between two f64s (5^0 is exact in the table): to even.
        for shift in 11..=73 {
            for _ in 0..20 {
                let half = u128::from((next() % (1 << 52)) | (1 << 52)) << 1 | 1;
                for n in [(half << shift) - 1, half << shift, (half << shift) + 1] {
                    if n >= 10u128.pow(19) {
                        check(n, 0);
                        assert!(eisel_lemire_wide(n, 0).is_some(), "{n}: exact, so answered");
                    }
                }
            }
        }
        assert!(answered > cases * 9 / 10, "{answered} of {cases} answered");
    }

    #[test]
    fn exact_halfway_points_far_from_one() {
        // (2m + 1) × 2^-1075 = (2m + 1) × 5^1075 × 10^-1075, exactly halfway between two f64s
        // (ties to even), and a unit above and below it in its last digit: the first 160 bits of
        // the comparison cannot tell these apart, so the whole product decides.
        for half in [1, 3, (1 << 53) + 1, (1 << 54) - 1] {
            let digits = times_pow5(half, 1075);
            let (body, last) = digits.split_at(digits.len() - 1);
            let last = last.as_bytes()[0] - b'0';
            for d in [last - 1, last, last + 1] {
                same(&format!("{body}{d}e-1075"));
            }
        }
    }

    /// A deterministic sweep against std's parser (the oracle): random digits, random point
    /// and exponent, over the whole range, subnormals included.
    #[test]
    fn random_numbers_match_std() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let digits = random_digits(&mut next, 25);
            let exp = (next() % 700) as i64 - 350;
            same(&format!("{digits}e{exp}"));
            // Exactly halfway between two doubles m·2^e and (m+1)·2^e: (2m+1)·2^(e−1), written
            // out exactly in decimal (an integer, or (2m+1)·5^k / 10^k).
            let m = u128::from((1u64 << 52) | (next() % (1 << 52)));
            let e = (next() % 90) as i64 - 20;
            // And just below and just above it: one more digit, 9 below or 1 above.
            let (n, k) = if e >= 1 {
                ((2 * m + 1) << (e - 1), 0)
            } else {
                let k = (1 - e) as u32;
                ((2 * m + 1) * 5u128.pow(k), k)
            };
            same(&format!("{n}e-{k}"));
            same(&format!("{}9e-{}", n - 1, k + 1));
            same(&format!("{n}1e-{}", k + 1));
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
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let check = |raw: &str| {
            let (mut short, mut exact) = (Vec::new(), Vec::new());
            write_canonical(raw.as_bytes(), &mut short, &mut LastLong::default());
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
            let digits = random_digits(&mut next, 15);
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
            // Each form of Ryū's notation: as it is, with a `+`, or printed from its digits.
            (0.0, "0"),
            (0.001, "0.001"),
            (123456.789, "123456.789"),
            (1e15, "1000000000000000"),
            (1e16, "10000000000000000"),
            (1.5e20, "150000000000000000000"),
            (2.5e21, "2.5e+21"),
            (-1e21, "-1e+21"),
            (1e100, "1e+100"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1.5e-6, "0.0000015"),
            (-1.5e-7, "-1.5e-7"),
            (1e-10, "1e-10"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(to_js_string(x), js);
        }
    }
}
