//! Masking: the readable, non-identifying form of a value that outputs
//! carry instead of the value itself (`01019*****5`, `o**@example.no`).

use crate::model::DataType;

/// Masks a normalised value of type `ty`. Enough is kept for a person to
/// recognise which record is meant (birth date prefix, e-mail domain, last
/// digits), never enough to reconstruct the value.
pub fn mask(ty: DataType, normalized: &str) -> String {
    // Built in one buffer: a value is masked for every finding.
    let keep = |head: usize, tail: usize| -> String {
        let n = normalized.chars().count();
        let mut out = String::with_capacity(normalized.len());
        if head + tail >= n {
            out.extend(std::iter::repeat_n('*', n));
            return out;
        }
        for (i, c) in normalized.chars().enumerate() {
            out.push(if i < head || i >= n - tail { c } else { '*' });
        }
        out
    };
    match ty {
        DataType::Email => match normalized.rsplit_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                let stars = "*".repeat(local.chars().count().saturating_sub(1).max(2));
                format!("{first}{stars}@{domain}")
            }
            None => keep(1, 0),
        },
        DataType::NoFnr | DataType::NoDnr | DataType::DkCpr | DataType::FiHetu => keep(5, 1),
        DataType::SePnr => keep(7, 1),
        DataType::Phone => {
            let cc = if normalized.starts_with("+358") { 4 } else { 3 };
            keep(cc, 2)
        }
        DataType::Iban => keep(4, 4),
        DataType::PaymentCard => keep(0, 4),
        DataType::Ipv4 => {
            let parts: Vec<&str> = normalized.split('.').collect();
            match parts.as_slice() {
                [a, b, _, _] => format!("{a}.{b}.*.*"),
                _ => keep(0, 0),
            }
        }
        DataType::Ipv6 => {
            let groups: Vec<&str> = normalized.split(':').take(2).collect();
            format!("{}:*", groups.join(":"))
        }
        // Companies' numbers are public (business registers) and not
        // personal data: shown whole so a data map can name the company.
        DataType::OrgNumber => normalized.to_string(),
        DataType::Custom => keep(2, 2),
        // Names and addresses keep each word's first letter (`O** N*******`,
        // `S******* * **** O***`); digits are hidden.
        DataType::PersonName | DataType::PostalAddress | DataType::SpecialCategory => initials(normalized),
    }
}

/// Each word's first letter (upper-cased), the rest and every digit as `*`.
fn initials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut chars = word.chars();
        match chars.next() {
            Some(c) if c.is_alphabetic() => {
                out.extend(c.to_uppercase());
                out.extend(chars.map(|_| '*'));
            }
            Some(_) => out.extend(std::iter::repeat_n('*', word.chars().count())),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_documented_parts() {
        assert_eq!(mask(DataType::NoFnr, "01019912345"), "01019*****5");
        assert_eq!(mask(DataType::Email, "ola@example.no"), "o**@example.no");
        assert_eq!(mask(DataType::Phone, "+4791234567"), "+47******67");
        assert_eq!(
            mask(DataType::PaymentCard, "4111111111111111"),
            "************1111"
        );
        assert_eq!(mask(DataType::Iban, "NO9386011117947"), "NO93*******7947");
        assert_eq!(mask(DataType::Ipv4, "81.2.69.142"), "81.2.*.*");
        assert_eq!(mask(DataType::SePnr, "198112289841"), "1981122****1");
        assert_eq!(mask(DataType::PersonName, "ola nordmann"), "O** N*******");
        assert_eq!(
            mask(DataType::PostalAddress, "storgata 5b 0155 oslo"),
            "S******* ** **** O***"
        );
        assert_eq!(
            mask(DataType::PersonName, "øystein  ås"),
            "Ø******  Å*",
            "spacing is kept"
        );
        assert_eq!(mask(DataType::Custom, "abcd"), "****", "too short to show ends");
        assert_eq!(mask(DataType::Custom, "ab-æøå-yz"), "ab*****yz");
    }
}
