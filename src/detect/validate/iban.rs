//! IBAN: ISO 13616 mod-97 check plus per-country length (spec §5.1).

/// IBAN lengths per country (ISO 13616 registry), sorted by country code
/// for binary search.
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// Countries whose BBAN is digits only; a letter there means "not an IBAN".
const NUMERIC_BBAN: &[&[u8; 2]] = &[b"DK", b"FI", b"FO", b"GL", b"NO", b"SE", b"DE", b"IS"];

/// The IBAN length for a country code, if the country uses IBAN.
pub fn country_length(cc: &[u8]) -> Option<usize> {
    LENGTHS
        .binary_search_by(|(c, _)| c.as_slice().cmp(cc))
        .ok()
        .map(|i| LENGTHS[i].1)
}

/// Validates a compact IBAN (upper-case letters and digits, no spaces):
/// country length, numeric BBAN where the country requires it, mod-97 = 1,
/// and the Norwegian kontonr check inside a Norwegian IBAN.
pub fn iban(c: &[u8]) -> bool {
    if c.len() < 5 || !c[..2].iter().all(u8::is_ascii_uppercase) || !c[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if country_length(&c[..2]) != Some(c.len()) {
        return false;
    }
    if !c[4..]
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return false;
    }
    if NUMERIC_BBAN.iter().any(|cc| cc.as_slice() == &c[..2]) && !c[4..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut rem = 0u32;
    for &b in c[4..].iter().chain(&c[..4]) {
        rem = if b.is_ascii_digit() {
            (rem * 10 + u32::from(b - b'0')) % 97
        } else {
            (rem * 100 + u32::from(b - b'A' + 10)) % 97
        };
    }
    if rem != 1 {
        return false;
    }
    if &c[..2] == b"NO" {
        let s: u32 = c[4..]
            .iter()
            .zip([5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1])
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        return s.is_multiple_of(11);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(country_length(b"NO"), Some(15));
        assert_eq!(country_length(b"XX"), None);
    }

    #[test]
    fn wrong_country_length_is_rejected() {
        assert!(iban(b"NO9386011117947"));
        assert!(!iban(b"NO93860111179470"));
    }
}
