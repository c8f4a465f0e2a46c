//! The stored form of a document: one compact binary value holding all
//! that a search reads back (tantivy stores one field instead of a dozen,
//! which halves the store's work and size). Items are encoded straight
//! from a finding's fields while a scan groups them, with no intermediate
//! strings.
//!
//! Layout: a version byte; the value hashes and the name token hashes
//! (each list a varint count, then each hash's raw bytes, length-prefixed;
//! they are hex everywhere else); path, source (empty: the path), record
//! label (0 for none, else length + 1, then a split flag byte), file type,
//! modified time (0 for none, else zigzag + 1), size (0 for none, else
//! size + 1), scan id; then the items to the end. Per item: the hash index
//! (varint), type, subtype and location (length-prefixed UTF-8), line (0
//! for none, else line + 1), column (0 for none, else length + 1, then
//! the bytes), masked value, confidence (one byte), and the name token
//! indices (a varint count, then varints).

use super::{Item, StoredDoc};
use crate::wire::{self, Reader, text, varint};

/// The layout's version; a document with another is reported as damaged.
const VERSION: u8 = 2;

/// What a document holds besides its items.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// Value hashes (hex), in the order items refer to them.
    pub hashes: &'a [String],
    /// Person-name token hashes (hex).
    pub tokens: &'a [String],
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

/// A document's stored value: `head`, then `items`.
pub fn encode(head: &Head<'_>, items: &Items) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + items.bytes.len());
    out.push(VERSION);
    varint(&mut out, head.hashes.len() as u64);
    for h in head.hashes {
        wire::hash(&mut out, h);
    }
    varint(&mut out, head.tokens.len() as u64);
    for t in head.tokens {
        wire::hash(&mut out, t);
    }
    text(&mut out, head.path);
    text(&mut out, if head.source == head.path { "" } else { head.source });
    wire::opt_text(&mut out, head.record.map(|(label, _)| label));
    if let Some((_, split)) = head.record {
        out.push(u8::from(split));
    }
    text(&mut out, head.file_type);
    wire::opt_i64(&mut out, head.modified);
    wire::opt_u64(&mut out, head.size);
    text(&mut out, head.scan_id);
    out.extend_from_slice(&items.bytes);
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
    bytes: Vec<u8>,
    count: usize,
}

impl Items {
    /// Appends one item: `h` is its hash's index in the document, `tokens`
    /// its name tokens' indices.
    pub fn push(&mut self, h: u32, item: ItemRef<'_>, tokens: impl ExactSizeIterator<Item = u32>) {
        let out = &mut self.bytes;
        varint(out, u64::from(h));
        text(out, item.t);
        text(out, item.s);
        text(out, item.l);
        wire::opt_u64(out, item.n);
        wire::opt_text(out, item.c);
        text(out, item.m);
        out.push(item.k);
        varint(out, tokens.len() as u64);
        for t in tokens {
            varint(out, u64::from(t));
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
    let mut r = Reader::new(rest);
    let mut lists = [Vec::new(), Vec::new()];
    for list in &mut lists {
        for _ in 0..r.varint()? {
            list.push(r.hash()?);
        }
    }
    let [hashes, tokens] = lists;
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
    let modified = r.opt_i64()?;
    let size = r.opt_u64()?;
    let scan_id = r.text()?;
    let items = read_items(&mut r, hashes.len(), tokens.len())?;
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
    read_items(&mut Reader::new(&items.bytes), hashes, tokens)
}

fn read_items(r: &mut Reader<'_>, hashes: usize, tokens: usize) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    while !r.done() {
        let h = u32::try_from(r.varint()?).ok()?;
        let t = r.text()?;
        let s = r.text()?;
        let l = r.text()?;
        let n = r.opt_u64()?;
        let c = r.opt_text()?;
        let m = r.text()?;
        let k = r.byte()?;
        let count = r.varint()?;
        let tk = (0..count)
            .map(|_| r.varint().and_then(|t| u32::try_from(t).ok()))
            .collect::<Option<Vec<u32>>>()?;
        if h as usize >= hashes || tk.iter().any(|&t| t as usize >= tokens) {
            return None;
        }
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
    Some(items)
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
        let head = Head {
            hashes: &hashes,
            tokens: &tokens,
            path: "crm/kunder.csv",
            source,
            record,
            file_type: "csv",
            modified: Some(-1_700_000_000),
            size: Some(0),
            scan_id: "scan-1",
        };
        encode(&head, &list)
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
