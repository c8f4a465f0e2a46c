//! Payment card numbers (PANs): length, Luhn and issuer ranges (spec §5.2).

use super::luhn_valid;

/// The card scheme an issuer identification number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    /// Visa, including Visa/Dankort (4571).
    Visa,
    /// Mastercard (51–55, 2221–2720).
    Mastercard,
    /// American Express (34, 37).
    Amex,
    /// Discover (6011, 644–649, 65).
    Discover,
    /// JCB (3528–3589).
    Jcb,
    /// Diners Club (300–305, 36, 38–39).
    Diners,
    /// Domestic Dankort (5019).
    Dankort,
    /// UnionPay (62).
    UnionPay,
    /// Maestro (50, 56–69 not claimed above).
    Maestro,
}

impl Brand {
    /// The name used in the `detail` output column.
    pub fn as_str(self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Amex => "amex",
            Brand::Discover => "discover",
            Brand::Jcb => "jcb",
            Brand::Diners => "diners",
            Brand::Dankort => "dankort",
            Brand::UnionPay => "unionpay",
            Brand::Maestro => "maestro",
        }
    }
}

fn prefix(d: &[u8], n: usize) -> u32 {
    d[..n].iter().fold(0, |acc, &x| acc * 10 + u32::from(x))
}

/// Validates a card number given as digit values: 13–19 digits, a known
/// issuer range with a length that issuer uses, Luhn, and not a run of one
/// digit or a plain counting sequence.
pub fn payment_card(d: &[u8]) -> Option<Brand> {
    let len = d.len();
    if !(13..=19).contains(&len) || !luhn_valid(d) {
        return None;
    }
    if d.iter().all(|&x| x == d[0]) || d.windows(2).all(|w| w[1] == (w[0] + 1) % 10) {
        return None;
    }
    let (p2, p3, p4) = (prefix(d, 2), prefix(d, 3), prefix(d, 4));
    let brand = match () {
        _ if d[0] == 4 => Brand::Visa,
        _ if p4 == 5019 => Brand::Dankort,
        _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => Brand::Mastercard,
        _ if p2 == 34 || p2 == 37 => Brand::Amex,
        _ if p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 => Brand::Discover,
        _ if (3528..=3589).contains(&p4) => Brand::Jcb,
        _ if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => Brand::Diners,
        _ if p2 == 62 => Brand::UnionPay,
        _ if p2 == 50 || (56..=69).contains(&p2) => Brand::Maestro,
        _ => return None,
    };
    let length_ok = match brand {
        Brand::Visa => matches!(len, 13 | 16 | 19),
        Brand::Mastercard | Brand::Dankort => len == 16,
        Brand::Amex => len == 15,
        Brand::Diners => len >= 14,
        Brand::Discover | Brand::Jcb | Brand::UnionPay => len >= 16,
        Brand::Maestro => true,
    };
    length_ok.then_some(brand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect()
    }

    #[test]
    fn brands_are_recognised() {
        assert_eq!(payment_card(&d("4111111111111111")), Some(Brand::Visa));
        assert_eq!(payment_card(&d("5555555555554444")), Some(Brand::Mastercard));
        assert_eq!(payment_card(&d("378282246310005")), Some(Brand::Amex));
        assert_eq!(payment_card(&d("6011111111111117")), Some(Brand::Discover));
    }

    #[test]
    fn wrong_length_for_brand_is_rejected() {
        // 15-digit number starting with 4 that passes Luhn: Visa never uses 15.
        assert_eq!(payment_card(&d("411111111111116")), None);
    }
}
