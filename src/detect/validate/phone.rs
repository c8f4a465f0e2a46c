//! Telephone numbers in Nordic national formats and E.164 (spec §§1.4,
//! 2.3, 3.3, 4.3). Norway and Denmark have closed 8-digit plans without a
//! trunk prefix; Sweden and Finland dial a trunk `0` before the national
//! significant number (NSN).

/// The numbering plan a number was validated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    /// Norway, +47.
    No,
    /// Denmark, +45.
    Dk,
    /// Sweden, +46.
    Se,
    /// Finland, +358.
    Fi,
    /// Any other country: only the E.164 length is checked.
    Other,
}

impl Country {
    /// The country calling code, as digits.
    pub fn calling_code(self) -> &'static str {
        match self {
            Country::No => "47",
            Country::Dk => "45",
            Country::Se => "46",
            Country::Fi => "358",
            Country::Other => "",
        }
    }

    /// Two-letter code for the `detail` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Country::No => "NO",
            Country::Dk => "DK",
            Country::Se => "SE",
            Country::Fi => "FI",
            Country::Other => "international",
        }
    }

    /// Parses `NO`, `DK`, `SE` or `FI` (any case), as written in profiles.
    pub fn parse(s: &str) -> Option<Country> {
        match s.to_ascii_uppercase().as_str() {
            "NO" => Some(Country::No),
            "DK" => Some(Country::Dk),
            "SE" => Some(Country::Se),
            "FI" => Some(Country::Fi),
            _ => None,
        }
    }
}

/// True when `nsn` (digit values, no trunk prefix) is a valid national
/// significant number in `country`'s plan.
pub fn nsn_valid(country: Country, nsn: &[u8]) -> bool {
    let Some(&first) = nsn.first() else {
        return false;
    };
    let second = nsn.get(1).copied().unwrap_or(10);
    match country {
        Country::No => {
            nsn.len() == 8
                && match first {
                    2 | 3 | 5 | 6 | 7 | 9 => true,
                    4 => match second {
                        0 | 1 | 6 | 7 | 8 => true,
                        5 => !(nsn[2] == 3 && nsn[3] == 6),
                        _ => false,
                    },
                    _ => false,
                }
        }
        Country::Dk => nsn.len() == 8 && first >= 2,
        Country::Se => match first {
            0 => false,
            7 => nsn.len() == 9 && matches!(second, 0 | 2 | 3 | 6 | 8 | 9),
            _ => (7..=9).contains(&nsn.len()),
        },
        Country::Fi => {
            let mobile = (first == 4 && second <= 8) || (first == 5 && second == 0);
            if mobile {
                (6..=10).contains(&nsn.len())
            } else {
                matches!(first, 1 | 2 | 3 | 5 | 6 | 8 | 9) && (6..=9).contains(&nsn.len())
            }
        }
        Country::Other => (6..=13).contains(&nsn.len()) && first != 0,
    }
}

/// Validates the digits that follow `+` or `00`; returns the plan and the
/// length of the calling code.
pub fn international(d: &[u8]) -> Option<(Country, usize)> {
    let starts = |p: &[u8]| d.starts_with(p);
    let (country, cc) = if starts(&[4, 7]) {
        (Country::No, 2)
    } else if starts(&[4, 5]) {
        (Country::Dk, 2)
    } else if starts(&[4, 6]) {
        (Country::Se, 2)
    } else if starts(&[3, 5, 8]) {
        (Country::Fi, 3)
    } else {
        if d.first() == Some(&0) || !(8..=15).contains(&d.len()) {
            return None;
        }
        return Some((Country::Other, 0));
    };
    nsn_valid(country, &d[cc..]).then_some((country, cc))
}

/// Validates a number written without a country code: a trunk-`0` number
/// is tried against Sweden and Finland, an 8-digit one against Norway and
/// Denmark; `preferred` decides when both plans accept it.
pub fn national(d: &[u8], preferred: Country) -> Option<Country> {
    let (candidates, nsn) = if d.first() == Some(&0) {
        ([Country::Se, Country::Fi], &d[1..])
    } else {
        ([Country::No, Country::Dk], d)
    };
    if candidates.contains(&preferred) && nsn_valid(preferred, nsn) {
        return Some(preferred);
    }
    candidates.into_iter().find(|&c| nsn_valid(c, nsn))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
    }

    #[test]
    fn preferred_country_breaks_ties() {
        assert_eq!(national(&d("22123456"), Country::Dk), Some(Country::Dk));
        assert_eq!(national(&d("22123456"), Country::No), Some(Country::No));
        // 12345678 is DK-only (first digit 1 is not in NO's plan either).
        assert_eq!(national(&d("12345678"), Country::No), None);
        assert_eq!(national(&d("0401234567"), Country::Fi), Some(Country::Fi));
        assert_eq!(national(&d("0401234567"), Country::No), Some(Country::Se));
    }

    #[test]
    fn international_unknown_codes_need_e164_length() {
        assert_eq!(international(&d("4915112345678")), Some((Country::Other, 0)));
        assert_eq!(international(&d("1234")), None);
    }
}
