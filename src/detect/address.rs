//! `postal_address`: street addresses. The pass is anchored on house
//! numbers: a run of one to four digits preceded by a street name is an
//! address. A street name is one of:
//!
//! - a capitalised compound ending in a Nordic street suffix
//!   (`Storgata`, `Kirkeveien`, `Vesterbrogade`, `Drottninggatan`,
//!   `Mannerheimintie`), optionally after `Øvre`, `Nedre`, `Store`…;
//! - capitalised words followed by a separate street word
//!   (`Karl Johans gate`, `Frederiksberg Allé`);
//! - for English, the number first: `221B Baker Street`.
//!
//! A following postal code and town (`0150 Oslo`, `114 55 Stockholm`,
//! `DK-1620 København V`, `00100 Helsinki`) are part of the finding and
//! raise its confidence. A postal code and town alone, or a street name
//! without a number, are not reported.

use super::byteclass::find_digit;
use super::classify::Hit;
use crate::model::{Confidence, DataType};

/// Street-name endings, written as part of the name.
const SUFFIXES: [&str; 41] = [
    "veien", "vegen", "vei", "veg", "gata", "gaten", "gate", "vej", "vejen", "gade", "gaden", "gatan",
    "vägen", "väg", "allé", "alle", "plass", "plassen", "torg", "torget", "stien", "bakken", "stræde",
    "strædet", "plads", "torv", "gränd", "backe", "backen", "katu", "tie", "kuja", "polku", "tori", "kaari",
    "raitti", "ranta", "brygge", "bryggen", "kaia", "väylä",
];

/// Street words written apart from the name (`Karl Johans gate`).
const SEPARATE: [&str; 16] = [
    "gate", "gata", "vei", "veien", "veg", "vegen", "vej", "gade", "gatan", "vägen", "väg", "allé", "Allé",
    "plass", "torg", "stræde",
];

/// English street words, after the name (`Baker Street`).
const ENGLISH: [&str; 14] = [
    "Street", "Road", "Lane", "Avenue", "Drive", "Close", "Way", "Place", "Square", "Crescent", "Terrace",
    "Court", "Gardens", "Grove",
];

/// Words before a compound street name that belong to it.
const PREFIXES: [&str; 18] = [
    "Øvre", "Nedre", "Store", "Lille", "Gamle", "Nye", "Søndre", "Nordre", "Østre", "Vestre", "Stora",
    "Lilla", "Norra", "Södra", "Gamla", "Nya", "Ny", "Gammel",
];

/// English words ending in `gate` that are not streets.
const NOT_STREETS: [&str; 12] = [
    "aggregate",
    "delegate",
    "investigate",
    "navigate",
    "propagate",
    "segregate",
    "interrogate",
    "irrigate",
    "mitigate",
    "litigate",
    "congregate",
    "tailgate",
];

/// Finds addresses whose house number starts in `[from, until)`; appends
/// them to `out` and returns the end of the last (or `until`).
pub fn find(text: &str, from: usize, until: usize, out: &mut Vec<Hit>) -> usize {
    let bytes = text.as_bytes();
    let mut resume = until;
    let end = until.min(bytes.len());
    let mut i = from;
    while i < end {
        match find_digit(&bytes[i..end]) {
            Some(d) => i += d,
            None => break,
        }
        if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let digits_end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits_end - i <= 4
            && let Some(hit) = at_number(text, i, digits_end)
        {
            resume = resume.max(hit.end);
            i = hit.end;
            out.push(hit);
            continue;
        }
        i = digits_end;
    }
    resume
}

/// An address whose house number is `text[i..j]`.
fn at_number(text: &str, i: usize, j: usize) -> Option<Hit> {
    let bytes = text.as_bytes();
    // House number: digits, an optional letter, an optional range.
    let mut k = j;
    if bytes.get(k).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(k + 1).is_some_and(|b| b.is_ascii_alphanumeric())
    {
        k += 1;
    }
    if bytes.get(k) == Some(&b'-') && bytes.get(k + 1).is_some_and(u8::is_ascii_digit) {
        k += 1 + bytes[k + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    if bytes
        .get(k)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80)
    {
        return None;
    }
    let (start, number_end) = if let Some(s) = street_before(text, i) {
        (s, k)
    } else if let Some(end) = english_street_after(text, k) {
        (i, end)
    } else {
        return None;
    };
    let (end, confidence, detail) = match postal_after(text, number_end) {
        Some(e) => (e, Confidence::High, "with postal code and town"),
        None => (number_end, Confidence::Medium, ""),
    };
    Some(Hit {
        ty: DataType::PostalAddress,
        label: DataType::PostalAddress.as_str(),
        subtype: "",
        detail: detail.into(),
        confidence,
        reason: "format",
        start,
        end,
        normalized: normalize(&text[start..end]),
    })
}

/// The start of the street name right before the house number at `i`
/// (one space between them).
fn street_before(text: &str, i: usize) -> Option<usize> {
    if i == 0 || text.as_bytes()[i - 1] != b' ' {
        return None;
    }
    let (ws, word) = word_before(text, i - 1)?;
    if SEPARATE.contains(&word) {
        // One to three capitalised words before the street word.
        let mut start = None;
        let mut at = ws;
        for _ in 0..3 {
            match at.checked_sub(1).filter(|&p| text.as_bytes()[p] == b' ') {
                Some(p) => match word_before(text, p) {
                    // `Oslo.` ends a sentence; `St.` is part of the name.
                    Some((s, w)) if starts_upper(w) && !(w.ends_with('.') && w.len() > 3) => {
                        start = Some(s);
                        at = s;
                    }
                    _ => break,
                },
                None => break,
            }
        }
        return start;
    }
    // A compound street name is capitalised: most numbers in prose
    // (`kvartal 3`, `side 12`) stop here, before the lower-casing and the
    // suffix list (which took 14% of detection time on plain prose).
    if !starts_upper(word) {
        return None;
    }
    let lower = word.to_lowercase();
    let compound = SUFFIXES
        .iter()
        .any(|suf| lower.ends_with(suf) && lower.chars().count() >= suf.chars().count() + 3);
    if !compound || NOT_STREETS.contains(&lower.as_str()) {
        return None;
    }
    // `Øvre Slottsgate`: a directional or size word belongs to the name.
    if let Some(p) = ws.checked_sub(1).filter(|&p| text.as_bytes()[p] == b' ')
        && let Some((s, w)) = word_before(text, p)
        && PREFIXES.contains(&w)
    {
        return Some(s);
    }
    Some(ws)
}

/// The word (letters, `.`, `-`, `'`) ending at byte `end`.
fn word_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let head = &text[..end];
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        .last()
        .map(|(i, _)| i)?;
    Some((start, &text[start..end]))
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// `221B Baker Street`: capitalised words after the number ending in an
/// English street word; returns the end of that word.
fn english_street_after(text: &str, k: usize) -> Option<usize> {
    let mut at = k;
    for n in 0..3 {
        let word = capitalised_after_space(text, at)?;
        at += 1 + word.len();
        if n > 0 && ENGLISH.contains(&word) {
            return Some(at);
        }
    }
    None
}

/// The capitalised word of letters right after one space at `at`.
fn capitalised_after_space(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?.strip_prefix(' ')?;
    let len = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
    let word = &rest[..len];
    starts_upper(word).then_some(word)
}

/// `, 0150 Oslo` after an address: optional comma, line break or spaces,
/// an optional country prefix, a postal code (four or five digits, or
/// Swedish `NNN NN`) and one or two capitalised words. Returns the end.
fn postal_after(text: &str, k: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut p = k;
    if bytes.get(p) == Some(&b',') {
        p += 1;
    }
    let ws = bytes[p..]
        .iter()
        .take(3)
        .take_while(|b| matches!(b, b' ' | b'\n' | b'\r'))
        .count();
    if ws == 0 {
        return None;
    }
    p += ws;
    for prefix in ["NO-", "DK-", "SE-", "FI-", "FIN-", "N-", "S-"] {
        if text[p..].starts_with(prefix) {
            p += prefix.len();
            break;
        }
    }
    let d1 = bytes[p..].iter().take_while(|b| b.is_ascii_digit()).count();
    p += match d1 {
        4 | 5 => d1,
        3 if bytes.get(p + 3) == Some(&b' ')
            && bytes[p + 4..].iter().take_while(|b| b.is_ascii_digit()).count() == 2 =>
        {
            6
        }
        _ => return None,
    };
    let mut end = None;
    // One or two words; a single capital letter is a district
    // (`København V`).
    for _ in 0..2 {
        let Some(word) = capitalised_after_space(text, p) else {
            break;
        };
        p += 1 + word.len();
        end = Some(p);
    }
    end
}

/// The canonical form: lower case, commas dropped, single spaces.
pub fn normalize(address: &str) -> String {
    address
        .to_lowercase()
        .replace(',', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Confidence)> {
        let mut out = Vec::new();
        find(text, 0, text.len(), &mut out);
        out.into_iter()
            .map(|h| (text[h.start..h.end].to_string(), h.confidence))
            .collect()
    }

    #[test]
    fn nordic_and_english_addresses() {
        assert_eq!(
            found("Bor i Storgata 5B, 0155 Oslo nå."),
            [("Storgata 5B, 0155 Oslo".into(), Confidence::High)]
        );
        assert_eq!(
            found("Karl Johans gate 22"),
            [("Karl Johans gate 22".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("Adresse: Vesterbrogade 12\nDK-1620 København V"),
            [("Vesterbrogade 12\nDK-1620 København V".into(), Confidence::High)]
        );
        assert_eq!(
            found("Drottninggatan 71, 111 36 Stockholm"),
            [("Drottninggatan 71, 111 36 Stockholm".into(), Confidence::High)]
        );
        assert_eq!(
            found("Mannerheimintie 12, 00100 Helsinki"),
            [("Mannerheimintie 12, 00100 Helsinki".into(), Confidence::High)]
        );
        assert_eq!(
            found("at 221B Baker Street, London"),
            [("221B Baker Street".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("i Oslo. Karl Johans gate 22"),
            [("Karl Johans gate 22".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("Øvre Slottsgate 3"),
            [("Øvre Slottsgate 3".into(), Confidence::Medium)]
        );
    }

    #[test]
    fn numbers_after_other_words_are_not_addresses() {
        assert!(found("Gate 5 er stengt").is_empty());
        assert!(found("Kapittel 12 og Windows 10").is_empty());
        assert!(found("Aggregate 5").is_empty());
        assert!(found("Bakken 3").is_empty());
        assert!(found("0150 Oslo").is_empty());
        assert!(found("Storgata5").is_empty());
        assert!(found("tredje gate 4").is_empty());
    }

    #[test]
    fn normalised_form() {
        assert_eq!(normalize("Storgata 5B,\n0155  Oslo"), "storgata 5b 0155 oslo");
    }
}
