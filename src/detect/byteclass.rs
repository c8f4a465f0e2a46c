//! Byte classes tested eight bytes at a time: the word-level detectors
//! step through prose word by word and number by number, and loops that
//! tested one byte at a time, branching on each, mispredicted at every
//! boundary between a word and a gap. An eight-byte integer holds a class
//! bit in each byte's top bit (SWAR: no `unsafe`, no per-byte branch).

/// Letters, digits and any byte of a multi-byte UTF-8 character count as
/// word characters, so `ø` in `fødsel` does not break a word.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Seven low bits of every byte.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// The top bit of every byte.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Adds `0x80 - b` to every byte, so a byte's top bit says whether it was
/// at least `b`. Only for bytes under 0x80 (`x & LOW7`): no carry then
/// reaches the next byte.
const fn at_least(b: u8) -> u64 {
    (0x80 - b as u64) * 0x0101_0101_0101_0101
}

/// Top bit set in each byte of `ascii` (bytes under 0x80) from `lo` to
/// `hi`; the other bits are noise for the caller to mask off.
fn between(ascii: u64, lo: u8, hi: u8) -> u64 {
    (ascii + at_least(lo)) & !(ascii + at_least(hi + 1))
}

/// Top bit set in each byte of `x` that is an ASCII digit.
fn digits(x: u64) -> u64 {
    between(x & LOW7, b'0', b'9') & !x & HIGH
}

/// Top bit set in each byte of `x` that is a word byte ([`is_word_byte`]):
/// an ASCII letter or digit, or any byte past 0x7f.
fn words(x: u64) -> u64 {
    let ascii = x & LOW7;
    let letter = between(ascii | 0x2020_2020_2020_2020, b'a', b'z');
    (x | between(ascii, b'0', b'9') | letter) & HIGH
}

/// Bit `i` set when `chunk[i]` is a word byte ([`is_word_byte`]), for a
/// chunk of at most 64 bytes.
pub fn word_mask(chunk: &[u8]) -> u64 {
    debug_assert!(chunk.len() <= 64);
    let mut eights = chunk.chunks_exact(8);
    let mut mask = 0;
    let mut shift = 0;
    for eight in &mut eights {
        // Each byte's top bit gathered to bit `i` for byte `i`.
        let gathered = (words(read(eight)) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= gathered << shift;
        shift += 8;
    }
    for (i, &b) in eights.remainder().iter().enumerate() {
        mask |= u64::from(is_word_byte(b)) << (shift + i);
    }
    mask
}

/// The offset of the first ASCII digit in `bytes`.
pub fn find_digit(bytes: &[u8]) -> Option<usize> {
    let mut eights = bytes.chunks_exact(8);
    let mut at = 0;
    for eight in &mut eights {
        let found = digits(read(eight));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    eights
        .remainder()
        .iter()
        .position(u8::is_ascii_digit)
        .map(|i| at + i)
}

/// Eight bytes as one integer, the first byte lowest.
fn read(eight: &[u8]) -> u64 {
    u64::from_le_bytes(eight.try_into().expect("eight bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of chunks of every length up
    /// to 64 is classed as `is_word_byte` classes it.
    #[test]
    fn word_masks_class_every_byte_as_is_word_byte_does() {
        for len in 0..=64 {
            for b in 0..=255u8 {
                for at in 0..len {
                    let mut chunk = vec![b' '; len];
                    chunk[at] = b;
                    let expected = u64::from(is_word_byte(b)) << at;
                    assert_eq!(word_mask(&chunk), expected, "byte {b:#04x} at {at} of {len}");
                }
            }
        }
        let mixed: Vec<u8> = (0..64).map(|i| (i * 37 + 11) as u8).collect();
        let expected = mixed
            .iter()
            .enumerate()
            .fold(0u64, |m, (i, &b)| m | u64::from(is_word_byte(b)) << i);
        assert_eq!(word_mask(&mixed), expected);
    }

    /// Every byte value at every position of slices up to 40 bytes, after
    /// bytes that look like digits in their low seven bits (0xb0-0xb9):
    /// the first digit is where a byte-by-byte search finds it.
    #[test]
    fn the_first_digit_is_where_a_byte_by_byte_search_finds_it() {
        for len in 0..=40 {
            for b in 0..=255u8 {
                for at in 0..len {
                    let mut bytes: Vec<u8> = (0..len).map(|i| 0xb0 + (i % 10) as u8).collect();
                    bytes[at] = b;
                    let expected = bytes.iter().position(u8::is_ascii_digit);
                    assert_eq!(find_digit(&bytes), expected, "byte {b:#04x} at {at} of {len}");
                }
            }
        }
        assert_eq!(find_digit(b"Referat, kvartal 3."), Some(17));
        assert_eq!(find_digit(b"ingen tall her"), None);
    }
}
