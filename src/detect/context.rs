//! Context keywords: words near a candidate (or a column header) that name
//! its type raise confidence; words that name a non-personal number
//! (order, invoice, ISBN) lower it.
//!
//! One Aho–Corasick pass finds every keyword in a text unit; candidates
//! then look up hits inside their window with a binary search, so the cost
//! does not grow with the number of candidates.

use super::byteclass::{is_word_byte, word_mask};
use super::catalogue::Catalogue;
use super::custom::{CustomDetector, FIRST_BIT};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

/// Bit set on a keyword's mask when it is an anti-keyword.
pub const ANTI: u32 = 1 << 31;

/// The keyword table from the catalogue: each word once, with the union
/// of the types whose detectors list it, plus [`ANTI`] for anti-keywords.
fn keyword_table(catalogue: &Catalogue, custom: &[CustomDetector]) -> Vec<(String, u32)> {
    let mut table: Vec<(String, u32)> = Vec::new();
    let mut add = |word: &str, mask: u32| add_word(&mut table, word, mask);
    for d in &catalogue.detectors {
        for k in &d.keywords {
            add(k, d.ty().bit());
        }
    }
    for (i, c) in custom.iter().enumerate() {
        for k in &c.keywords {
            add(k, 1 << (FIRST_BIT as usize + i));
        }
    }
    for k in &catalogue.anti.keywords {
        add(k, ANTI);
    }
    table
}

/// Adds `word` (lower-cased) with `mask` to a keyword table, or ORs the
/// mask into the entry it already has.
pub fn add_word(table: &mut Vec<(String, u32)>, word: &str, mask: u32) {
    let word = word.to_lowercase();
    match table.iter_mut().find(|(w, _)| *w == word) {
        Some((_, m)) => *m |= mask,
        None => table.push((word, mask)),
    }
}

/// `word` with its first letter upper-cased (`navn` → `Navn`).
pub fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A keyword found in a text unit.
#[derive(Debug, Clone, Copy)]
pub struct KeywordHit {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// Types the keyword names, plus [`ANTI`].
    pub mask: u32,
}

/// An Aho–Corasick automaton searched only where a word starts. A bitmap
/// of the patterns' first two bytes (folded to lower case when matching
/// folds ASCII case) lets the scan skip every other word with one lookup,
/// so the cost per byte stays near a plain loop however many patterns
/// there are; only a word whose first two bytes start some pattern, and
/// whose first three pass a hashed bitmap of the patterns' first three,
/// runs the automaton, anchored at that word. Word starts are found 64 bytes
/// at a time from a bit mask of word bytes ([`word_mask`]), without a
/// branch per byte: loops that stepped over each gap and each word byte
/// by byte mispredicted at every word boundary of prose.
pub struct WordStarts {
    automaton: AhoCorasick,
    prefixes: Prefixes,
}

/// The word beginnings that can start a pattern: an exact bitmap of first
/// byte pairs, then a hashed bitmap of first three bytes (a hash collision
/// only costs an automaton run). Where a pattern of one or two bytes
/// starts with a word's first bytes, the third is not looked at. Measured
/// on prose, a third of the word starts passed the pairs alone and ran
/// the automaton.
struct Prefixes {
    /// Bit `key(a, b)` for each pattern's first two bytes.
    pairs: Vec<u64>,
    /// The pairs a pattern of one or two bytes starts with.
    short: Vec<u64>,
    /// Bit [`triple`] of each longer pattern's first three bytes.
    triples: Vec<u64>,
    fold: bool,
}

/// Bits in [`Prefixes::triples`], as a power of two: 32 KiB.
const TRIPLE_BITS: u32 = 18;

/// Sets bit `i` of `bits`.
fn set(bits: &mut [u64], i: usize) {
    bits[i >> 6] |= 1 << (i & 63);
}

/// Whether bit `i` of `bits` is set.
fn test(bits: &[u64], i: usize) -> bool {
    bits[i >> 6] & (1 << (i & 63)) != 0
}

/// The bit of the first three bytes `pair` (a [`key`]) and `third`.
fn triple(pair: usize, third: u8) -> usize {
    let joined = (pair as u32) << 8 | u32::from(third);
    (joined.wrapping_mul(0x9e37_79b1) >> (32 - TRIPLE_BITS)) as usize
}

impl Prefixes {
    fn new<P: AsRef<[u8]>>(patterns: &[P], fold: bool) -> Prefixes {
        let mut prefixes = Prefixes {
            pairs: vec![0; 1 << 10],
            short: vec![0; 1 << 10],
            triples: vec![0; 1 << (TRIPLE_BITS - 6)],
            fold,
        };
        for p in patterns {
            match *p.as_ref() {
                [] => {}
                [a] => {
                    for b in 0..=255 {
                        set(&mut prefixes.pairs, key(a, b, fold));
                        set(&mut prefixes.short, key(a, b, fold));
                    }
                }
                [a, b] => {
                    set(&mut prefixes.pairs, key(a, b, fold));
                    set(&mut prefixes.short, key(a, b, fold));
                }
                [a, b, c, ..] => {
                    let pair = key(a, b, fold);
                    set(&mut prefixes.pairs, pair);
                    set(&mut prefixes.triples, triple(pair, folded(c, fold)));
                }
            }
        }
        prefixes
    }

    /// Whether a pattern may start at `text[at]` (never false where one
    /// does).
    fn may_start(&self, text: &[u8], at: usize) -> bool {
        let byte = |i: usize| text.get(i).copied().unwrap_or(0);
        let pair = key(byte(at), byte(at + 1), self.fold);
        test(&self.pairs, pair)
            && (test(&self.short, pair) || test(&self.triples, triple(pair, folded(byte(at + 2), self.fold))))
    }
}

impl WordStarts {
    /// Compiles `patterns` (leftmost-longest), folding ASCII case when
    /// `fold` is set.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P], fold: bool) -> WordStarts {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(fold)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Both)
            .build(patterns)
            .expect("word patterns build");
        WordStarts {
            automaton,
            prefixes: Prefixes::new(patterns, fold),
        }
    }

    /// The first match starting at a word start in `[pos, to)`, ending by
    /// `to` (a match that does not start a word is never reported).
    pub fn next_match(&self, text: &[u8], pos: usize, to: usize) -> Option<aho_corasick::Match> {
        let to = to.min(text.len());
        // Inside a word at `pos`: its rest is not a word start.
        let mut in_word = pos > 0 && pos < to && is_word_byte(text[pos - 1]);
        let mut block = pos;
        while block < to {
            let end = (block + 64).min(to);
            let words = word_mask(&text[block..end]);
            let mut starts = words & !(words << 1 | u64::from(in_word));
            in_word = words >> (end - block - 1) & 1 == 1;
            while starts != 0 {
                let at = block + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if self.prefixes.may_start(text, at)
                    && let Some(m) = self
                        .automaton
                        .find(Input::new(text).range(at..to).anchored(Anchored::Yes))
                {
                    return Some(m);
                }
            }
            block = end;
        }
        None
    }

    /// Every match anywhere in `[from, to)`, inside words too.
    fn find_anywhere<'a, 'h>(
        &'a self,
        text: &'h [u8],
        from: usize,
        to: usize,
    ) -> aho_corasick::FindIter<'a, 'h> {
        self.automaton.find_iter(Input::new(text).range(from..to))
    }
}

/// The bitmap index of two leading bytes.
fn key(a: u8, b: u8, fold: bool) -> usize {
    (usize::from(folded(a, fold)) << 8) | usize::from(folded(b, fold))
}

/// `b`, lower-cased when matching folds ASCII case.
fn folded(b: u8, fold: bool) -> u8 {
    if fold { b.to_ascii_lowercase() } else { b }
}

/// The compiled keyword automaton, shared read-only by all workers.
pub struct Keywords {
    words: WordStarts,
    masks: Vec<u32>,
    lens: Vec<usize>,
}

impl Keywords {
    /// Compiles the built-in catalogue's keyword lists.
    pub fn builtin() -> Keywords {
        Keywords::from_catalogue(Catalogue::builtin(), &[])
    }

    /// Compiles the keyword lists of `catalogue` and of the custom
    /// detectors (custom detector `i` gets mask bit `FIRST_BIT + i`).
    pub fn from_catalogue(catalogue: &Catalogue, custom: &[CustomDetector]) -> Keywords {
        Keywords::new(&keyword_table(catalogue, custom))
    }

    /// Compiles a table of lower-case words and their masks. Matching folds
    /// ASCII case only, so a word starting with a non-ASCII letter (`ø`,
    /// `ä`) is also added capitalised.
    pub fn new(table: &[(String, u32)]) -> Keywords {
        let mut all = table.to_vec();
        for (w, m) in table {
            if w.chars().next().is_some_and(|c| !c.is_ascii()) {
                let cap = capitalised(w);
                if cap != *w {
                    all.push((cap, *m));
                }
            }
        }
        let table = all;
        let words: Vec<&String> = table.iter().map(|(w, _)| w).collect();
        Keywords {
            words: WordStarts::new(&words, true),
            masks: table.iter().map(|(_, m)| *m).collect(),
            lens: table.iter().map(|(w, _)| w.chars().count()).collect(),
        }
    }

    /// Appends every keyword in `text` to `out`, in order. Keywords must
    /// start a word; short ones (under five letters) must also end one, so
    /// `tel` does not fire inside `hotel` and `ip` not inside `tips`.
    /// With `loose` (column headers), longer keywords may sit inside a word,
    /// as in `kundeepost`.
    pub fn find(&self, text: &[u8], loose: bool, out: &mut Vec<KeywordHit>) {
        self.find_in(text, 0, text.len(), loose, out);
    }

    /// Like [`Self::find`], over `text[from..to]` only; word boundaries are
    /// still judged against the whole text.
    pub fn find_in(&self, text: &[u8], from: usize, to: usize, loose: bool, out: &mut Vec<KeywordHit>) {
        let mut keep = |m: aho_corasick::Match| {
            let idx = m.pattern().as_usize();
            let short = self.lens[idx] < 5;
            let left_ok = m.start() == 0 || !is_word_byte(text[m.start() - 1]);
            let right_ok = m.end() == text.len() || !is_word_byte(text[m.end()]);
            let ok = if short {
                left_ok && right_ok
            } else {
                left_ok || loose
            };
            if ok {
                out.push(KeywordHit {
                    start: m.start(),
                    end: m.end(),
                    mask: self.masks[idx],
                });
            }
        };
        if loose {
            self.words.find_anywhere(text, from, to).for_each(&mut keep);
        } else {
            let mut pos = from;
            while let Some(m) = self.words.next_match(text, pos, to) {
                pos = m.end();
                keep(m);
            }
        }
    }

    /// The union of masks of keywords in a column header.
    pub fn header_mask(&self, header: &str) -> u32 {
        let mut hits = Vec::new();
        self.find(header.as_bytes(), true, &mut hits);
        hits.iter().fold(0, |m, h| m | h.mask)
    }
}

/// The longest built-in keyword in bytes, so lazily scanned windows can
/// overlap enough to catch a keyword that straddles two of them.
pub const MAX_KEYWORD_BYTES: usize = 32;

/// The types named by keyword hits near the span `[start, end)`: a hit's
/// type bits count when the hit lies within that type's window
/// (`windows[type index]` characters before the start or after the end).
/// `hits` is sorted; `max` is the largest window.
pub fn mask_near(hits: &[KeywordHit], start: usize, end: usize, windows: &[usize], max: usize) -> u32 {
    let lo = start.saturating_sub(max);
    let first = hits.partition_point(|h| h.end <= lo);
    let mut mask = 0;
    for h in hits[first..].iter().take_while(|h| h.start < end + max) {
        let gap = if h.end <= start {
            start - h.end
        } else {
            h.start.saturating_sub(end)
        };
        let mut bits = h.mask & !ANTI;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            if windows.get(i).is_some_and(|&w| gap < w) {
                mask |= 1 << i;
            }
            bits &= bits - 1;
        }
    }
    mask
}

/// The union of masks of hits that overlap `[from, to)`; `hits` is sorted.
pub fn mask_in_window(hits: &[KeywordHit], from: usize, to: usize) -> u32 {
    let first = hits.partition_point(|h| h.end <= from);
    hits[first..]
        .iter()
        .take_while(|h| h.start < to)
        .fold(0, |m, h| m | h.mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DataType;

    #[test]
    fn each_type_has_its_own_window() {
        let hits = [KeywordHit {
            start: 0,
            end: 3,
            mask: DataType::Email.bit() | DataType::Phone.bit(),
        }];
        let mut windows = [0; 32];
        windows[DataType::Email.index()] = 10;
        windows[DataType::Phone.index()] = 100;
        // 47 characters between keyword and value: phone only.
        assert_eq!(mask_near(&hits, 50, 60, &windows, 100), DataType::Phone.bit());
        assert_eq!(
            mask_near(&hits, 8, 20, &windows, 100),
            DataType::Email.bit() | DataType::Phone.bit()
        );
    }

    #[test]
    fn keywords_fit_the_overlap() {
        let table = keyword_table(Catalogue::builtin(), &[]);
        assert!(table.iter().all(|(w, _)| w.len() <= MAX_KEYWORD_BYTES));
    }

    #[test]
    fn short_keywords_need_word_boundaries() {
        let k = Keywords::builtin();
        let mut hits = Vec::new();
        k.find(b"hotel tips", false, &mut hits);
        assert!(hits.is_empty());
        k.find(b"Tlf: 22 12 34 56", false, &mut hits);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].mask, DataType::Phone.bit());
    }

    #[test]
    fn word_starts_match_only_where_a_word_begins() {
        let w = WordStarts::new(&["navn", "fnr"], true);
        let text = b"fornavn: Navn, xfnr fnr";
        let starts: Vec<usize> = std::iter::successors(w.next_match(text, 0, text.len()), |m| {
            w.next_match(text, m.end(), text.len())
        })
        .map(|m| m.start())
        .collect();
        assert_eq!(starts, [9, 20]);
        // Starting inside a word skips the rest of it.
        assert_eq!(w.next_match(text, 10, text.len()).map(|m| m.start()), Some(20));
        assert!(w.next_match(text, 21, text.len()).is_none());
        assert!(w.next_match(text, 30, 5).is_none());
    }

    /// The first match at a word start, found byte by byte with no
    /// prefilter: what `next_match` must return.
    fn next_match_byte_by_byte(
        w: &WordStarts,
        text: &[u8],
        pos: usize,
        to: usize,
    ) -> Option<aho_corasick::Match> {
        let to = to.min(text.len());
        (pos..to)
            .filter(|&i| is_word_byte(text[i]) && (i == 0 || !is_word_byte(text[i - 1])))
            .find_map(|i| {
                w.automaton
                    .find(Input::new(text).range(i..to).anchored(Anchored::Yes))
            })
    }

    /// On texts of words, digits, punctuation and multi-byte letters,
    /// longer than one 64-byte block, from every start and to several
    /// ends, the block-wise scan finds what a byte-by-byte one finds.
    #[test]
    fn word_starts_found_by_block_are_those_found_byte_by_byte() {
        let folding = WordStarts::new(&["ola", "øst", "kari", "12", "o", "nor", "no"], true);
        let exact = WordStarts::new(&["Ola", "øst", "Kari", "x-", "nord"], false);
        let pieces: [&[u8]; 14] = [
            b"Ola",
            b"nordmann",
            b" ",
            b", ",
            b"\n",
            b"\xc3\xb8st",
            b"kari",
            b"12",
            b"x",
            b"-",
            b"O",
            b"\t\t",
            b"NORD",
            b"KARI",
        ];
        let mut state: u32 = 7;
        for _ in 0..200 {
            let mut text = Vec::new();
            while text.len() < 150 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.extend_from_slice(pieces[(state >> 16) as usize % pieces.len()]);
            }
            for (w, pos) in [&folding, &exact]
                .into_iter()
                .flat_map(|w| (0..=text.len()).map(move |p| (w, p)))
            {
                for to in [text.len(), text.len() - 1, pos + 70, pos + 3] {
                    let found = w.next_match(&text, pos, to).map(|m| m.span());
                    let expected = next_match_byte_by_byte(w, &text, pos, to).map(|m| m.span());
                    assert_eq!(
                        found,
                        expected,
                        "from {pos} to {to} in {:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
    }

    #[test]
    fn headers_match_inside_compounds() {
        let k = Keywords::builtin();
        assert_ne!(k.header_mask("kundeepost") & DataType::Email.bit(), 0);
        assert_ne!(k.header_mask("ordrenr") & ANTI, 0);
        assert_ne!(k.header_mask("invoice_id") & ANTI, 0);
        assert_eq!(k.header_mask("beløp"), 0);
    }

    #[test]
    fn window_lookup_finds_only_overlapping_hits() {
        let hits = [
            KeywordHit {
                start: 0,
                end: 3,
                mask: 1,
            },
            KeywordHit {
                start: 50,
                end: 55,
                mask: 2,
            },
        ];
        assert_eq!(mask_in_window(&hits, 0, 10), 1);
        assert_eq!(mask_in_window(&hits, 4, 49), 0);
        assert_eq!(mask_in_window(&hits, 10, 100), 2);
    }
}
