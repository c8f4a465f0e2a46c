//! `person_name`: full names in prose and in columns.
//!
//! A name in prose is found one of two ways:
//!
//! - **lexicon**: a common given name (`lexicon/given_names.txt`) followed
//!   by one to three capitalised words, the last of which is a common
//!   surname (`lexicon/surnames.txt`) or has a surname ending (`-sen`,
//!   `-son`, `-nen`…). With a person keyword (salutation, `Navn:`,
//!   signature) before it within the detector's window, the last word need
//!   not be a known surname.
//! - **keyword**: two to four capitalised words right after a salutation or
//!   label (`Kjære Gunnbjørg Flatebø`, `Navn: …`), even when neither is in
//!   the lexicon.
//!
//! A sequence followed by a company or institution word (`AS`, `Bank`,
//! `Kommune`) or a street word (`gate`, `vej`) is not a person. In a
//! column whose header names a person (`navn`, `fornavn`, `sukunimi`…;
//! see [`header_bits`]), every name-shaped value is a name.

use super::byteclass::is_word_byte as word_byte;
use super::classify::Hit;
use super::context::{WordStarts, capitalised};
use crate::model::{Confidence, DataType};
use std::collections::HashSet;

/// Mask bit set on a column header that names a part of a name (`fornavn`,
/// `last_name`): single-word values are names there too.
pub const NAME_PART_HEADER: u32 = 1 << 30;

const GIVEN_NAMES: &str = include_str!("lexicon/given_names.txt");
const SURNAMES: &str = include_str!("lexicon/surnames.txt");

/// Endings that mark a word as a surname (patronymics and common Nordic
/// family-name endings).
const SURNAME_ENDINGS: [&str; 12] = [
    "sen", "son", "dóttir", "dottir", "datter", "dotter", "nen", "ström", "qvist", "kvist", "gaard", "gård",
];

/// Capitalised words that end a company's or an institution's name: a
/// given name followed by one of them is not a person (`Olav Thon Gruppen`).
const NOT_PERSON_WORDS: [&str; 48] = [
    "AS",
    "ASA",
    "AB",
    "Oy",
    "Oyj",
    "Ab",
    "ApS",
    "A/S",
    "Ltd",
    "Inc",
    "LLC",
    "GmbH",
    "Group",
    "Gruppen",
    "Holding",
    "Bank",
    "Kommune",
    "Kommun",
    "Kunta",
    "Kirke",
    "Kirken",
    "Kyrka",
    "Skole",
    "Skolen",
    "Skola",
    "Koulu",
    "Sykehus",
    "Sjukhus",
    "Sairaala",
    "Hospital",
    "Church",
    "School",
    "Street",
    "Road",
    "Stiftelse",
    "Stiftelsen",
    "Foundation",
    "Fond",
    "University",
    "Universitet",
    "Hotel",
    "Hotell",
    "Senter",
    "Center",
    "Centre",
    "Klinikk",
    "Klinik",
    "Clinic",
];

/// Street words written apart from the name they follow
/// (`Karl Johans gate`).
const STREET_WORDS: [&str; 14] = [
    "gate", "gata", "vei", "veien", "veg", "vegen", "vej", "gade", "gatan", "vägen", "väg", "allé", "plass",
    "torg",
];

/// Words after a salutation that are not a name (`Dear Customer Service`).
const NOT_NAMES: [&str; 22] = [
    "Sir",
    "Madam",
    "Customer",
    "Customers",
    "Kunde",
    "Kunder",
    "Team",
    "Support",
    "Service",
    "Kundeservice",
    "Kundtjänst",
    "Asiakas",
    "Alle",
    "All",
    "Colleagues",
    "Kolleger",
    "Kollegaer",
    "Kollegor",
    "Hr",
    "Mr",
    "Mrs",
    "Ms",
];

/// Titles skipped before a name (`Dear Mr. Smith`, `Hr. Ola Nordmann`).
const TITLES: [&str; 10] = [
    "Mr", "Mrs", "Ms", "Dr", "Hr", "Fru", "Herr", "Frk", "Rouva", "Herra",
];

/// Most words in a name found in prose.
const MAX_WORDS: usize = 4;

/// What a pattern of the automaton is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pattern {
    Given,
    Label,
}

/// The compiled name lexicon, shared read-only by all workers.
pub struct Names {
    words: WordStarts,
    kinds: Vec<Pattern>,
    given: HashSet<&'static str>,
    surnames: HashSet<&'static str>,
    /// Bytes before a name searched for a person keyword.
    window: usize,
}

fn lexicon(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Names {
    /// Builds the automaton from the lexicon and the person keywords
    /// (salutations, labels, sign-offs) of the catalogue; `window` is how
    /// far before a name a keyword counts.
    pub fn new(keywords: &[String], window: usize) -> Names {
        let mut patterns: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        for g in lexicon(GIVEN_NAMES) {
            patterns.push(g.to_string());
            kinds.push(Pattern::Given);
        }
        for k in keywords {
            let lower = k.to_lowercase();
            for form in [capitalised(&lower), lower.to_uppercase(), lower] {
                if !patterns.contains(&form) {
                    patterns.push(form);
                    kinds.push(Pattern::Label);
                }
            }
        }
        Names {
            words: WordStarts::new(&patterns, false),
            kinds,
            given: lexicon(GIVEN_NAMES).collect(),
            surnames: lexicon(SURNAMES).collect(),
            window,
        }
    }

    fn surname_like(&self, word: &str) -> bool {
        self.surnames.contains(word)
            || (word.chars().count() > 4 && SURNAME_ENDINGS.iter().any(|e| word.ends_with(e)))
            || word
                .split_once('-')
                .is_some_and(|(a, b)| self.surnames.contains(a) || self.surnames.contains(b))
    }

    /// Finds names starting in `[from, until)` of `text` and appends them
    /// to `out`; returns the end of the last one (or `until`).
    pub fn find(&self, text: &str, from: usize, until: usize, out: &mut Vec<Hit>) -> usize {
        let bytes = text.as_bytes();
        let lo = floor_boundary(text, from.saturating_sub(self.window));
        let mut resume = until;
        let mut label_end: Option<usize> = None;
        let mut taken_to = 0usize;
        let mut pos = lo;
        while let Some(m) = self.words.next_match(bytes, pos, bytes.len()) {
            let (s, e) = (m.start(), m.end());
            if s >= until {
                break;
            }
            pos = e;
            let short = e - s < 5;
            let right_ok = e == bytes.len() || !word_byte(bytes[e]);
            if (short || self.kinds[m.pattern().as_usize()] == Pattern::Given) && !right_ok {
                continue;
            }
            match self.kinds[m.pattern().as_usize()] {
                Pattern::Label => {
                    label_end = Some(e);
                    let start = skip_separators(text, e);
                    if start < from || start < taken_to {
                        continue;
                    }
                    let words = words_from(text, start);
                    if words
                        .first()
                        .is_some_and(|&(a, b)| self.given.contains(&text[a..b]))
                    {
                        continue; // the given name's own match handles it
                    }
                    if let Some(hit) = self.after_label(text, &words) {
                        taken_to = hit.end;
                        resume = resume.max(hit.end);
                        out.push(hit);
                    }
                }
                Pattern::Given => {
                    if s < from || s < taken_to {
                        continue;
                    }
                    let context = label_end.is_some_and(|le| le <= s && s - le <= self.window);
                    if let Some(hit) = self.after_given(text, s, e, context) {
                        taken_to = hit.end;
                        resume = resume.max(hit.end);
                        out.push(hit);
                    }
                }
            }
        }
        resume
    }

    /// A name starting with the given name at `[s, e)`.
    fn after_given(&self, text: &str, s: usize, e: usize, context: bool) -> Option<Hit> {
        let mut words = vec![(s, e)];
        words.extend(words_from_next(text, e, MAX_WORDS - 1));
        if words.len() < 2 || not_a_person(text, &words) {
            return None;
        }
        let last = words.iter().rposition(|&(a, b)| {
            let w = &text[a..b];
            !is_initial(w) && self.surname_like(w)
        });
        let (last_start, last_end) = words[words.len() - 1];
        let (end, confidence, reason) = match last {
            Some(i) if i > 0 && context => (words[i].1, Confidence::High, "lexicon+keyword"),
            Some(i) if i > 0 => (words[i].1, Confidence::Medium, "lexicon"),
            _ if context && !is_initial(&text[last_start..last_end]) => {
                (last_end, Confidence::Medium, "lexicon+keyword")
            }
            _ => return None,
        };
        Some(name_hit(text, s, end, confidence, reason))
    }

    /// A name of unknown words right after a salutation or label.
    fn after_label(&self, text: &str, words: &[(usize, usize)]) -> Option<Hit> {
        if words.len() < 2
            || not_a_person(text, words)
            || words.iter().any(|&(a, b)| NOT_NAMES.contains(&&text[a..b]))
        {
            return None;
        }
        let (s, end) = (words[0].0, words[words.len() - 1].1);
        let last = &text[words[words.len() - 1].0..end];
        if is_initial(last) {
            return None;
        }
        let confidence = if self.surname_like(last) {
            Confidence::Medium
        } else {
            Confidence::Low
        };
        Some(name_hit(text, s, end, confidence, "keyword"))
    }

    /// The value of a cell in a person column as a name: letters, spaces,
    /// hyphens, apostrophes and dots, at most six words. `part` is set when
    /// the header names a part of a name (`fornavn`): a single word is a
    /// name there; under a plain `navn`/`name` header a value needs two
    /// capitalised words or a word from the lexicon.
    pub fn cell(&self, text: &str, part: bool) -> Option<Hit> {
        let t = text.trim();
        let start = text.len() - text.trim_start().len();
        if t.is_empty() || t.len() > 80 || !t.chars().next()?.is_alphabetic() {
            return None;
        }
        if !t
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | ','))
        {
            return None;
        }
        let words: Vec<&str> = t.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        if words.len() > 6 || t.matches(',').count() > 1 {
            return None;
        }
        let lower = t.to_lowercase();
        if [
            "null",
            "none",
            "n/a",
            "ukjent",
            "unknown",
            "tuntematon",
            "okänd",
            "ukendt",
        ]
        .contains(&lower.as_str())
        {
            return None;
        }
        let known = words.iter().any(|w| {
            self.given.contains(w)
                || self.surname_like(w)
                || self.given.contains(capitalised(&w.to_lowercase()).as_str())
        });
        let capitalised_words = words.len() >= 2
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !(part || known || capitalised_words) {
            return None;
        }
        let confidence = if known {
            Confidence::High
        } else {
            Confidence::Medium
        };
        Some(Hit {
            ty: DataType::PersonName,
            label: DataType::PersonName.as_str(),
            subtype: "",
            detail: String::new(),
            confidence,
            reason: "column header",
            start,
            end: start + t.len(),
            normalized: normalize(t),
        })
    }
}

/// Whether a company, institution or street word is among `words` or
/// follows them: then the words are not a person's name.
fn not_a_person(text: &str, words: &[(usize, usize)]) -> bool {
    let Some(&(_, end)) = words.last() else {
        return false;
    };
    let next = next_word(text, end);
    words
        .iter()
        .any(|&(a, b)| NOT_PERSON_WORDS.contains(&&text[a..b]))
        || NOT_PERSON_WORDS.contains(&next)
        || STREET_WORDS.contains(&next)
}

fn name_hit(text: &str, start: usize, end: usize, confidence: Confidence, reason: &'static str) -> Hit {
    Hit {
        ty: DataType::PersonName,
        label: DataType::PersonName.as_str(),
        subtype: "",
        detail: String::new(),
        confidence,
        reason,
        start,
        end,
        normalized: normalize(&text[start..end]),
    }
}

/// The canonical form of a name: lower case, single spaces, and the
/// `Surname, Given` form turned round, so `Nordmann, Ola` and
/// `ola  nordmann` hash the same.
pub fn normalize(name: &str) -> String {
    let lower = name.to_lowercase();
    let ordered = match lower.split_once(',') {
        Some((last, first)) if !first.trim().is_empty() => format!("{} {}", first.trim(), last.trim()),
        _ => lower,
    };
    ordered.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_initial(word: &str) -> bool {
    word.ends_with('.') && word.chars().count() == 2
}

/// The position after up to four separator characters (spaces, `:`, `,`,
/// line breaks) following a label.
fn skip_separators(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    for _ in 0..4 {
        match bytes.get(i) {
            Some(b' ' | b':' | b',' | b'\t' | b'\r' | b'\n' | b'-') => i += 1,
            _ => break,
        }
    }
    i
}

/// One capitalised word starting at `i`: an upper-case letter, then
/// letters, with inner hyphens and apostrophes (`Hansen-Berg`, `O'Brien`),
/// or an initial (`K.`). Returns its end.
fn word_at(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_uppercase() {
        return None;
    }
    let mut end = first.len_utf8();
    let mut prev_letter = true;
    for (at, c) in chars {
        if c.is_alphabetic() {
            prev_letter = true;
        } else if (c == '-' || c == '\'') && prev_letter {
            prev_letter = false;
        } else if c == '.' && at == first.len_utf8() {
            return Some(i + at + 1); // an initial
        } else {
            break;
        }
        end = at + c.len_utf8();
    }
    if !prev_letter {
        return None;
    }
    let after = rest[end..].chars().next();
    if after.is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    Some(i + end)
}

/// Capitalised words following position `i`, each after exactly one space,
/// at most `max`, titles skipped at the start.
fn words_from_next(text: &str, mut i: usize, max: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    while out.len() < max && text.as_bytes().get(i) == Some(&b' ') {
        let Some(end) = word_at(text, i + 1) else {
            break;
        };
        out.push((i + 1, end));
        i = end;
    }
    out
}

/// Capitalised words starting at `i` (titles skipped), at most
/// [`MAX_WORDS`].
fn words_from(text: &str, mut i: usize) -> Vec<(usize, usize)> {
    loop {
        let Some(end) = word_at(text, i) else {
            return Vec::new();
        };
        let w = text[i..end].trim_end_matches('.');
        if TITLES.contains(&w) {
            i = skip_separators(text, end);
            continue;
        }
        let mut out = vec![(i, end)];
        out.extend(words_from_next(text, end, MAX_WORDS - 1));
        return out;
    }
}

/// The word after position `i` (after one space), if any.
fn next_word(text: &str, i: usize) -> &str {
    let rest = text.get(i..).unwrap_or("");
    let Some(rest) = rest.strip_prefix(' ') else {
        return "";
    };
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '/'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Person bits for a column header: [`DataType::PersonName`] when it names
/// a person (`navn`, `kundenavn`, `first_name`, `sukunimi`), plus
/// [`NAME_PART_HEADER`] when it names a part of a name. Headers that name
/// something else (`firmanavn`, `company_name`, `brukernavn`, `filename`)
/// give 0.
pub fn header_bits(header: &str) -> u32 {
    let words = header_words(header);
    let has = |w: &str| words.iter().any(|x| x == w);
    if words.iter().any(|w| NOT_PERSON_HEADER.contains(&w.as_str())) {
        return 0;
    }
    let pair = |a: &str| has(a) && (has("name") || has("navn") || has("namn"));
    let part = words.iter().any(|w| PART_HEADERS.contains(&w.as_str()))
        || ["first", "last", "given", "family", "middle", "sur", "fore"]
            .iter()
            .any(|a| pair(a));
    let whole = words.iter().any(|w| {
        WHOLE_HEADERS.contains(&w.as_str())
            || ["navn", "namn", "nimi", "name"].iter().any(|suffix| {
                w.strip_suffix(suffix)
                    .is_some_and(|p| PERSON_PREFIXES.contains(&p.trim_end_matches(['e', 's'])))
            })
    });
    match (part, whole) {
        (true, _) => DataType::PersonName.bit() | NAME_PART_HEADER,
        (false, true) => DataType::PersonName.bit(),
        _ => 0,
    }
}

/// Header words in lower case, split at non-letters and at camelCase.
fn header_words(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in header.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Header words naming a part of a person's name.
const PART_HEADERS: [&str; 18] = [
    "fornavn",
    "etternavn",
    "mellomnavn",
    "efternavn",
    "mellemnavn",
    "förnamn",
    "fornamn",
    "efternamn",
    "mellannamn",
    "etunimi",
    "sukunimi",
    "firstname",
    "lastname",
    "surname",
    "forename",
    "givenname",
    "familyname",
    "middlename",
];

/// Header words naming a whole person's name.
const WHOLE_HEADERS: [&str; 13] = [
    "navn",
    "name",
    "namn",
    "nimi",
    "fullname",
    "kontaktperson",
    "contactperson",
    "ansatt",
    "employee",
    "pasient",
    "patient",
    "potilas",
    "henkilö",
];

/// Prefixes of compounds ending in `navn`/`namn`/`nimi`/`name` that name
/// a person (`kundenavn`, `kontaktnamn`, `asiakasnimi`).
const PERSON_PREFIXES: [&str; 21] = [
    "kund",
    "kunde",
    "kontakt",
    "ansatt",
    "ansat",
    "anställd",
    "pasient",
    "patient",
    "elev",
    "medlem",
    "person",
    "full",
    "fullt",
    "foresatt",
    "leder",
    "asiakas",
    "asiakkaan",
    "henkilö",
    "contact",
    "customer",
    "employee",
];

/// Header words that make a `name` column something other than a person.
const NOT_PERSON_HEADER: [&str; 40] = [
    "company",
    "firma",
    "firmanavn",
    "bedrift",
    "bedriftsnavn",
    "foretak",
    "selskap",
    "organisation",
    "organization",
    "organisasjon",
    "org",
    "produkt",
    "product",
    "vare",
    "varenavn",
    "item",
    "file",
    "fil",
    "filnavn",
    "filename",
    "host",
    "hostname",
    "user",
    "username",
    "bruker",
    "brukernavn",
    "användarnamn",
    "domain",
    "street",
    "gatenavn",
    "gadenavn",
    "gatunamn",
    "city",
    "country",
    "bank",
    "brand",
    "project",
    "prosjekt",
    "sheet",
    "table",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let labels: Vec<String> = ["navn", "hei", "kjære", "dear", "med vennlig hilsen"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Names::new(&labels, 40)
    }

    fn found(text: &str) -> Vec<(String, Confidence)> {
        let mut out = Vec::new();
        names().find(text, 0, text.len(), &mut out);
        out.into_iter()
            .map(|h| (text[h.start..h.end].to_string(), h.confidence))
            .collect()
    }

    #[test]
    fn given_name_and_known_surname() {
        assert_eq!(
            found("Møte med Ola Nordmann i dag."),
            [("Ola Nordmann".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("Hei Kari Hansen-Berg,"),
            [("Kari Hansen-Berg".into(), Confidence::High)]
        );
        assert_eq!(
            found("Anne K. Virtanen ringte"),
            [("Anne K. Virtanen".into(), Confidence::Medium)]
        );
    }

    #[test]
    fn unknown_names_need_a_salutation_or_label() {
        assert_eq!(found("Per Flatebø kom"), []);
        assert_eq!(
            found("Navn: Per Flatebø"),
            [("Per Flatebø".into(), Confidence::Medium)]
        );
        assert_eq!(
            found("Kjære Gunnbjørg Flatebø,"),
            [("Gunnbjørg Flatebø".into(), Confidence::Low)]
        );
        assert_eq!(found("Dear Customer Service,"), []);
        assert_eq!(
            found("Med vennlig hilsen\nTorgeir Vassbotn"),
            [("Torgeir Vassbotn".into(), Confidence::Low)]
        );
    }

    #[test]
    fn companies_streets_and_single_names_are_not_people() {
        assert_eq!(found("Kari Hansen AS leverer"), []);
        assert_eq!(found("Karl Johans gate 1"), []);
        assert_eq!(found("Per måned betaler Ola"), []);
        assert_eq!(found("Maria Kirke"), []);
        assert_eq!(found("OlaNordmann"), []);
    }

    #[test]
    fn chunk_bounds_are_respected() {
        let text = "Ola Nordmann og Kari Hansen";
        let mut out = Vec::new();
        let resume = names().find(text, 0, 5, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(resume, 12);
        out.clear();
        names().find(text, resume, text.len(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&text[out[0].start..out[0].end], "Kari Hansen");
    }

    #[test]
    fn headers_that_name_a_person() {
        let p = DataType::PersonName.bit();
        assert_eq!(header_bits("navn"), p);
        assert_eq!(header_bits("Kundenavn"), p);
        assert_eq!(header_bits("first_name"), p | NAME_PART_HEADER);
        assert_eq!(header_bits("lastName"), p | NAME_PART_HEADER);
        assert_eq!(header_bits("Sukunimi"), p | NAME_PART_HEADER);
        assert_eq!(header_bits("company_name"), 0);
        assert_eq!(header_bits("firmanavn"), 0);
        assert_eq!(header_bits("brukernavn"), 0);
        assert_eq!(header_bits("filename"), 0);
        assert_eq!(header_bits("beløp"), 0);
    }

    #[test]
    fn cells_of_person_columns() {
        let n = names();
        let cell = |t: &str, part| n.cell(t, part).map(|h| (h.normalized, h.confidence));
        assert_eq!(
            cell("Nordmann, Ola", false),
            Some(("ola nordmann".into(), Confidence::High))
        );
        assert_eq!(
            cell("Gunnbjørg Flatebø", false),
            Some(("gunnbjørg flatebø".into(), Confidence::Medium))
        );
        assert_eq!(cell("Widget", false), None);
        assert_eq!(
            cell("Gunnbjørg", true),
            Some(("gunnbjørg".into(), Confidence::Medium))
        );
        assert_eq!(cell("12345", true), None);
        assert_eq!(cell("ukjent", true), None);
    }
}
