//! Organisation numbers of the four Nordic business registers, and the VAT
//! numbers built on them. They identify companies, not people, so the
//! scanner reports them as `org_number` (useful context in a data map) but
//! never counts them as personal data. Rules from the detector
//! specification, §1.2, §2.2, §3.2, §4.2 and §5.5.

use super::{luhn_valid, two, weighted_sum};

/// The register an organisation number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    /// Norwegian organisasjonsnummer (Enhetsregisteret).
    No,
    /// Danish CVR-nummer.
    Dk,
    /// Swedish organisationsnummer.
    Se,
    /// Finnish Y-tunnus.
    Fi,
}

impl Register {
    /// Label used in the finding's `detail` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Register::No => "NO orgnr",
            Register::Dk => "DK CVR",
            Register::Se => "SE orgnr",
            Register::Fi => "FI Y-tunnus",
        }
    }
}

/// Norwegian organisasjonsnummer: 9 digits, issued numbers start with 8 or
/// 9, modulus 11 with weights 3,2,7,6,5,4,3,2 and the check digit last.
pub fn no_orgnr(d: &[u8]) -> bool {
    d.len() == 9 && matches!(d[0], 8 | 9) && weighted_sum(d, &[3, 2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
}

/// Danish CVR-nummer: 8 digits, first not 0, modulus 11 with weights
/// 2,7,6,5,4,3,2,1.
pub fn dk_cvr(d: &[u8]) -> bool {
    d.len() == 8 && d[0] != 0 && weighted_sum(d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11)
}

/// Swedish organisationsnummer: 10 digits, Luhn, digits 3–4 at least 20
/// (never a month, which tells it from a personnummer).
pub fn se_orgnr(d: &[u8]) -> bool {
    d.len() == 10 && two(&d[2..4]) >= 20 && luhn_valid(d)
}

/// Finnish Y-tunnus, as 8 digits (7 and the check digit): weights
/// 7,9,10,5,8,4,2; remainder 0 gives check 0, remainder 1 is never issued,
/// otherwise the check is 11 − remainder.
pub fn fi_ytunnus(d: &[u8]) -> bool {
    if d.len() != 8 {
        return false;
    }
    let r = weighted_sum(&d[..7], &[7, 9, 10, 5, 8, 4, 2]) % 11;
    match r {
        0 => d[7] == 0,
        1 => false,
        _ => u32::from(d[7]) == 11 - r,
    }
}

/// A VAT number written with its country prefix (`NO 995 525 828 MVA`,
/// `DK13585628`, `SE556036079301`, `FI20774740`): the register and how
/// many of the digits written to `out` are the organisation number (the
/// Swedish `01` suffix is not), or `None`.
pub fn vat(span: &[u8], out: &mut [u8; 12]) -> Option<(Register, usize)> {
    let (cc, rest) = span.split_at_checked(2)?;
    let mut n = 0;
    let mut tail = rest.len();
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                *out.get_mut(n)? = b - b'0';
                n += 1;
            }
            b' ' => {}
            _ => {
                tail = i;
                break;
            }
        }
    }
    let suffix = rest[tail..].trim_ascii();
    let d = &out[..n];
    match (cc, suffix) {
        (b"NO", b"MVA") if no_orgnr(d) => Some((Register::No, 9)),
        (b"DK", b"") if dk_cvr(d) => Some((Register::Dk, 8)),
        (b"SE", b"") if d.len() == 12 && d[10..] == [0, 1] && se_orgnr(&d[..10]) => Some((Register::Se, 10)),
        (b"FI", b"") if fi_ytunnus(d) => Some((Register::Fi, 8)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
    }

    #[test]
    fn specification_vectors() {
        for v in ["988077917", "974760673", "995525828"] {
            assert!(no_orgnr(&digits(v)), "{v}");
        }
        for v in ["988077918", "123456789", "000000001"] {
            assert!(!no_orgnr(&digits(v)), "{v}");
        }
        for v in ["13585628", "24256790"] {
            assert!(dk_cvr(&digits(v)), "{v}");
        }
        for v in ["13585627", "01234567", "1358562"] {
            assert!(!dk_cvr(&digits(v)), "{v}");
        }
        for v in ["556036-0793", "212000-0142", "1234567897"] {
            assert!(se_orgnr(&digits(v)), "{v}");
        }
        for v in ["556036-0794", "1234567891", "55603607"] {
            assert!(!se_orgnr(&digits(v)), "{v}");
        }
        for v in ["2077474-0", "0737546-2", "1572860-0"] {
            assert!(fi_ytunnus(&digits(v)), "{v}");
        }
        for v in ["2077474-1", "1234567-8", "207747-0"] {
            assert!(!fi_ytunnus(&digits(v)), "{v}");
        }
    }

    #[test]
    fn vat_numbers() {
        let mut buf = [0u8; 12];
        for (v, reg) in [
            ("NO 995 525 828 MVA", Register::No),
            ("NO974760673MVA", Register::No),
            ("DK 13 74 81 36", Register::Dk),
            ("DK13585628", Register::Dk),
            ("SE556036079301", Register::Se),
            ("SE 123456789701", Register::Se),
            ("FI20774740", Register::Fi),
            ("FI 07375462", Register::Fi),
        ] {
            assert_eq!(vat(v.as_bytes(), &mut buf).map(|r| r.0), Some(reg), "{v}");
        }
        for v in [
            "NO 995 525 829 MVA",
            "NO988077917",
            "DK13585627",
            "DK02345678",
            "SE556036079302",
            "SE55603607930",
            "FI20774741",
            "FI2077474",
        ] {
            assert_eq!(vat(v.as_bytes(), &mut buf), None, "{v}");
        }
    }
}
