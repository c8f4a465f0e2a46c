//! Numbers from typed storage (spreadsheet cells, SQLite and Parquet
//! integer columns) turned back into the text a person would have typed.
//!
//! Identity numbers stored as numbers lose their leading zero: the
//! fødselsnummer 01019012345 becomes 1019012345 and the CPR 0101901234
//! becomes 101901234. A 10-digit number whose zero-padded 11-digit form is
//! a valid Norwegian number (two mod-11 check digits), and a 9-digit
//! number whose padded 10-digit form is a valid CPR date or Swedish
//! personnummer (Luhn), are read with the zero restored. Other numbers
//! are written as integers without decimals or exponent.

use crate::detect::validate::date::Ymd;
use crate::detect::validate::nordic;

/// The text of an integer, with a lost leading zero restored where that
/// turns it into a valid national identity number.
pub fn integer_text(n: i64) -> String {
    let plain = n.to_string();
    let padded = format!("0{plain}");
    let digits: Vec<u8> = padded.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    let today = Ymd::today();
    let restore = match plain.len() {
        10 if n > 0 => nordic::no_fnr(&digits, today).is_some_and(|r| r.kind != nordic::NoKind::FhNumber),
        9 if n > 0 => {
            nordic::dk_cpr(&digits, today).is_some() || nordic::se_pnr(&digits, false, today).is_some()
        }
        _ => false,
    };
    if restore { padded } else { plain }
}

/// The text of a floating-point value: integral values as integers (so an
/// 11-digit number stored as a float reads as its digits), others as
/// written by Rust's shortest round-trip formatting.
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        integer_text(f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_leading_zeros_are_restored_only_for_valid_ids() {
        // 01017002038 is a valid fødselsnummer (spec vector) with a leading zero.
        assert_eq!(integer_text(1017002038), "01017002038");
        // The CPR 0101650001 (spec vector) that lost its zero.
        assert_eq!(integer_text(101650001), "0101650001");
        // An ordinary 10-digit number stays as it is.
        assert_eq!(integer_text(1234567890), "1234567890");
        assert_eq!(integer_text(42), "42");
        assert_eq!(float_text(15108695088.0), "15108695088");
        assert_eq!(float_text(2.5), "2.5");
    }
}
