//! `special_category`: text that reveals a special category of personal
//! data (GDPR art. 9: health, religion or belief, ethnic origin, political
//! opinion, trade union membership, sexual orientation, genetic and
//! biometric data) or a criminal offence (art. 10).
//!
//! The lexicons live in `special.toml` (compiled in), each category with
//! specific `terms` and generic `cues`. A term is reported when a cue of
//! its category lies within the window, or when the column header names
//! any category; one word alone, or two terms alone, never are. The rule
//! and its reasons are documented in `special.toml` and the README.

use super::classify::Hit;
use super::context::{KeywordHit, Keywords, add_word};
use crate::model::{Confidence, DataType};
use serde::Deserialize;

/// The lexicon text, as shipped.
pub const LEXICON: &str = include_str!("special.toml");

/// Every subtype, in the order of `special.toml`; bit `i` of a term's mask
/// is `SUBTYPES[i]`, bit `CUE_SHIFT + i` the same category's cue.
pub const SUBTYPES: [&str; 9] = [
    "health",
    "religion_belief",
    "ethnic_origin",
    "political_opinion",
    "trade_union",
    "sexual_orientation",
    "genetic",
    "biometric",
    "criminal_offence",
];

const CUE_SHIFT: u32 = 16;
const TERMS: u32 = (1 << SUBTYPES.len()) - 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lexicon {
    category: Vec<Category>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Category {
    subtype: String,
    terms: Vec<String>,
    cues: Vec<String>,
}

/// The compiled lexicons, shared read-only by all workers.
pub struct Special {
    keywords: Keywords,
    window: usize,
}

impl Special {
    /// Compiles the built-in lexicons; `window` is how far a cue or second
    /// term may be from a term (the catalogue entry's window).
    pub fn new(window: usize) -> Special {
        let lexicon: Lexicon = toml::from_str(LEXICON).expect("special.toml parses");
        let mut table = Vec::new();
        for c in &lexicon.category {
            let i = SUBTYPES
                .iter()
                .position(|s| *s == c.subtype)
                .unwrap_or_else(|| panic!("special.toml: unknown subtype {}", c.subtype));
            for t in &c.terms {
                add_word(&mut table, t, 1 << i);
            }
            for t in &c.cues {
                add_word(&mut table, t, 1 << (CUE_SHIFT as usize + i));
            }
        }
        Special {
            keywords: Keywords::new(&table),
            window,
        }
    }

    /// Whether a column header, in lower case, names a special category
    /// (a term or cue of any category, inside compounds too:
    /// `diagnosekode`).
    pub fn names_category(&self, lower_header: &str) -> bool {
        self.keywords.header_mask(lower_header) != 0
    }

    /// Finds terms starting in `[from, until)`; `header` is set when the
    /// column header names a category. `hits` is a reusable buffer.
    /// Returns the end of the last finding (or `until`).
    pub fn find(
        &self,
        text: &str,
        from: usize,
        until: usize,
        header: bool,
        hits: &mut Vec<KeywordHit>,
        out: &mut Vec<Hit>,
    ) -> usize {
        let bytes = text.as_bytes();
        hits.clear();
        let lo = from.saturating_sub(self.window);
        let hi = (until + self.window + super::context::MAX_KEYWORD_BYTES).min(bytes.len());
        self.keywords.find_in(bytes, lo, hi, false, hits);
        let mut resume = until;
        for (n, h) in hits.iter().enumerate() {
            let terms = h.mask & TERMS;
            if terms == 0 || h.start < from || h.start >= until {
                continue;
            }
            // A cue counts within the window and on the same line: the
            // line before may be about someone else.
            let line_start = memchr::memrchr(b'\n', &bytes[..h.start]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &bytes[h.end..]).map_or(bytes.len(), |i| h.end + i);
            let (lo, hi) = (
                line_start.max(h.start.saturating_sub(self.window)),
                line_end.min(h.end + self.window),
            );
            let first = hits.partition_point(|o| o.end <= lo);
            let near = hits[first..]
                .iter()
                .enumerate()
                .take_while(|(_, o)| o.start < hi)
                .filter(|&(m, o)| first + m != n && o.end <= hi);
            let support = near.fold(0, |m, (_, o)| m | o.mask >> CUE_SHIFT);
            let (bits, confidence, reason) = if terms & support != 0 {
                (terms & support, Confidence::Medium, "lexicon")
            } else if header {
                (terms, Confidence::High, "lexicon+column header")
            } else {
                continue;
            };
            let subtype = SUBTYPES[bits.trailing_zeros() as usize];
            resume = resume.max(h.end);
            out.push(Hit {
                ty: DataType::SpecialCategory,
                label: DataType::SpecialCategory.as_str(),
                subtype,
                detail: String::new(),
                confidence,
                reason,
                start: h.start,
                end: h.end,
                normalized: text[h.start..h.end].to_lowercase(),
            });
        }
        resume
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        Special::new(80).find(text, 0, text.len(), false, &mut Vec::new(), &mut out);
        out.into_iter()
            .map(|h| (text[h.start..h.end].to_string(), h.subtype))
            .collect()
    }

    #[test]
    fn a_term_needs_a_cue_on_its_line() {
        assert_eq!(
            found("Pasienten er diagnostisert med diabetes type 2."),
            [("diabetes".into(), "health")]
        );
        assert_eq!(
            found("Hun er medlem av Fagforbundet."),
            [("Fagforbundet".into(), "trade_union")]
        );
        assert_eq!(
            found("Han ble dømt for underslag i 2019."),
            [("underslag".into(), "criminal_offence")]
        );
        assert_eq!(found("Ny forskning på kreft og diabetes."), []);
        assert_eq!(found("Hun er sykmeldt."), []);
        assert_eq!(found("Han er medlem av Rødt.\nFagforeningen har julebord."), []);
        assert_eq!(found("Nyhetsbrev om kreft og forskning."), []);
        assert_eq!(found("Fagforeningen forhandler lønn."), []);
        assert_eq!(found("Kontoret ligger i Kirkegata 5."), []);
        assert_eq!(found("Helse, miljø og sikkerhet."), []);
    }

    #[test]
    fn a_header_that_names_a_category_is_enough() {
        let s = Special::new(80);
        assert!(s.names_category("diagnose"));
        assert!(!s.names_category("beløp"));
        let mut out = Vec::new();
        s.find("astma", 0, 5, true, &mut Vec::new(), &mut out);
        assert_eq!((out[0].subtype, out[0].confidence), ("health", Confidence::High));
    }

    #[test]
    fn every_subtype_has_a_lexicon() {
        let lexicon: Lexicon = toml::from_str(LEXICON).unwrap();
        let names: Vec<&str> = lexicon.category.iter().map(|c| c.subtype.as_str()).collect();
        assert_eq!(names, SUBTYPES);
        assert!(
            lexicon
                .category
                .iter()
                .all(|c| !c.terms.is_empty() && !c.cues.is_empty())
        );
    }
}
