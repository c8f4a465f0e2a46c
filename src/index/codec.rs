//! The stored form of a document: one compact value holding all that a
//! search reads back (tantivy stores one field instead of a dozen, which
//! halves the store's work and size). Items are encoded straight from a
//! finding's fields while a scan groups them, with no intermediate
//! strings.
//!
//! The value is text, not bytes: tantivy's store copies a text value in
//! one piece but a bytes value one byte at a time (a fifth of what the
//! index added to a scan). So numbers are written in ASCII (`number`)
//! and hashes packed 7 bits to a byte (`hash`), and the whole stays valid
//! UTF-8.
//!
//! Layout: a version byte; path, source (empty: the path), record label
//! (0 for none, else length + 1, then a split flag byte), file type,
//! modified time (0 for none, else zigzag + 1), size (0 for none, else
//! size + 1), scan id; then its parts to the end. A record's document is
//! one part; a list's holds a part per value, so the values of a log need
//! not be a document each. A part: its value hashes and its name token
//! hashes (each list a count, then each hash), its item count, then per
//! item: the hash index, type, subtype and location, line (0 for none,
//! else line + 1), column (0 for none, else length + 1, then the text),
//! masked value, confidence (one byte), and the name token indices (a
//! count, then each index), indices counted within the part. Text is
//! length-prefixed UTF-8.

use super::{Item, StoredDoc};
use crate::wire::{self, Reader};

/// The layout's version. It is in the stored field's name too
/// ([`super::schema`]), so an index of another layout is rebuilt by a
/// scan and refused by a search rather than read as damaged documents.
pub const VERSION: u8 = 4;

/// Appends `v` in groups of 6 bits, lowest first, each one ASCII byte with
/// bit 6 set on all but the last: a variable-length number that keeps the
/// value valid UTF-8 (LEB128's bytes from 0x80 up would not be).
fn number(out: &mut String, mut v: u64) {
    while v >= 0x40 {
        out.push(char::from((v & 0x3f) as u8 | 0x40));
        v >>= 6;
    }
    out.push(char::from(v as u8));
}

/// Appends a length-prefixed string.
fn text(out: &mut String, s: &str) {
    number(out, s.len() as u64);
    out.push_str(s);
}

/// Appends an optional string: 0, or its length + 1 and its text.
fn opt_text(out: &mut String, s: Option<&str>) {
    match s {
        None => number(out, 0),
        Some(s) => {
            number(out, s.len() as u64 + 1);
            out.push_str(s);
        }
    }
}

/// Appends an optional number: 0, or the number + 1.
fn opt_u64(out: &mut String, v: Option<u64>) {
    number(out, v.map_or(0, |v| v.saturating_add(1)));
}

/// Hex digits packed into one group (4 bits each, 28 bits).
const GROUP_DIGITS: usize = 7;
/// The longest hash packed: 64-digit keyed hashes fit, with room.
const MAX_PACKED_DIGITS: usize = 10 * GROUP_DIGITS;

/// Appends a hash. Lower-case hex (every keyed hash) is packed 7 bits to
/// a byte, 37 bytes for a 64-digit hash: in hex a document's hashes were
/// half its size, stored and compressed for every document. The tag is
/// the digit count shifted left with the low bit set; anything else is
/// stored as its text (the tag: its length shifted left), so every string
/// reads back exactly.
fn hash(out: &mut String, h: &str) {
    match pack(h.as_bytes()) {
        Some((packed, len)) => {
            number(out, ((h.len() as u64) << 1) | 1);
            out.push_str(std::str::from_utf8(&packed[..len]).expect("7-bit bytes are ASCII"));
        }
        None => {
            number(out, (h.len() as u64) << 1);
            out.push_str(h);
        }
    }
}

/// `digits` packed in groups of [`GROUP_DIGITS`], each group's bits
/// written 7 to a byte, high first, and how many bytes that took; `None`
/// when they are not all lower-case hex or too many.
fn pack(digits: &[u8]) -> Option<([u8; 40], usize)> {
    if digits.len() > MAX_PACKED_DIGITS {
        return None;
    }
    let (mut packed, mut len, mut bad) = ([0u8; 40], 0, 0);
    let mut value = |group: &[u8]| {
        group.iter().fold(0u32, |v, &d| {
            let n = wire::nibble(d);
            bad |= n;
            (v << 4) | u32::from(n & 0x0f)
        })
    };
    // Whole groups with fixed shifts: a loop for any group length cost
    // 91 to 126 million instructions for 83,300 hashes against 57.
    let mut groups = digits.chunks_exact(GROUP_DIGITS);
    for group in &mut groups {
        let v = value(group);
        for (i, shift) in [21, 14, 7, 0].into_iter().enumerate() {
            packed[len + i] = (v >> shift) as u8 & 0x7f;
        }
        len += 4;
    }
    // The last group, shorter, needs fewer bytes.
    let rest = groups.remainder();
    let v = value(rest);
    for i in (0..packed_len(rest.len())).rev() {
        packed[len] = (v >> (7 * i)) as u8 & 0x7f;
        len += 1;
    }
    (bad & 0xf0 == 0).then_some((packed, len))
}

/// Bytes that hold `digits` hex digits packed 7 bits to a byte: those of
/// one group, or of a whole hash (whole groups fill their bytes).
fn packed_len(digits: usize) -> usize {
    (4 * digits).div_ceil(7)
}

/// Reads what the functions above wrote, from a [`Reader`] over the
/// value's bytes.
struct Text<'a>(Reader<'a>);

impl Text<'_> {
    /// A number written by [`number`].
    fn number(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(6) {
            let b = self.0.byte().filter(|b| b.is_ascii())?;
            v |= u64::from(b & 0x3f) << shift;
            if b & 0x40 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// A number that must fit a `usize` (a length, count or index).
    fn size(&mut self) -> Option<usize> {
        usize::try_from(self.number()?).ok()
    }

    /// `len` bytes of text.
    fn str(&mut self, len: usize) -> Option<String> {
        std::str::from_utf8(self.0.take(len)?).ok().map(str::to_string)
    }

    /// A length-prefixed string.
    fn text(&mut self) -> Option<String> {
        let len = self.size()?;
        self.str(len)
    }

    /// An optional string.
    fn opt_text(&mut self) -> Option<Option<String>> {
        match self.size()? {
            0 => Some(None),
            len => self.str(len - 1).map(Some),
        }
    }

    /// An optional number.
    fn opt_u64(&mut self) -> Option<Option<u64>> {
        Some(self.number()?.checked_sub(1))
    }

    /// A hash written by [`hash`].
    fn hash(&mut self) -> Option<String> {
        let tag = self.number()?;
        let len = usize::try_from(tag >> 1).ok()?;
        if tag & 1 == 0 {
            return self.str(len);
        }
        let mut digits = Vec::with_capacity(len);
        let mut left = len;
        while left > 0 {
            let group = left.min(GROUP_DIGITS);
            let mut v = 0u32;
            for &b in self.0.take(packed_len(group))? {
                if !b.is_ascii() {
                    return None;
                }
                v = (v << 7) | u32::from(b);
            }
            // Bits beyond the group's digits are not ones this layout writes.
            if v >> (4 * group) != 0 {
                return None;
            }
            let mut nibbles = [0u8; 8];
            wire::hex_into(&v.to_be_bytes(), &mut nibbles);
            digits.extend_from_slice(&nibbles[8 - group..]);
            left -= group;
        }
        String::from_utf8(digits).ok()
    }

    /// One byte.
    fn byte(&mut self) -> Option<u8> {
        self.0.byte()
    }

    /// Whether every byte has been read.
    fn done(&self) -> bool {
        self.0.done()
    }
}

/// What a document holds besides its parts.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// Path as shown in the outputs.
    pub path: &'a str,
    /// The file on disk.
    pub source: &'a str,
    /// Record label and whether the record is written in parts.
    pub record: Option<(&'a str, bool)>,
    /// File format.
    pub file_type: &'a str,
    /// Modified time, microseconds since the epoch.
    pub modified: Option<i64>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// The scan that wrote the document.
    pub scan_id: &'a str,
}

/// One part of a document: findings and the hashes they refer to.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// Value hashes (hex), in the order items refer to them.
    pub hashes: &'a [String],
    /// Person-name token hashes (hex).
    pub tokens: &'a [String],
    /// The findings.
    pub items: &'a Items,
}

/// A document's stored value: `head`, then `parts`.
pub fn encode(head: &Head<'_>, parts: &[Part<'_>]) -> String {
    let size = parts
        .iter()
        .map(|p| {
            p.items.text.len()
                + p.hashes
                    .iter()
                    .chain(p.tokens)
                    .map(|h| packed_len(h.len()) + 2)
                    .sum::<usize>()
                + 8
        })
        .sum::<usize>();
    let mut out = String::with_capacity(128 + head.path.len() + size);
    out.push(char::from(VERSION));
    text(&mut out, head.path);
    text(&mut out, if head.source == head.path { "" } else { head.source });
    opt_text(&mut out, head.record.map(|(label, _)| label));
    if let Some((_, split)) = head.record {
        out.push(char::from(u8::from(split)));
    }
    text(&mut out, head.file_type);
    opt_u64(&mut out, head.modified.map(wire::zigzag));
    opt_u64(&mut out, head.size);
    text(&mut out, head.scan_id);
    for part in parts {
        for list in [part.hashes, part.tokens] {
            number(&mut out, list.len() as u64);
            for h in list {
                hash(&mut out, h);
            }
        }
        number(&mut out, part.items.count as u64);
        out.push_str(&part.items.text);
    }
    out
}

/// One item's fields, borrowed from a finding (or from a decoded [`Item`]).
#[derive(Debug, Clone, Copy)]
pub struct ItemRef<'a> {
    /// Type label.
    pub t: &'a str,
    /// Special-category subtype, empty for none.
    pub s: &'a str,
    /// Location.
    pub l: &'a str,
    /// Line.
    pub n: Option<u64>,
    /// Column name.
    pub c: Option<&'a str>,
    /// Masked value.
    pub m: &'a str,
    /// Confidence: 0 low, 1 medium, 2 high.
    pub k: u8,
}

impl Item {
    /// The item's fields, borrowed.
    pub fn as_ref(&self) -> ItemRef<'_> {
        ItemRef {
            t: &self.t,
            s: &self.s,
            l: &self.l,
            n: self.n,
            c: self.c.as_deref(),
            m: &self.m,
            k: self.k,
        }
    }
}

/// A list of encoded items being built.
#[derive(Debug, Default)]
pub struct Items {
    text: String,
    count: usize,
}

impl Items {
    /// Appends one item: `h` is its hash's index in the document, `tokens`
    /// its name tokens' indices.
    pub fn push(&mut self, h: u32, item: ItemRef<'_>, tokens: impl ExactSizeIterator<Item = u32>) {
        let out = &mut self.text;
        number(out, u64::from(h));
        text(out, item.t);
        text(out, item.s);
        text(out, item.l);
        opt_u64(out, item.n);
        opt_text(out, item.c);
        text(out, item.m);
        out.push(char::from(item.k.min(0x7f)));
        number(out, tokens.len() as u64);
        for t in tokens {
            number(out, u64::from(t));
        }
        self.count += 1;
    }

    /// Items held.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no item is held.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Reads a stored document back; `None` when the bytes are not of this
/// layout (a damaged document, or one written by another version).
pub fn decode(bytes: &[u8]) -> Option<StoredDoc> {
    let (&version, rest) = bytes.split_first()?;
    if version != VERSION {
        return None;
    }
    let mut r = Text(Reader::new(rest));
    let path = r.text()?;
    let source = Some(r.text()?)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| path.clone());
    let record = r.opt_text()?;
    let split = match record {
        Some(_) => r.byte()? == 1,
        None => false,
    };
    let file_type = r.text()?;
    let modified = r.opt_u64()?.map(wire::unzigzag);
    let size = r.opt_u64()?;
    let scan_id = r.text()?;
    let (mut hashes, mut tokens, mut items) = (Vec::new(), Vec::new(), Vec::new());
    while !r.done() {
        let first = Bounds {
            hash: hashes.len(),
            token: tokens.len(),
        };
        for list in [&mut hashes, &mut tokens] {
            for _ in 0..r.number()? {
                list.push(r.hash()?);
            }
        }
        let count = r.size()?;
        let bounds = Bounds {
            hash: hashes.len(),
            token: tokens.len(),
        };
        read_items(&mut r, count, first, bounds, &mut items)?;
    }
    Some(StoredDoc {
        path,
        source,
        record,
        split,
        file_type,
        modified,
        size,
        scan_id,
        hashes,
        tokens,
        items,
    })
}

/// Reads back the items of `items` alone (`hashes` and `tokens`: how many
/// there are, to check the indices against).
pub fn decode_items(items: &Items, hashes: usize, tokens: usize) -> Option<Vec<Item>> {
    let mut r = Text(Reader::new(items.text.as_bytes()));
    let mut out = Vec::with_capacity(items.count);
    let bounds = Bounds {
        hash: hashes,
        token: tokens,
    };
    read_items(&mut r, items.count, Bounds::default(), bounds, &mut out)?;
    r.done().then_some(out)
}

/// Indices into a document's hash and token lists.
#[derive(Debug, Clone, Copy, Default)]
struct Bounds {
    hash: usize,
    token: usize,
}

/// Reads `count` items of a part into `items`: their indices, counted
/// within the part, are shifted by where its lists start (`first`) and
/// must fall short of where they end (`end`).
fn read_items(
    r: &mut Text<'_>,
    count: usize,
    first: Bounds,
    end: Bounds,
    items: &mut Vec<Item>,
) -> Option<()> {
    let shift = |i: u64, first: usize, end: usize| {
        let i = first.checked_add(usize::try_from(i).ok()?)?;
        (i < end).then(|| u32::try_from(i).ok()).flatten()
    };
    for _ in 0..count {
        let h = shift(r.number()?, first.hash, end.hash)?;
        let t = r.text()?;
        let s = r.text()?;
        let l = r.text()?;
        let n = r.opt_u64()?;
        let c = r.opt_text()?;
        let m = r.text()?;
        let k = r.byte()?;
        let tokens = r.number()?;
        let tk = (0..tokens)
            .map(|_| shift(r.number()?, first.token, end.token))
            .collect::<Option<Vec<u32>>>()?;
        items.push(Item {
            h,
            t,
            s,
            l,
            n,
            c,
            m,
            k,
            tk,
        });
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(h: u32, c: Option<&str>, n: Option<u64>, tk: Vec<u32>) -> Item {
        Item {
            h,
            t: "email".into(),
            s: String::new(),
            l: "row 7".into(),
            n,
            c: c.map(str::to_string),
            m: "o**@example.no".into(),
            k: 2,
            tk,
        }
    }

    const H0: &str = "00ff10aa";
    const H1: &str = "DEADbeef";
    const H2: &str = "not-hex";

    fn encoded(items: &[Item], source: &str, record: Option<(&str, bool)>) -> Vec<u8> {
        let mut list = Items::default();
        for i in items {
            list.push(i.h, i.as_ref(), i.tk.iter().copied());
        }
        assert_eq!(list.len(), items.len());
        let tokens: Vec<String> = (0..3).map(|i| format!("{i:02x}{i:02x}")).collect();
        let hashes = [H0, H1, H2].map(str::to_string);
        let part = Part {
            hashes: &hashes,
            tokens: &tokens,
            items: &list,
        };
        encode(&head(source, record), &[part]).into_bytes()
    }

    fn head<'a>(source: &'a str, record: Option<(&'a str, bool)>) -> Head<'a> {
        Head {
            path: "crm/kunder.csv",
            source,
            record,
            file_type: "csv",
            modified: Some(-1_700_000_000),
            size: Some(0),
            scan_id: "scan-1",
        }
    }

    /// A list's document holds a part per value; read back, the parts'
    /// hashes and tokens are one list each and every item's indices point
    /// into them where its part's lists went.
    #[test]
    fn parts_read_back_as_one_document() {
        let values: Vec<[String; 1]> = (0..3).map(|v| [format!("{v:064x}")]).collect();
        let tokens: Vec<Vec<String>> = vec![vec![], vec!["aa".into(), "bb".into()], vec!["cc".into()]];
        let written: Vec<Vec<Item>> = vec![
            vec![item(0, None, Some(1), vec![]), item(0, None, Some(9), vec![])],
            vec![item(0, Some("navn"), Some(2), vec![1, 0])],
            vec![item(0, None, None, vec![0])],
        ];
        let lists: Vec<Items> = written
            .iter()
            .map(|items| {
                let mut list = Items::default();
                for i in items {
                    list.push(i.h, i.as_ref(), i.tk.iter().copied());
                }
                list
            })
            .collect();
        let parts: Vec<Part> = (0..3)
            .map(|v| Part {
                hashes: &values[v],
                tokens: &tokens[v],
                items: &lists[v],
            })
            .collect();
        let doc = decode(encode(&head("crm/kunder.csv", None), &parts).as_bytes()).expect("valid");
        assert_eq!(doc.hashes, values.concat());
        assert_eq!(doc.tokens, ["aa", "bb", "cc"]);
        let expected = vec![
            item(0, None, Some(1), vec![]),
            item(0, None, Some(9), vec![]),
            item(1, Some("navn"), Some(2), vec![1, 0]),
            item(2, None, None, vec![2]),
        ];
        assert_eq!(doc.items, expected);
        // A part's indices stay within its own lists.
        let mut stray = Items::default();
        stray.push(1, item(0, None, None, vec![]).as_ref(), std::iter::empty());
        let bad = [
            parts[0],
            Part {
                items: &stray,
                ..parts[1]
            },
        ];
        assert!(decode(encode(&head("a", None), &bad).as_bytes()).is_none());
    }

    #[test]
    fn documents_read_back_as_written() {
        let written = vec![
            item(0, Some("e-post"), Some(7), vec![]),
            item(2, None, None, vec![0, 2, 1]),
            item(1, Some(""), Some(0), vec![0]),
            Item {
                s: "health".into(),
                t: "special_category".into(),
                ..item(2, None, Some(123_456_789_012), vec![])
            },
        ];
        let doc = decode(&encoded(&written, "crm/kunder.csv", Some(("row 42", true)))).expect("valid");
        assert_eq!(doc.items, written);
        assert_eq!(doc.hashes, [H0, H1, H2]);
        assert_eq!(doc.tokens, ["0000", "0101", "0202"]);
        assert_eq!(
            (doc.path.as_str(), doc.source.as_str()),
            ("crm/kunder.csv", "crm/kunder.csv")
        );
        assert_eq!((doc.record.as_deref(), doc.split), (Some("row 42"), true));
        assert_eq!((doc.modified, doc.size), (Some(-1_700_000_000), Some(0)));
        assert_eq!((doc.file_type.as_str(), doc.scan_id.as_str()), ("csv", "scan-1"));

        let doc = decode(&encoded(&[], "export.zip", None)).expect("valid");
        assert!(doc.items.is_empty());
        assert_eq!(
            (doc.source.as_str(), doc.record, doc.split),
            ("export.zip", None, false)
        );
    }

    /// Hashes of every length read back exactly, packed when lower-case
    /// hex (a keyed hash's 64 digits in 37 bytes) and as text otherwise,
    /// and the stored value stays text whatever the hashes.
    #[test]
    fn hashes_read_back_exactly_and_lower_case_hex_is_packed() {
        let keyed = crate::keyed_hash::Hasher::new(&[7; 32]).hash("ola@example.no");
        assert_eq!(keyed.len(), 64);
        let digits = "0123456789abcdef";
        let mut cases: Vec<String> = (0..=MAX_PACKED_DIGITS + 1)
            .map(|n| digits.chars().cycle().skip(n % 16).take(n).collect())
            .collect();
        cases.extend(
            [
                keyed.as_str(),
                "ABCDEF",
                "0g",
                "ø",
                "f".repeat(64).as_str(),
                "0".repeat(64).as_str(),
            ]
            .map(str::to_string),
        );
        for h in &cases {
            let mut out = String::new();
            hash(&mut out, h);
            let packed = h.len() <= MAX_PACKED_DIGITS && h.bytes().all(|b| wire::nibble(b) < 16);
            let expected = if packed {
                (4 * h.len()).div_ceil(7)
            } else {
                h.len()
            };
            let tag = out.len() - expected;
            assert!(out.bytes().take(tag).all(|b| b.is_ascii()), "{h}");
            let mut r = Text(Reader::new(out.as_bytes()));
            assert_eq!(r.hash().as_deref(), Some(h.as_str()), "{h}");
            assert!(r.done(), "{h}");
            if h == &keyed {
                assert_eq!(out.len() - tag, 37);
            }
        }
        // A packed byte from 0x80 up, or bits past the digits, are damage.
        let mut out = String::new();
        hash(&mut out, "f");
        assert_eq!(out.as_bytes(), [3, 0x0f]);
        assert_eq!(Text(Reader::new(&[3, 0x1f])).hash(), None);
        assert_eq!(Text(Reader::new(&[3, 0x8f])).hash(), None);
        assert_eq!(Text(Reader::new(&[3])).hash(), None);
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let bytes = encoded(&[item(0, Some("mail"), Some(3), vec![1])], "a", Some(("", false)));
        assert!(decode(&bytes).is_some());
        assert!(decode(&bytes[..bytes.len() - 2]).is_none(), "cut short");
        let mut other = bytes.clone();
        other[0] = 9;
        assert!(decode(&other).is_none(), "another version");
        assert!(
            decode(&encoded(&[item(3, None, None, vec![])], "a", None)).is_none(),
            "hash index out of range"
        );
        assert!(decode(br#"[{"h":0}]"#).is_none(), "the old JSON form");
        assert!(decode(&[]).is_none());
    }
}
