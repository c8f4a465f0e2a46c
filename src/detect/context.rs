//! Context keywords: words near a candidate (or a column header) that name
//! its type raise confidence; words that name a non-personal number
//! (order, invoice, ISBN) lower it.
//!
//! One Aho–Corasick pass finds every keyword in a text unit; candidates
//! then look up hits inside their window with a binary search, so the cost
//! does not grow with the number of candidates.

use crate::model::DataType;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

/// Bit set on a keyword's mask when it is an anti-keyword.
pub const ANTI: u32 = 1 << 31;

const NATIONAL: u32 = (1 << DataType::NoFnr as u32)
    | (1 << DataType::NoDnr as u32)
    | (1 << DataType::DkCpr as u32)
    | (1 << DataType::SePnr as u32)
    | (1 << DataType::FiHetu as u32);
const IP: u32 = (1 << DataType::Ipv4 as u32) | (1 << DataType::Ipv6 as u32);

fn bit(t: DataType) -> u32 {
    t.bit()
}

/// The built-in keyword lists: (keyword, lower-case; mask of types it names).
fn keyword_table() -> Vec<(&'static str, u32)> {
    let no = bit(DataType::NoFnr) | bit(DataType::NoDnr);
    let dk = bit(DataType::DkCpr);
    let se = bit(DataType::SePnr);
    let fi = bit(DataType::FiHetu);
    let mut t: Vec<(&'static str, u32)> = Vec::new();
    let mut add = |words: &[&'static str], mask: u32| t.extend(words.iter().map(|w| (*w, mask)));
    add(
        &[
            "fødselsnummer",
            "fødselsnr",
            "fodselsnummer",
            "fnr",
            "f.nr",
            "d-nummer",
            "d-nr",
            "dnummer",
            "hjelpenummer",
            "h-nummer",
            "identitetsnummer",
        ],
        no,
    );
    add(
        &[
            "personnummer",
            "personnr",
            "pers.nr",
            "id-nummer",
            "id number",
            "national id",
            "ssn",
            "social security",
        ],
        NATIONAL,
    );
    add(
        &[
            "cpr",
            "cpr-nr",
            "cprnr",
            "cpr.nr",
            "cpr-nummer",
            "cprnummer",
            "sygesikring",
            "sundhedskort",
            "identifikationsnummer",
        ],
        dk,
    );
    add(
        &[
            "pnr",
            "samordningsnummer",
            "samordningsnr",
            "födelsenummer",
            "personal identity number",
        ],
        se,
    );
    add(
        &[
            "henkilötunnus",
            "henkilotunnus",
            "hetu",
            "sotu",
            "personbeteckning",
            "personal identity code",
            "syntymäaika",
            "sosiaaliturvatunnus",
        ],
        fi,
    );
    add(
        &[
            "e-post",
            "epost",
            "email",
            "e-mail",
            "mail",
            "sähköposti",
            "sahkoposti",
            "mailadresse",
            "emailadresse",
            "e-postadress",
        ],
        bit(DataType::Email),
    );
    add(
        &[
            "tlf",
            "telefon",
            "telefonnummer",
            "telefonnr",
            "mobil",
            "mobilnr",
            "mob",
            "tel",
            "phone",
            "puhelin",
            "puh",
            "gsm",
            "mobile",
            "cell",
            "sms",
            "matkapuhelin",
            "ring",
        ],
        bit(DataType::Phone),
    );
    add(
        &[
            "iban",
            "kontonummer",
            "kontonr",
            "konto",
            "bankkonto",
            "account",
            "tilinumero",
            "tili",
            "swift",
            "bic",
        ],
        bit(DataType::Iban),
    );
    add(
        &[
            "kortnummer",
            "kredittkort",
            "kreditkort",
            "betalkort",
            "bankkort",
            "betalingskort",
            "luottokortti",
            "pankkikortti",
            "korttinumero",
            "card number",
            "credit card",
            "debit card",
            "card",
            "visa",
            "mastercard",
            "cvc",
            "cvv",
            "utløpsdato",
            "udløbsdato",
            "utgångsdatum",
            "expiry",
            "dankort",
            "amex",
        ],
        bit(DataType::PaymentCard),
    );
    add(
        &[
            "ip",
            "ip-adresse",
            "ipadresse",
            "ip-address",
            "ip address",
            "ip-adress",
            "ip-osoite",
            "client",
            "remote_addr",
            "remote",
            "src",
            "x-forwarded-for",
            "login",
        ],
        IP,
    );
    add(
        &[
            "org.nr",
            "org. nr",
            "org nr",
            "orgnr",
            "org.nummer",
            "organisasjonsnummer",
            "organisasjonsnr",
            "organisationsnummer",
            "foretaksregisteret",
            "enhetsregisteret",
            "mva",
            "cvr",
            "cvr-nr",
            "cvr-nummer",
            "cvrnr",
            "se-nr",
            "momsnummer",
            "moms nr",
            "momsreg.nr",
            "virksomhedsnummer",
            "y-tunnus",
            "ytunnus",
            "fo-nummer",
            "alv-numero",
            "alv nro",
            "vat",
            "vat number",
            "business id",
            "company number",
            "organisation number",
            "organization number",
        ],
        bit(DataType::OrgNumber),
    );
    add(
        &[
            "ordre",
            "ordrenr",
            "ordrenummer",
            "order",
            "ordernr",
            "invoice",
            "faktura",
            "fakturanr",
            "fakturanummer",
            "kundenr",
            "kundenummer",
            "ref",
            "referanse",
            "reference",
            "isbn",
            "ean",
            "gtin",
            "sku",
            "varenr",
            "varenummer",
            "artikkelnr",
            "saksnr",
            "tracking",
            "sporingsnummer",
            "ticket",
            "transaksjon",
            "transaction",
            "version",
            "versjon",
        ],
        ANTI,
    );
    t
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

/// The compiled keyword automaton, shared read-only by all workers.
pub struct Keywords {
    automaton: AhoCorasick,
    masks: Vec<u32>,
    lens: Vec<usize>,
}

impl Keywords {
    /// Compiles the built-in keyword lists.
    pub fn builtin() -> Keywords {
        let table = keyword_table();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(table.iter().map(|(w, _)| w))
            .expect("keyword automaton builds from static words");
        Keywords {
            masks: table.iter().map(|(_, m)| *m).collect(),
            lens: table.iter().map(|(w, _)| w.chars().count()).collect(),
            automaton,
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
        for m in self.automaton.find_iter(Input::new(text).range(from..to)) {
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

/// Letters, digits and any byte of a multi-byte UTF-8 character count as
/// word characters, so `ø` in `fødsel` does not break a word.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
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

    #[test]
    fn keywords_fit_the_overlap() {
        assert!(keyword_table().iter().all(|(w, _)| w.len() <= MAX_KEYWORD_BYTES));
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
    fn headers_match_inside_compounds() {
        let k = Keywords::builtin();
        assert_ne!(k.header_mask("kundeepost") & DataType::Email.bit(), 0);
        assert_ne!(k.header_mask("ordrenr") & ANTI, 0);
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
