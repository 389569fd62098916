//! Whether a run of text is valid UTF-8, for the strict JSON check: the rest of a string after
//! four non-ASCII characters in a row, up to its next quote, backslash or control character
//! ([`crate::json`]'s `scan_utf8`).
//!
//! In the wasm build (`simd128`), 16 bytes at a time by the lookup algorithm of J. Keiser and
//! D. Lemire, "Validating UTF-8 In Less Than One Instruction Per Byte" (Software: Practice and
//! Experience, 2021): each byte is classified by three 16-entry tables, indexed by the high and
//! low nibble of the byte before it and the high nibble of the byte itself, whose entries are
//! sets of error kinds; a byte pair is in error when all three tables name the same kind. What
//! pairs cannot see (a third or fourth byte where a sequence needs one, or none) is checked from
//! the bytes two and three places back. `std::str::from_utf8` reads such text a byte at a time:
//! checking the UTF-8 of a 64 KB Japanese event took 66 µs of its 172 µs `verify(Buffer)` in
//! Node, and takes ~30 µs with this (BENCHMARKS.md, session 21).
//!
//! Natively `std::str::from_utf8` is used; the algorithm is compiled natively for its tests,
//! which check it against `from_utf8` byte pattern by byte pattern, with `Lanes` on arrays.

/// Whether `text[start..end]` is valid UTF-8 (the same answer as `std::str::from_utf8`); the
/// bytes after it may be read, not checked.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) fn is_utf8(text: &[u8], start: usize, end: usize) -> bool {
    lookup::is_utf8::<core::arch::wasm32::v128>(text, start, end)
}

/// Whether `text[start..end]` is valid UTF-8.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(crate) fn is_utf8(text: &[u8], start: usize, end: usize) -> bool {
    text.get(start..end)
        .is_some_and(|run| std::str::from_utf8(run).is_ok())
}

#[cfg(any(test, all(target_arch = "wasm32", target_feature = "simd128")))]
mod lookup {
    /// Sixteen bytes and the operations the algorithm needs: `v128` in the wasm build, `[u8; 16]`
    /// in the native tests.
    pub(super) trait Lanes: Copy {
        /// The bytes of `block`.
        fn load(block: [u8; 16]) -> Self;
        /// `byte` in every lane.
        fn splat(byte: u8) -> Self;
        /// Each lane's entry of `table`, each lane below 16.
        fn lookup(self, table: [u8; 16]) -> Self;
        /// Each lane shifted right by four bits: its high nibble.
        fn high_nibble(self) -> Self;
        fn and(self, other: Self) -> Self;
        fn or(self, other: Self) -> Self;
        fn xor(self, other: Self) -> Self;
        /// Each lane minus `other`'s, at least 0.
        fn saturating_sub(self, other: Self) -> Self;
        /// The bytes one, two and three places before each lane's, the first ones from `before`
        /// (the previous block).
        fn back(self, before: Self) -> [Self; 3];
        fn any(self) -> bool;
        /// The first `n` lanes (below 16), the others 0.
        fn first(self, n: usize) -> Self;
    }

    // The error kinds, one bit each; a kind that two byte patterns share is told apart by the
    // tables of the other two nibbles.
    /// A lead byte followed by ASCII or another lead byte.
    const TOO_SHORT: u8 = 1 << 0;
    /// A continuation byte after ASCII.
    const TOO_LONG: u8 = 1 << 1;
    /// `E0` followed by `80..=9F`.
    const OVERLONG_3: u8 = 1 << 2;
    /// `F4` followed by `90..=BF`, `F5..=FF` followed by `90..=BF`: above U+10FFFF.
    const TOO_LARGE: u8 = 1 << 3;
    /// `ED` followed by `A0..=BF`: a surrogate.
    const SURROGATE: u8 = 1 << 4;
    /// `C0` or `C1` followed by a continuation byte.
    const OVERLONG_2: u8 = 1 << 5;
    /// `F5..=FF` followed by `80..=8F`, and `F0` followed by `80..=8F` (overlong 4-byte): both
    /// are told apart from what is valid by the low nibble of the lead byte.
    const TOO_LARGE_1000: u8 = 1 << 6;
    const OVERLONG_4: u8 = 1 << 6;
    /// A continuation byte after a continuation byte: an error unless the bytes two or three
    /// back say a third or fourth byte is due (then the two cancel out).
    const TWO_CONTS: u8 = 1 << 7;
    /// The kinds the low nibble of the byte before does not decide.
    const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

    /// By the high nibble of the byte before.
    const BEFORE_HIGH: [u8; 16] = [
        // 0_______: ASCII
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        TOO_LONG,
        // 10______: a continuation byte
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        TWO_CONTS,
        // 1100____, 1101____: a two-byte lead
        TOO_SHORT | OVERLONG_2,
        TOO_SHORT,
        // 1110____: a three-byte lead
        TOO_SHORT | OVERLONG_3 | SURROGATE,
        // 1111____: a four-byte lead (or no lead at all)
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
    ];

    /// By the low nibble of the byte before.
    const BEFORE_LOW: [u8; 16] = [
        CARRY | OVERLONG_2 | OVERLONG_3 | OVERLONG_4,
        CARRY | OVERLONG_2,
        CARRY,
        CARRY,
        CARRY | TOO_LARGE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
    ];

    /// By the high nibble of the byte itself.
    const HIGH: [u8; 16] = [
        // 0_______: ASCII
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        // 1000____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
        // 1001____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
        // 101_____
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
        // 11______: a lead byte
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
        TOO_SHORT,
    ];

    /// The errors of `block` given the block before it: any bit set is one.
    #[inline(always)]
    fn errors<V: Lanes>(block: V, before: V) -> V {
        let [back1, back2, back3] = block.back(before);
        let pairs = back1
            .high_nibble()
            .lookup(BEFORE_HIGH)
            .and(back1.and(V::splat(0x0F)).lookup(BEFORE_LOW))
            .and(block.high_nibble().lookup(HIGH));
        // Bit 7 where a third (lead from E0, two back) or fourth byte (from F0, three back) is
        // due: there the pair must be TWO_CONTS, and nowhere else.
        let due = back2
            .saturating_sub(V::splat(0xE0 - 0x80))
            .or(back3.saturating_sub(V::splat(0xF0 - 0x80)))
            .and(V::splat(0x80));
        due.xor(pairs)
    }

    /// Whether `text[start..end]` is valid UTF-8: its blocks, then its last bytes followed by
    /// zeros (ASCII, so a sequence cut short at the end is an error there). The last block is
    /// read from `text` where it has 16 bytes from there, its lanes from `end` zeroed (most runs
    /// of non-ASCII text are a few characters: a copy cost more than the check).
    pub(super) fn is_utf8<V: Lanes>(text: &[u8], start: usize, end: usize) -> bool {
        let Some(run) = text.get(start..end) else {
            return false;
        };
        let mut before = V::splat(0);
        let mut error = V::splat(0);
        let (blocks, tail) = run.as_chunks::<16>();
        for &block in blocks {
            let block = V::load(block);
            error = error.or(errors(block, before));
            before = block;
        }
        let from = end - tail.len();
        let block = text
            .get(from..from + 16)
            .and_then(|b| <[u8; 16]>::try_from(b).ok());
        let last = match block {
            Some(block) => V::load(block).first(tail.len()),
            None => {
                let mut last = [0; 16];
                if let Some(lanes) = last.get_mut(..tail.len()) {
                    lanes.copy_from_slice(tail);
                }
                V::load(last)
            }
        };
        !error.or(errors(last, before)).any()
    }

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl Lanes for core::arch::wasm32::v128 {
        #[inline(always)]
        fn load(block: [u8; 16]) -> Self {
            // Sixteen lanes from an array: LLVM makes it one v128.load.
            let [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15] = block;
            core::arch::wasm32::u8x16(
                a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15,
            )
        }
        #[inline(always)]
        fn splat(byte: u8) -> Self {
            core::arch::wasm32::u8x16_splat(byte)
        }
        #[inline(always)]
        fn lookup(self, table: [u8; 16]) -> Self {
            core::arch::wasm32::i8x16_swizzle(Self::load(table), self)
        }
        #[inline(always)]
        fn high_nibble(self) -> Self {
            core::arch::wasm32::u8x16_shr(self, 4)
        }
        #[inline(always)]
        fn and(self, other: Self) -> Self {
            core::arch::wasm32::v128_and(self, other)
        }
        #[inline(always)]
        fn or(self, other: Self) -> Self {
            core::arch::wasm32::v128_or(self, other)
        }
        #[inline(always)]
        fn xor(self, other: Self) -> Self {
            core::arch::wasm32::v128_xor(self, other)
        }
        #[inline(always)]
        fn saturating_sub(self, other: Self) -> Self {
            core::arch::wasm32::u8x16_sub_sat(self, other)
        }
        #[inline(always)]
        fn back(self, before: Self) -> [Self; 3] {
            use core::arch::wasm32::i8x16_shuffle as shuffle;
            [
                shuffle::<15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30>(
                    before, self,
                ),
                shuffle::<14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29>(
                    before, self,
                ),
                shuffle::<13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28>(
                    before, self,
                ),
            ]
        }
        #[inline(always)]
        fn any(self) -> bool {
            core::arch::wasm32::v128_any_true(self)
        }
        #[inline(always)]
        fn first(self, n: usize) -> Self {
            use core::arch::wasm32::{u8x16_lt, u8x16_splat, v128_and};
            let lane = Self::load([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
            v128_and(self, u8x16_lt(lane, u8x16_splat(n as u8)))
        }
    }

    #[cfg(test)]
    impl Lanes for [u8; 16] {
        fn load(block: [u8; 16]) -> Self {
            block
        }
        fn splat(byte: u8) -> Self {
            [byte; 16]
        }
        fn lookup(self, table: [u8; 16]) -> Self {
            self.map(|lane| table[usize::from(lane)])
        }
        fn high_nibble(self) -> Self {
            self.map(|lane| lane >> 4)
        }
        fn and(self, other: Self) -> Self {
            std::array::from_fn(|k| self[k] & other[k])
        }
        fn or(self, other: Self) -> Self {
            std::array::from_fn(|k| self[k] | other[k])
        }
        fn xor(self, other: Self) -> Self {
            std::array::from_fn(|k| self[k] ^ other[k])
        }
        fn saturating_sub(self, other: Self) -> Self {
            std::array::from_fn(|k| self[k].saturating_sub(other[k]))
        }
        fn back(self, before: Self) -> [Self; 3] {
            let both = [before, self].concat();
            [1, 2, 3].map(|n| std::array::from_fn(|k| both[16 + k - n]))
        }
        fn any(self) -> bool {
            self.iter().any(|&lane| lane != 0)
        }
        fn first(self, n: usize) -> Self {
            std::array::from_fn(|k| if k < n { self[k] } else { 0 })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::is_utf8;

        /// `bytes` as a text of its own (its last block copied, padded with zeros), and followed
        /// by continuation bytes (its last block read in place, the lanes after it set aside).
        fn same(bytes: &[u8]) {
            let valid = std::str::from_utf8(bytes).is_ok();
            assert_eq!(
                is_utf8::<[u8; 16]>(bytes, 0, bytes.len()),
                valid,
                "{bytes:02x?}"
            );
            let followed = [bytes, &[0x80; 16]].concat();
            assert_eq!(
                is_utf8::<[u8; 16]>(&followed, 0, bytes.len()),
                valid,
                "{bytes:02x?} followed"
            );
        }

        /// Every pair of bytes, and every four of bytes that stand for each row of the tables
        /// and the thresholds of a due third or fourth byte, at the start of a block and across
        /// the edge of one (where `back` reads the block before), followed by ASCII (the padded
        /// last block) or by one more continuation byte. (With all 27 such bytes, at each of 18
        /// places, it took 110 s unoptimised; it passed, session 21.)
        #[test]
        fn agrees_with_from_utf8_on_every_short_pattern() {
            for place in [0, 15] {
                for a in 0..=255u8 {
                    for b in 0..=255u8 {
                        let mut text = vec![b'a'; place];
                        text.extend([a, b]);
                        same(&text);
                    }
                }
            }
            let bytes = [
                0x41, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xF0,
                0xF1, 0xF4, 0xF5, 0xFF,
            ];
            for place in [0, 14, 15] {
                for &a in &bytes {
                    for &b in &bytes {
                        for &c in &bytes {
                            for &d in &bytes {
                                let mut text = vec![b'a'; place];
                                text.extend([a, b, c, d]);
                                same(&text);
                                text.push(0x80);
                                same(&text);
                            }
                        }
                    }
                }
            }
        }

        /// Every lead byte from C0 with every second byte, then a third and a fourth byte that
        /// continue or end it: each row of the tables for every lead, the 4-byte ones the list
        /// above leaves out (F2, F3, F6 – FE) among them (review DH: a row's TOO_LARGE bit
        /// dropped for F6 – FE passed every other test), at a block's start and across its edge.
        #[test]
        fn agrees_with_from_utf8_on_every_lead_and_second_byte() {
            for a in 0xC0..=0xFFu8 {
                for b in 0x80..=0xBFu8 {
                    for c in [0x80u8, 0xBF, 0x41] {
                        for d in [0x80u8, 0xBF, 0x41] {
                            same(&[a, b, c, d]);
                            let mut text = vec![b'a'; 14];
                            text.extend([a, b, c, d]);
                            same(&text);
                        }
                    }
                }
            }
        }

        /// A run followed by more than a block of ASCII, as a string's text is by the rest of a
        /// body: its last block is read in place, from its own offset (review DH: reading it
        /// from past the run passed every test above, which follow a run by 16 bytes at most).
        #[test]
        fn agrees_with_from_utf8_when_more_than_a_block_follows() {
            for bytes in [
                &[0xC3u8][..],
                &[0xE2, 0x82],
                &[0x41; 17],
                &[0xC3, 0xA9, 0xC3],
            ] {
                let valid = std::str::from_utf8(bytes).is_ok();
                let followed = [bytes, &[0x41; 32]].concat();
                assert_eq!(
                    is_utf8::<[u8; 16]>(&followed, 0, bytes.len()),
                    valid,
                    "{bytes:02x?}"
                );
            }
        }

        /// Valid text of every sequence length, whole and cut at every byte, each character
        /// also replaced by every error pattern.
        #[test]
        fn agrees_with_from_utf8_on_text() {
            let text = "Zoë — 更新の件で電話 😀 2024年「エンタープライズ」𐍈 x".repeat(3);
            let bytes = text.as_bytes();
            same(bytes);
            for end in 0..bytes.len() {
                same(&bytes[..end]);
                same(&bytes[end..]);
                for bad in [0x80, 0xBF, 0xC0, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0x41] {
                    let mut changed = bytes.to_vec();
                    changed[end] = bad;
                    same(&changed);
                }
            }
        }
    }
}
