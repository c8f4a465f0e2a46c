//! Pure, allocation-free validators for every identifier datakart reports.
//!
//! Each validator takes the candidate as the scanner found it (ASCII bytes,
//! separators included) or in compact form, and answers whether it is a
//! real identifier of its kind, with the variant it belongs to. The rules
//! follow the detector specification (`shared/detectors.md`): checksums,
//! century rules and date checks. Validators do no I/O and never allocate,
//! so the scanner can call them on every candidate on the hot path.

pub mod card;
pub mod date;
pub mod email;
pub mod iban;
pub mod ip;
pub mod nordic;
pub mod org;
pub mod phone;

/// Copies the ASCII digits of `raw` into `out`, returning how many there
/// were, or `None` when `raw` has more digits than `out` holds or holds a
/// byte that is neither a digit nor one of `separators`.
pub fn compact_digits<'a>(raw: &[u8], separators: &[u8], out: &'a mut [u8]) -> Option<&'a [u8]> {
    let mut n = 0;
    for &b in raw {
        if b.is_ascii_digit() {
            *out.get_mut(n)? = b - b'0';
            n += 1;
        } else if !separators.contains(&b) {
            return None;
        }
    }
    Some(&out[..n])
}

/// Σ wᵢ·dᵢ over digit values, used by every modulus-11 scheme.
pub fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(&d, &w)| u32::from(d) * w).sum()
}

/// The Luhn (mod-10) check over digit values, rightmost digit being the
/// check digit. Used by payment cards and Swedish personnummer.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Parses two digit values as a number 0..=99.
pub fn two(d: &[u8]) -> u32 {
    u32::from(d[0]) * 10 + u32::from(d[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_and_rejects_altered() {
        assert!(luhn_valid(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        assert!(!luhn_valid(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
        assert!(!luhn_valid(&[]));
    }

    #[test]
    fn compact_digits_rejects_foreign_bytes_and_overflow() {
        let mut buf = [0u8; 4];
        assert_eq!(compact_digits(b"12-3", b"-", &mut buf), Some(&[1, 2, 3][..]));
        assert_eq!(compact_digits(b"12x3", b"-", &mut buf), None);
        assert_eq!(compact_digits(b"12345", b"-", &mut buf), None);
    }
}
