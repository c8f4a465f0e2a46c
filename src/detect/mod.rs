//! Detection: text in, validated findings out. No I/O.
//!
//! One pass of the candidate expression ([`candidates`]) finds spans shaped
//! like identifiers; each span is checked against its neighbours (a digit
//! run inside a longer number is not an ID), then classified and validated
//! ([`classify`]) with the keyword context ([`context`]) found by one
//! Aho–Corasick pass over the same text, computed only when the text holds
//! a candidate at all. Word-level passes follow: postal addresses
//! ([`address`]), person names ([`names`]) and special categories
//! ([`special`]), each searching its lexicon only at word starts.

pub mod address;
pub mod byteclass;
pub mod candidates;
pub mod catalogue;
pub mod classify;
pub mod context;
pub mod custom;
pub mod mask;
pub mod names;
pub mod special;
pub mod validate;

pub use classify::Hit;
use context::{KeywordHit, Keywords};
use regex::bytes::Regex;
use thread_local::ThreadLocal;
use validate::date::Ymd;
use validate::phone::Country;

use crate::model::DataType;

/// Detection settings resolved from the profile.
#[derive(Debug, Clone)]
pub struct DetectorSettings {
    /// Characters either side of a candidate searched for keywords, for
    /// every type; `None` uses each detector's window from the catalogue.
    pub keyword_window: Option<usize>,
    /// Plan used when a national phone number fits two countries.
    pub phone_country: Country,
    /// Types to report (bit per [`DataType::bit`]).
    pub enabled: u32,
    /// The date future-date checks compare against.
    pub today: Ymd,
    /// The profile's custom detectors (at most [`custom::MAX_CUSTOM`]).
    pub custom: Vec<custom::CustomDetector>,
}

impl Default for DetectorSettings {
    fn default() -> Self {
        DetectorSettings {
            keyword_window: None,
            phone_country: Country::No,
            enabled: DataType::ALL.iter().fold(0, |m, t| m | t.bit()),
            today: Ymd::today(),
            custom: Vec::new(),
        }
    }
}

/// Minimum stretch of text searched for keywords at a time.
const KEYWORD_STEP: usize = 2048;

/// The compiled detector, built once per scan and shared by all workers.
pub struct Detector {
    candidates: Regex,
    /// A copy of `candidates` per thread. A regex keeps its search caches
    /// in a pool that only the first thread using it reaches without a
    /// lock; a copy has a pool of its own, so every worker (and every
    /// thread helping one search a big file) takes the lock-free path.
    per_thread: ThreadLocal<Regex>,
    keywords: Keywords,
    settings: DetectorSettings,
    /// Keyword window per mask bit: built-in types, then custom detectors.
    windows: [usize; 32],
    /// The largest of `windows`.
    max_window: usize,
    /// Bytes before a value searched for anti-keywords.
    anti_window: usize,
    /// The person-name lexicon and its keywords.
    names: names::Names,
    /// The special-category lexicons.
    special: special::Special,
}

/// Per-worker buffers reused between calls so detection does not allocate
/// per unit.
#[derive(Default)]
pub struct Scratch {
    keywords: Vec<KeywordHit>,
    /// Keyword hits around one custom-detector match or address.
    custom_keywords: Vec<KeywordHit>,
    /// Special-category lexicon hits of one unit.
    special: Vec<KeywordHit>,
}

impl Detector {
    /// Compiles the candidate expression and keyword lists.
    pub fn new(settings: DetectorSettings) -> Detector {
        let catalogue = catalogue::Catalogue::builtin();
        assert!(
            settings.custom.len() <= custom::MAX_CUSTOM,
            "too many custom detectors"
        );
        let mut windows = catalogue.windows();
        for (i, c) in settings.custom.iter().enumerate() {
            windows[custom::FIRST_BIT as usize + i] = c.window;
        }
        if let Some(w) = settings.keyword_window {
            windows = [w; 32];
        }
        let person_keywords = catalogue
            .get("person_name")
            .map(|d| d.keywords.clone())
            .unwrap_or_default();
        Detector {
            names: names::Names::new(&person_keywords, windows[DataType::PersonName.index()]),
            special: special::Special::new(windows[DataType::SpecialCategory.index()]),
            candidates: candidates::compile(),
            per_thread: ThreadLocal::new(),
            keywords: Keywords::from_catalogue(catalogue, &settings.custom),
            max_window: windows.iter().copied().max().unwrap_or(0),
            windows,
            anti_window: catalogue.anti.window,
            settings,
        }
    }

    /// The settings this detector was built with.
    pub fn settings(&self) -> &DetectorSettings {
        &self.settings
    }

    /// Context mask of a column header: the types it names and whether it
    /// names a non-personal number (`ordrenr`). Computed once per column.
    pub fn column_mask(&self, header: &str) -> u32 {
        let lower = header.to_lowercase();
        let words = DataType::PersonName.bit() | DataType::SpecialCategory.bit();
        let mut mask = self.keywords.header_mask(&lower) & !words;
        mask |= names::header_bits(header);
        if self.special.names_category(&lower) {
            mask |= DataType::SpecialCategory.bit();
        }
        mask
    }

    /// Finds findings in `text`, searching from byte `from` and accepting
    /// only spans that start before `until` (chunked readers pass the part
    /// of the chunk they own). `header_mask` comes from [`Self::column_mask`]
    /// (0 for unstructured text). Hits are appended to `out` in order.
    ///
    /// Returns where the next chunk must resume searching so a span that
    /// straddles `until` is never reported twice.
    pub fn detect(
        &self,
        text: &str,
        from: usize,
        until: usize,
        header_mask: u32,
        scratch: &mut Scratch,
        out: &mut Vec<Hit>,
    ) -> usize {
        let bytes = text.as_bytes();
        let first_hit = out.len();
        let mut resume = until;
        // Keywords are searched lazily, only around candidates, and each
        // byte at most once (plus a small overlap): `scanned_to` is how far
        // the keyword hits in `scratch` are complete.
        scratch.keywords.clear();
        let mut scanned_to = 0usize;
        // The pattern has no look-around, so searching the tail slice gives
        // the same spans as searching from `from` in the whole text.
        let candidates = self.per_thread.get_or(|| self.candidates.clone());
        for found in candidates.find_iter(&bytes[from..]) {
            let (start, end) = (from + found.start(), from + found.end());
            if start >= until {
                break;
            }
            let start = trim_email_start(bytes, start, end);
            let m = Span {
                start,
                end,
                bytes: &bytes[start..end],
            };
            resume = resume.max(m.end());
            if !boundaries_ok(text, m.start(), m.end()) {
                continue;
            }
            let window = self.max_window.max(self.anti_window);
            let needed = m.end() + window;
            if needed > scanned_to {
                // Scan ahead in steps so dense text costs few searches.
                let hi = needed.max(scanned_to + KEYWORD_STEP).min(bytes.len());
                let lo = m.start().saturating_sub(window);
                let from = lo.max(scanned_to.saturating_sub(context::MAX_KEYWORD_BYTES));
                let before = scratch.keywords.len();
                self.keywords
                    .find_in(bytes, from, hi, false, &mut scratch.keywords);
                // Hits ending by `scanned_to` were found by an earlier pass.
                let mut i = before;
                while i < scratch.keywords.len() {
                    if scratch.keywords[i].end <= scanned_to {
                        scratch.keywords.remove(i);
                    } else {
                        i += 1;
                    }
                }
                scanned_to = hi;
            }
            let named = context::mask_near(
                &scratch.keywords,
                m.start(),
                m.end(),
                &self.windows,
                self.max_window,
            );
            // Anti-keywords count only right next to the value ("Ordre
            // 12345678901"), not anywhere in a letter that mentions an order.
            let anti = context::mask_in_window(
                &scratch.keywords,
                m.start().saturating_sub(self.anti_window),
                m.start(),
            ) & context::ANTI;
            let near = named | anti;
            let ctx = classify::Context {
                mask: near | header_mask,
                header: header_mask & !near,
                today: self.settings.today,
                phone_country: self.settings.phone_country,
            };
            if let Some(hit) = classify::classify(m.as_bytes(), m.start(), &ctx)
                && self.settings.enabled & hit.ty.bit() != 0
            {
                out.push(hit);
            }
        }
        let before_words = out.len();
        resume = resume.max(self.detect_words(text, from, until, header_mask, first_hit, scratch, out));
        let mut unsorted = out.len() > before_words;
        if !self.settings.custom.is_empty() && self.settings.enabled & DataType::Custom.bit() != 0 {
            resume = resume.max(self.detect_custom(text, from, until, header_mask, scratch, out));
            unsorted = true;
        }
        if unsorted {
            out[first_hit..].sort_by_key(|h| h.start);
        }
        resume
    }

    /// The word-level passes over the same range: postal addresses, person
    /// names (the whole cell in a person column; names overlapping an
    /// address or an identifier are dropped) and special categories.
    /// Returns how far their findings reach.
    #[allow(clippy::too_many_arguments)]
    fn detect_words(
        &self,
        text: &str,
        from: usize,
        until: usize,
        header_mask: u32,
        first_hit: usize,
        scratch: &mut Scratch,
        out: &mut Vec<Hit>,
    ) -> usize {
        let on = |t: DataType| self.settings.enabled & t.bit() != 0;
        let mut resume = until;
        if on(DataType::PostalAddress) {
            let start = out.len();
            resume = resume.max(address::find(text, from, until, out));
            for hit in &mut out[start..] {
                let window = self.windows[DataType::PostalAddress.index()];
                if self.keywords_around(text, hit.start, hit.end, window, scratch)
                    & DataType::PostalAddress.bit()
                    != 0
                {
                    hit.confidence = hit.confidence.raised();
                    hit.reason = "format+keyword";
                }
            }
        }
        if on(DataType::PersonName) {
            let start = out.len();
            if header_mask & DataType::PersonName.bit() != 0 {
                if from == 0
                    && let Some(hit) = self.names.cell(text, header_mask & names::NAME_PART_HEADER != 0)
                {
                    out.push(hit);
                }
            } else {
                resume = resume.max(self.names.find(text, from, until, out));
            }
            if out.len() > start {
                let mut found = out.split_off(start);
                let taken = Taken::of(out[first_hit..].iter().map(|o| (o.start, o.end)));
                found.retain(|n| !taken.overlaps(n.start, n.end));
                out.append(&mut found);
            }
        }
        if on(DataType::SpecialCategory) {
            let header = header_mask & DataType::SpecialCategory.bit() != 0;
            resume = resume.max(
                self.special
                    .find(text, from, until, header, &mut scratch.special, out),
            );
        }
        resume
    }

    /// The keyword mask bits whose keywords lie within their window of
    /// `[start, end)`, searching at most `window` characters either side
    /// (for values found outside the candidate pass, whose keyword hits
    /// are not at hand).
    fn keywords_around(
        &self,
        text: &str,
        start: usize,
        end: usize,
        window: usize,
        scratch: &mut Scratch,
    ) -> u32 {
        scratch.custom_keywords.clear();
        self.keywords.find_in(
            text.as_bytes(),
            start.saturating_sub(window + context::MAX_KEYWORD_BYTES),
            (end + window).min(text.len()),
            false,
            &mut scratch.custom_keywords,
        );
        context::mask_near(&scratch.custom_keywords, start, end, &self.windows, window)
    }

    /// The custom detectors' pass over the same range; returns how far
    /// their matches reach.
    fn detect_custom(
        &self,
        text: &str,
        from: usize,
        until: usize,
        header_mask: u32,
        scratch: &mut Scratch,
        out: &mut Vec<Hit>,
    ) -> usize {
        let mut resume = until;
        // A chunked reader's `from` may fall inside a character.
        let mut from = from;
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let tail = &text[from..];
        for (i, c) in self.settings.custom.iter().enumerate() {
            let bit = 1u32 << (custom::FIRST_BIT as usize + i);
            let window = self.windows[custom::FIRST_BIT as usize + i];
            for m in c.regex.find_iter(tail) {
                let (start, end) = (from + m.start(), from + m.end());
                if start >= until {
                    break;
                }
                if start == end || !boundaries_ok(text, start, end) {
                    continue;
                }
                resume = resume.max(end);
                let near = self.keywords_around(text, start, end, window, scratch) & bit;
                let (confidence, reason) = if near != 0 {
                    (c.base.raised(), "pattern+keyword")
                } else if header_mask & bit != 0 {
                    (c.base.raised(), "pattern+column header")
                } else if c.requires_keyword {
                    continue;
                } else {
                    (c.base, "pattern")
                };
                out.push(Hit {
                    ty: DataType::Custom,
                    label: c.id,
                    subtype: "",
                    detail: c.name.clone(),
                    confidence,
                    reason,
                    start,
                    end,
                    normalized: custom::normalize(&text[start..end]),
                });
            }
        }
        resume
    }
}

/// A candidate's position in the unit's text.
struct Span<'t> {
    start: usize,
    end: usize,
    bytes: &'t [u8],
}

impl<'t> Span<'t> {
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.end
    }
    fn as_bytes(&self) -> &'t [u8] {
        self.bytes
    }
}

/// An address quoted as `'ola@example.no'` starts after the quote: the
/// local-part characters `'`, `.`, `%`, `+` and `-` never begin an address
/// in practice, so they are skipped at the start of an e-mail span.
fn trim_email_start(bytes: &[u8], start: usize, end: usize) -> usize {
    let span = &bytes[start..end];
    if !span.contains(&b'@') {
        return start;
    }
    start
        + span
            .iter()
            .take_while(|b| matches!(b, b'\'' | b'.' | b'%' | b'+' | b'-'))
            .count()
}

/// A candidate must not continue a word or a longer number: `ID15108695088`,
/// `3.15108695088` and `15108695088-2` are not fødselsnumre.
fn boundaries_ok(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let numeric = bytes[start].is_ascii_digit();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    if let Some(prev) = text[..start].chars().next_back() {
        if word(prev) {
            return false;
        }
        if numeric && matches!(prev, '.' | ',' | '-' | '/' | '+') {
            let before = text[..start - 1].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_digit()) || prev == '+' {
                return false;
            }
        }
    }
    if let Some(next) = text[end..].chars().next() {
        if word(next) {
            return false;
        }
        if numeric
            && matches!(next, '.' | ',' | '-' | '/')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Vec<(DataType, String)> {
        let d = Detector::new(DetectorSettings::default());
        let mut out = Vec::new();
        d.detect(text, 0, text.len(), 0, &mut Scratch::default(), &mut out);
        out.into_iter()
            .map(|h| (h.ty, text[h.start..h.end].to_string()))
            .collect()
    }

    #[test]
    fn numbers_inside_longer_numbers_are_ignored() {
        assert!(detect("ID15108695088").is_empty());
        assert!(detect("3.15108695088").is_empty());
        assert!(detect("15108695088-2").is_empty());
        assert!(detect("x 215108695088 y").is_empty());
        assert_eq!(
            detect("fnr: 15108695088."),
            [(DataType::NoFnr, "15108695088".to_string())]
        );
    }

    #[test]
    fn quoted_addresses_lose_their_quotes() {
        assert_eq!(
            detect("('ola@example.no')"),
            [(DataType::Email, "ola@example.no".to_string())]
        );
    }

    #[test]
    fn resume_point_skips_a_straddling_span() {
        let d = Detector::new(DetectorSettings::default());
        let text = "mail ola.nordmann@example.no ok";
        let mut out = Vec::new();
        let resume = d.detect(text, 0, 10, 0, &mut Scratch::default(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(resume, 28);
        let mut again = Vec::new();
        d.detect(text, resume, text.len(), 0, &mut Scratch::default(), &mut again);
        assert!(again.is_empty());
    }

    #[test]
    fn keywords_in_window_raise_confidence() {
        let d = Detector::new(DetectorSettings::default());
        let text = "Fødselsnummer: 15108695088";
        let mut out = Vec::new();
        d.detect(text, 0, text.len(), 0, &mut Scratch::default(), &mut out);
        assert_eq!(out[0].confidence, crate::model::Confidence::High);
    }
}

/// Spans already taken by other detectors, for dropping a name that
/// overlaps one of them in O(log n) per name instead of a scan over every
/// span (which was quadratic on dense text: a 4 MB export took 24 s).
struct Taken {
    /// Spans sorted by start.
    starts: Vec<usize>,
    /// The largest end among the first `i + 1` spans.
    max_end: Vec<usize>,
}

impl Taken {
    fn of(spans: impl Iterator<Item = (usize, usize)>) -> Taken {
        let mut spans: Vec<(usize, usize)> = spans.collect();
        spans.sort_unstable();
        let mut end = 0;
        let max_end = spans
            .iter()
            .map(|&(_, e)| {
                end = end.max(e);
                end
            })
            .collect();
        Taken {
            starts: spans.into_iter().map(|(s, _)| s).collect(),
            max_end,
        }
    }

    /// Whether `start..end` overlaps a taken span.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        // Spans starting before `end` overlap when one ends after `start`.
        let before = self.starts.partition_point(|&s| s < end);
        before > 0 && self.max_end[before - 1] > start
    }
}

#[cfg(test)]
mod taken_tests {
    use super::Taken;

    #[test]
    fn overlap_is_found_against_every_earlier_span() {
        let t = Taken::of([(50, 60), (0, 40), (10, 12)].into_iter());
        assert!(t.overlaps(39, 45));
        assert!(t.overlaps(11, 11 + 1));
        assert!(t.overlaps(55, 70));
        assert!(!t.overlaps(40, 50));
        assert!(!t.overlaps(60, 99));
        assert!(!Taken::of(std::iter::empty()).overlaps(0, 10));
    }
}
