//! SHA-256 (FIPS 180-4) for the wasm build: the compression function written for V8, about 4 %
//! faster there than the `sha2` crate's simd128 backend, which is what gives the wasm's SHA-256
//! its lead over the fastest published wasm SHA-256 (hash-wasm; BENCHMARKS.md). Native builds
//! hash with `sha2` (CPU SHA instructions); this module is compiled natively only for its tests,
//! which check it against `sha2` (the portable path); `tests/js/node-entry.test.mjs` checks the
//! wasm path against `node:crypto`.
//!
//! On `wasm32` with `simd128`, the message schedule is computed four words at a time in SIMD,
//! interleaved with the scalar rounds, with `K + W` added in SIMD too. The rounds are unrolled
//! with the working variables in eight locals renamed each round (no moves), and each round adds
//! `h + (K + W)` first (it does not depend on the previous round: measured ~3 % in V8), computes
//! `Ch(e,f,g)` as `g ^ (e & (f ^ g))` and `Maj(a,b,c)` as `b ^ ((a ^ b) & (b ^ c))`, passing `a ^ b`
//! on as the next round's `b ^ c`. Elsewhere a portable path with the same round and a 16-word
//! circular schedule is used.
// Every index below is a constant or bounded by a fixed array length (K[64], blocks of 64).
#![allow(clippy::indexing_slicing)]

/// Initial SHA-256 chaining value.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256 round constants.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// Σ0 (on `a`).
#[inline(always)]
fn big_sigma0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}

/// Σ1 (on `e`).
#[inline(always)]
fn big_sigma1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}

/// One SHA-256 round on the renamed working variables.
///
/// `$kw` is `K[t] + W[t]`. `$bc` holds `b ^ c` coming in and `a ^ b` going
/// out, which is `b ^ c` for the next round (after renaming). Only `$d` and `$h`
/// are written. The caller passes the names rotated one place right for
/// each following round.
macro_rules! round {
    ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident,
     $kw:expr, $bc:ident) => {{
        let t1 = $h
            .wrapping_add($kw)
            .wrapping_add($g ^ ($e & ($f ^ $g)))
            .wrapping_add(big_sigma1($e));
        $d = $d.wrapping_add(t1);
        let ab = $a ^ $b;
        $h = t1
            .wrapping_add(big_sigma0($a))
            .wrapping_add($b ^ (ab & $bc));
        $bc = ab;
    }};
}

/// The 64 rounds of a block as eight calls of `$rounds8!(t)`, one per group of eight rounds.
macro_rules! all_rounds {
    ($rounds8:ident) => {
        $rounds8!(0);
        $rounds8!(8);
        $rounds8!(16);
        $rounds8!(24);
        $rounds8!(32);
        $rounds8!(40);
        $rounds8!(48);
        $rounds8!(56);
    };
}

/// Adds a block's working variables into the chaining state.
#[inline(always)]
fn accumulate(state: &mut [u32; 8], working: [u32; 8]) {
    for (s, v) in state.iter_mut().zip(working) {
        *s = s.wrapping_add(v);
    }
}

/// Compress whole 64-byte blocks into `state` (SHA-256 block function).
///
/// Same contract as `sha2::block_api::compress256`.
#[inline]
fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd128::compress(state, blocks);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    portable::compress(state, blocks);
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use super::{accumulate, big_sigma0, big_sigma1, K};
    use core::arch::wasm32::{
        i8x16_shuffle, u32x4, u32x4_add, u32x4_extract_lane, u32x4_shl, u32x4_shr, u32x4_shuffle,
        u64x2, u64x2_shr, v128, v128_xor,
    };

    /// `K[i..i + 4]` as a vector (a `v128.const` after constant folding).
    #[inline(always)]
    fn rk(i: usize) -> v128 {
        u32x4(K[i], K[i + 1], K[i + 2], K[i + 3])
    }

    /// Message words `W[4q..4q + 4]` of `block`, big-endian.
    #[inline(always)]
    fn load_be(block: &[u8; 64], q: usize) -> v128 {
        let c = &block[16 * q..16 * q + 16];
        // Four native (little-endian) loads, which LLVM merges into one v128.load.
        let v = u32x4(
            u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
            u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            u32::from_le_bytes([c[8], c[9], c[10], c[11]]),
            u32::from_le_bytes([c[12], c[13], c[14], c[15]]),
        );
        i8x16_shuffle::<3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12>(v, v)
    }

    /// Advance the schedule by four words.
    ///
    /// On entry `x` holds `W[t-16..t]` (4 vectors). On exit it holds
    /// `W[t-12..t+4]`, and the return value is `W[t..t+4] + k`. Same algorithm
    /// as sha2 0.11's wasm32 backend: σ0 on four lanes at once, and σ1 done
    /// twice on two lanes, using 64-bit shifts of duplicated lanes as rotates.
    #[inline(always)]
    fn schedule(x: &mut [v128; 4], k: v128) -> v128 {
        let zero = u64x2(0, 0);
        // σ0(W[t-15..t-11]) + W[t-16..t-12] + W[t-7..t-3]
        let w15 = u32x4_shuffle::<1, 2, 3, 4>(x[0], x[1]);
        let w7 = u32x4_shuffle::<1, 2, 3, 4>(x[2], x[3]);
        let s0 = v128_xor(
            v128_xor(u32x4_shr(w15, 7), u32x4_shl(w15, 25)),
            v128_xor(
                v128_xor(u32x4_shr(w15, 18), u32x4_shl(w15, 14)),
                u32x4_shr(w15, 3),
            ),
        );
        let mut w = u32x4_add(u32x4_add(x[0], w7), s0);
        // σ1 for lanes 0,1 from W[t-2], W[t-1] (lanes 2,3 of x[3]). Each lane is
        // duplicated into a 64-bit half, so a 64-bit right shift acts as a
        // 32-bit rotate.
        let d = u32x4_shuffle::<2, 2, 3, 3>(x[3], x[3]);
        let r17 = u64x2_shr(d, 17);
        let s1 = v128_xor(v128_xor(u32x4_shr(d, 10), r17), u64x2_shr(r17, 2));
        w = u32x4_add(w, u32x4_shuffle::<0, 2, 7, 7>(s1, zero));
        // σ1 for lanes 2,3 from the two words just computed.
        let d = u32x4_shuffle::<0, 0, 1, 1>(w, w);
        let r17 = u64x2_shr(d, 17);
        let s1 = v128_xor(v128_xor(u32x4_shr(d, 10), r17), u64x2_shr(r17, 2));
        w = u32x4_add(w, u32x4_shuffle::<7, 7, 0, 2>(s1, zero));

        *x = [x[1], x[2], x[3], w];
        u32x4_add(w, k)
    }

    pub(super) fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
        for block in blocks {
            // x: the last 16 schedule words. kw: K + W for the next 16 rounds,
            // four per vector, used round-robin.
            let mut x = [
                load_be(block, 0),
                load_be(block, 1),
                load_be(block, 2),
                load_be(block, 3),
            ];
            let mut kw = [
                u32x4_add(x[0], rk(0)),
                u32x4_add(x[1], rk(4)),
                u32x4_add(x[2], rk(8)),
                u32x4_add(x[3], rk(12)),
            ];
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
            let mut bc = b ^ c;

            // Four rounds t..t+4 using kw[(t/4)%4]. While t < 48, the vector
            // for rounds t+16..t+20 is computed first so the SIMD work overlaps
            // with the scalar rounds.
            macro_rules! rounds4 {
                ($t:expr, $a:ident, $b:ident, $c:ident, $d:ident,
                 $e:ident, $f:ident, $g:ident, $h:ident) => {
                    let slot = ($t / 4) % 4;
                    let next = if $t < 48 {
                        Some(schedule(&mut x, rk($t + 16)))
                    } else {
                        None
                    };
                    let m = kw[slot];
                    let (m0, m1) = (u32x4_extract_lane::<0>(m), u32x4_extract_lane::<1>(m));
                    let (m2, m3) = (u32x4_extract_lane::<2>(m), u32x4_extract_lane::<3>(m));
                    round!($a, $b, $c, $d, $e, $f, $g, $h, m0, bc);
                    round!($h, $a, $b, $c, $d, $e, $f, $g, m1, bc);
                    round!($g, $h, $a, $b, $c, $d, $e, $f, m2, bc);
                    round!($f, $g, $h, $a, $b, $c, $d, $e, m3, bc);
                    if let Some(n) = next {
                        kw[slot] = n;
                    }
                };
            }
            macro_rules! rounds8 {
                ($t:expr) => {
                    rounds4!($t, a, b, c, d, e, f, g, h);
                    rounds4!($t + 4, e, f, g, h, a, b, c, d);
                };
            }
            all_rounds!(rounds8);
            let _ = (bc, kw);

            accumulate(state, [a, b, c, d, e, f, g, h]);
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod portable {
    use super::{accumulate, big_sigma0, big_sigma1, K};

    #[inline(always)]
    fn small_sigma0(x: u32) -> u32 {
        x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
    }

    #[inline(always)]
    fn small_sigma1(x: u32) -> u32 {
        x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
    }

    pub(super) fn compress(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
        for block in blocks {
            let mut w = [0u32; 16];
            for (wi, c) in w.iter_mut().zip(block.chunks_exact(4)) {
                *wi = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
            }
            let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
            let mut bc = b ^ c;

            // K[t] + W[t]. For t >= 16, W[t] first replaces W[t-16] in the
            // 16-word circular buffer.
            macro_rules! kw {
                ($t:expr) => {{
                    let t: usize = $t;
                    if t >= 16 {
                        w[t % 16] = w[t % 16]
                            .wrapping_add(small_sigma1(w[(t + 14) % 16]))
                            .wrapping_add(w[(t + 9) % 16])
                            .wrapping_add(small_sigma0(w[(t + 1) % 16]));
                    }
                    w[t % 16].wrapping_add(K[t])
                }};
            }
            macro_rules! rounds8 {
                ($t:expr) => {
                    round!(a, b, c, d, e, f, g, h, kw!($t), bc);
                    round!(h, a, b, c, d, e, f, g, kw!($t + 1), bc);
                    round!(g, h, a, b, c, d, e, f, kw!($t + 2), bc);
                    round!(f, g, h, a, b, c, d, e, kw!($t + 3), bc);
                    round!(e, f, g, h, a, b, c, d, kw!($t + 4), bc);
                    round!(d, e, f, g, h, a, b, c, kw!($t + 5), bc);
                    round!(c, d, e, f, g, h, a, b, kw!($t + 6), bc);
                    round!(b, c, d, e, f, g, h, a, kw!($t + 7), bc);
                };
            }
            all_rounds!(rounds8);
            let _ = bc;

            accumulate(state, [a, b, c, d, e, f, g, h]);
        }
    }
}

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update(part);
    }
    sha.finalize()
}

/// SHA-256 fed in pieces: for a message that is never whole in memory (the canonical form of a
/// rewritten body, written piece by piece).
pub(crate) struct Sha256 {
    state: [u32; 8],
    block: [u8; 64],
    filled: usize,
    total: u64,
}

impl Sha256 {
    pub(crate) fn new() -> Self {
        Sha256 {
            state: H0,
            block: [0; 64],
            filled: 0,
            total: 0,
        }
    }

    pub(crate) fn update(&mut self, part: &[u8]) {
        self.total = self.total.wrapping_add(part.len() as u64);
        let mut rest = part;
        if self.filled > 0 {
            let take = (64 - self.filled).min(rest.len());
            self.block[self.filled..self.filled + take].copy_from_slice(&rest[..take]);
            self.filled += take;
            rest = &rest[take..];
            if self.filled < 64 {
                return;
            }
            compress(&mut self.state, std::slice::from_ref(&self.block));
        }
        let (blocks, tail) = rest.as_chunks::<64>();
        compress(&mut self.state, blocks);
        self.block[..tail.len()].copy_from_slice(tail);
        self.filled = tail.len();
    }

    pub(crate) fn finalize(mut self) -> [u8; 32] {
        // Padding: 0x80, zeros, the length in bits (big-endian); one or two blocks.
        let filled = self.filled;
        let mut tail = [0u8; 128];
        tail[..filled].copy_from_slice(&self.block[..filled]);
        tail[filled] = 0x80;
        let end = if filled < 56 { 64 } else { 128 };
        tail[end - 8..end].copy_from_slice(&self.total.wrapping_mul(8).to_be_bytes());
        compress(&mut self.state, tail[..end].as_chunks::<64>().0);
        let mut out = [0u8; 32];
        for (o, s) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&s.to_be_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn known_answers() {
        let hex = |d: [u8; 32]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(digest(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(digest(&[b"a", b"b", b"c"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(digest(&[
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            ])),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(digest(&[&vec![b'a'; 1_000_000]])),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    /// Every split of every length around the block and padding boundaries, against `sha2`.
    #[test]
    fn matches_sha2() {
        let mut x: u32 = 0x1234_5678;
        let data: Vec<u8> = (0..300)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        for len in 0..data.len() {
            let whole = &data[..len];
            let expected: [u8; 32] = sha2::Sha256::digest(whole).into();
            for cut in [0, len / 3, len / 2, len.saturating_sub(1), len] {
                let (a, rest) = whole.split_at(cut.min(len));
                let (b, c) = rest.split_at(rest.len() / 2);
                assert_eq!(digest(&[a, b, c]), expected, "{len} cut at {cut}");
            }
        }
    }
}
