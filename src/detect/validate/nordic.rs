//! Nordic national identity numbers: Norwegian fødselsnummer and its
//! variants, Danish CPR, Swedish personnummer and Finnish henkilötunnus.
//!
//! All functions take digit values (0..=9), not ASCII, except the HETU
//! validator which needs its sign and check character. `today` is passed in
//! so the same input always validates the same way within a scan.

use super::date::Ymd;
use super::{luhn_valid, two, weighted_sum};

/// Which kind of Norwegian number an 11-digit value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoKind {
    /// An ordinary fødselsnummer.
    Ordinary,
    /// A D-number (day + 40), given to foreign nationals.
    DNumber,
    /// An H-number (month + 40), a healthcare help number; NAV's synthetic
    /// test numbers (Dolly) share this offset.
    HNumber,
    /// Skatteetaten's synthetic test numbers (month + 80, Tenor).
    Synthetic,
    /// An FH-number: no date, first digit 8 or 9. Reported only with a keyword.
    FhNumber,
}

/// The outcome of validating a Norwegian 11-digit number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoId {
    /// The variant.
    pub kind: NoKind,
    /// K1 remainder was 1..=3: valid only under the 2032 rule.
    pub post2032: bool,
    /// The century table gave no answer and the date was accepted leniently.
    pub lenient_century: bool,
    /// The birth date lies after `today`.
    pub future: bool,
}

const NO_K1: [u32; 10] = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const NO_K2: [u32; 11] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/// Validates an 11-digit Norwegian fødselsnummer, D-, H-, FH- or synthetic
/// number (spec §1.1), including the relaxed K1 rule from 2032.
pub fn no_fnr(d: &[u8], today: Ymd) -> Option<NoId> {
    if d.len() != 11 || !weighted_sum(d, &NO_K2).is_multiple_of(11) {
        return None;
    }
    let k1 = weighted_sum(&d[..10], &NO_K1) % 11;
    if k1 > 3 {
        return None;
    }
    let post2032 = k1 != 0;
    if d[0] >= 8 {
        // FH numbers carry no date; only the check digits (old rule).
        return (!post2032).then_some(NoId {
            kind: NoKind::FhNumber,
            post2032: false,
            lenient_century: false,
            future: false,
        });
    }
    let (mut day, mut month, yy) = (two(&d[0..2]), two(&d[2..4]), two(&d[4..6]));
    let mut kind = NoKind::Ordinary;
    if day > 40 {
        day -= 40;
        kind = NoKind::DNumber;
    }
    if month > 80 {
        month -= 80;
        kind = NoKind::Synthetic;
    } else if month > 40 {
        month -= 40;
        if kind == NoKind::Ordinary {
            kind = NoKind::HNumber;
        }
    }
    let individual = u32::from(d[6]) * 100 + two(&d[7..9]);
    let century = match individual {
        0..=499 => Some(1900),
        500..=749 if yy >= 54 => Some(1800),
        500..=999 if yy < 40 => Some(2000),
        900..=999 if yy >= 40 => Some(1900),
        _ => None,
    };
    let (birth, lenient) = match century {
        Some(c) => (Ymd::new(c + yy, month, day)?, false),
        None if post2032 => {
            let date = Ymd::new(1900 + yy, month, day).or_else(|| Ymd::new(2000 + yy, month, day))?;
            (date, true)
        }
        None => return None,
    };
    Some(NoId {
        kind,
        post2032,
        lenient_century: lenient,
        future: birth > today,
    })
}

/// The outcome of validating a Danish CPR number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DkCpr {
    /// The modulus-11 check holds (guaranteed only for numbers issued
    /// before October 2007, so it is a confidence signal, not a rule).
    pub mod11: bool,
    /// The birth date is 1 January, the only dates issued without mod-11.
    pub jan1: bool,
    /// The birth date lies after `today`.
    pub future: bool,
}

/// Validates a 10-digit Danish CPR number: date plus the century rule from
/// digit 7 (spec §2.1). Mod-11 is reported, not required.
pub fn dk_cpr(d: &[u8], today: Ymd) -> Option<DkCpr> {
    if d.len() != 10 {
        return None;
    }
    let (day, month, yy) = (two(&d[0..2]), two(&d[2..4]), two(&d[4..6]));
    let century = match d[6] {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        _ if yy <= 57 => 2000,
        _ => 1800,
    };
    let birth = Ymd::new(century + yy, month, day)?;
    Some(DkCpr {
        mod11: weighted_sum(d, &[4, 3, 2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11),
        jan1: day == 1 && month == 1,
        future: birth > today,
    })
}

/// The outcome of validating a Swedish personnummer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SePnr {
    /// A samordningsnummer (day + 60).
    pub coordination: bool,
    /// The full birth year, used to normalise to the 12-digit form.
    pub year: u32,
}

/// Validates a Swedish personnummer or samordningsnummer given as 10 or 12
/// digit values. `plus` is true when the 10-digit form used `+` (aged 100 or
/// more). Luhn covers the last 10 digits only (spec §3.1).
pub fn se_pnr(d: &[u8], plus: bool, today: Ymd) -> Option<SePnr> {
    let (century, ten) = match d.len() {
        12 => {
            let c = two(&d[0..2]);
            if !(18..=20).contains(&c) {
                return None;
            }
            (Some(c * 100), &d[2..])
        }
        10 => (None, d),
        _ => return None,
    };
    if !luhn_valid(ten) {
        return None;
    }
    let (yy, month, mut day) = (two(&ten[0..2]), two(&ten[2..4]), two(&ten[4..6]));
    let coordination = day > 60;
    if coordination {
        day -= 60;
    }
    let year = match century {
        Some(c) => c + yy,
        None => {
            let mut base = today.year - today.year % 100;
            if yy > today.year % 100 {
                base -= 100;
            }
            if plus {
                base -= 100;
            }
            base + yy
        }
    };
    Ymd::new(year, month, day)?;
    Some(SePnr { coordination, year })
}

/// The outcome of validating a Finnish henkilötunnus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiHetu {
    /// Individual number 900–999: a temporary identity code.
    pub temporary: bool,
    /// The century sign is one of those added in 2023 (`B`–`F`, `U`–`Y`).
    pub new_sign: bool,
}

const HETU_CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

/// Validates an 11-character HETU `DDMMYYCZZZQ` (ASCII, any case): date,
/// century sign including the 2023 signs, individual number and the mod-31
/// check character (spec §4.1).
pub fn fi_hetu(s: &[u8]) -> Option<FiHetu> {
    if s.len() != 11 {
        return None;
    }
    let digits_at = |r: std::ops::Range<usize>| s[r].iter().all(u8::is_ascii_digit);
    if !digits_at(0..6) || !digits_at(7..10) {
        return None;
    }
    let v = |i: usize| u32::from(s[i] - b'0');
    let (day, month, yy) = (v(0) * 10 + v(1), v(2) * 10 + v(3), v(4) * 10 + v(5));
    let sign = s[6].to_ascii_uppercase();
    let (century, new_sign) = match sign {
        b'+' => (1800, false),
        b'-' => (1900, false),
        b'U'..=b'Y' => (1900, true),
        b'A' => (2000, false),
        b'B'..=b'F' => (2000, true),
        _ => return None,
    };
    Ymd::new(century + yy, month, day)?;
    let individual = v(7) * 100 + v(8) * 10 + v(9);
    if individual < 2 {
        return None;
    }
    let number = (day * 10_000 + month * 100 + yy) * 1000 + individual;
    if HETU_CHECK[(number % 31) as usize] != s[10].to_ascii_uppercase() {
        return None;
    }
    Some(FiHetu {
        temporary: individual >= 900,
        new_sign,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
    }
    const TODAY: Ymd = Ymd {
        year: 2026,
        month: 11,
        day: 22,
    };

    #[test]
    fn fnr_variants_are_labelled() {
        let kind = |s: &str| no_fnr(&digits(s), TODAY).map(|r| r.kind);
        assert_eq!(kind("15108695088"), Some(NoKind::Ordinary));
        assert_eq!(kind("41018530021"), Some(NoKind::DNumber));
        assert_eq!(kind("15439010026"), Some(NoKind::HNumber));
        assert_eq!(kind("17912099997"), Some(NoKind::Synthetic));
        assert_eq!(kind("57912075186"), Some(NoKind::Synthetic));
        let r = no_fnr(&digits("30108299939"), TODAY).unwrap();
        assert!(r.post2032);
        assert!(no_fnr(&digits("02013299997"), TODAY).unwrap().future);
    }

    #[test]
    fn cpr_reports_mod11_as_a_signal() {
        let r = dk_cpr(&digits("2110625629"), TODAY).unwrap();
        assert!(r.mod11 && !r.jan1);
        let r = dk_cpr(&digits("0101650001"), TODAY).unwrap();
        assert!(!r.mod11 && r.jan1);
        assert!(dk_cpr(&digits("3102901234"), TODAY).is_none());
    }

    #[test]
    fn pnr_century_and_plus_sign() {
        assert_eq!(se_pnr(&digits("8112289841"), false, TODAY).unwrap().year, 1981);
        assert_eq!(se_pnr(&digits("8112289841"), true, TODAY).unwrap().year, 1881);
        assert!(se_pnr(&digits("7010632391"), false, TODAY).unwrap().coordination);
        assert!(se_pnr(&digits("218112289841"), false, TODAY).is_none());
    }

    #[test]
    fn hetu_signs_and_temporary_numbers() {
        assert!(fi_hetu(b"010101B112A").unwrap().new_sign);
        assert!(fi_hetu(b"131052-308t").is_some());
        assert!(fi_hetu(b"131052G308T").is_none());
        assert!(fi_hetu(b"131052-001H").is_none());
    }
}
