//! The subject index: a tantivy index in `OUT/index/` that finds every
//! place a person's data is held, from one of their identifiers, in
//! milliseconds.
//!
//! # Documents
//!
//! Dense exports hold a finding every few dozen bytes, so one document per
//! occurrence would make indexing the bottleneck. A document is instead one
//! **record** of a file (a CSV/SQL/sheet row, an NDJSON record, a mailbox
//! message, or a whole letter) with all its findings, or, for findings in
//! something too big to be one person's record (a log, a list), the
//! **values in a file**, each keyed hash with all its locations there (up
//! to [`build::LIST_VALUES`] values to a document; a search keeps only the
//! searched value's locations). Each
//! document carries the keyed hashes it holds (exact-match terms), the
//! token hashes of person names, its path, and a stored list of items
//! (type, location, column, masked value, confidence). No plain personal
//! value is ever stored.
//!
//! # Linking
//!
//! Identifiers in one record are linked: a subject is the connected set of
//! hashes reachable from the searched one through records, bounded by
//! [`LinkPolicy`] (see [`subject`]). Records are stored as they are, and
//! the link rules are applied when searching, so bounds can change without
//! a rescan.
//!
//! # Atomicity
//!
//! A scan deletes the previous documents and adds its own in one tantivy
//! commit at the end: a killed scan leaves the previous index readable.

pub mod build;
pub mod codec;
pub mod directory;
pub mod feed;
pub mod forget;
pub mod impact;
pub mod merging;
pub mod rows;
pub mod subject;

use crate::model::DataType;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tantivy::collector::DocSetCollector;
use tantivy::query::Query;
use tantivy::schema::{
    BytesOptions, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

/// The index folder inside a scan's output folder.
pub const INDEX_DIR: &str = "index";

/// Bounds on linking values into subjects (profile table `[subjects]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPolicy {
    /// How many records away from the searched value links are followed.
    pub max_hops: u32,
    /// A record with more identifying values than this (national IDs,
    /// e-mail, phone, IBAN, card, name, address) is a list, not one
    /// person's record, and links nothing.
    pub max_record_values: usize,
    /// A value found in more documents (records, or files for values in
    /// lists) than this is shared (a switchboard number, a support
    /// address) and is not followed.
    pub shared_value_limit: u64,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        LinkPolicy {
            max_hops: 2,
            max_record_values: 12,
            shared_value_limit: 50,
        }
    }
}

/// Types a link may be followed through: values that identify one person.
/// Names, addresses and IP addresses are shared by many people and are
/// found as part of a linked record, never followed.
pub fn links_through(ty: DataType) -> bool {
    matches!(
        ty,
        DataType::Email
            | DataType::Phone
            | DataType::NoFnr
            | DataType::NoDnr
            | DataType::DkCpr
            | DataType::SePnr
            | DataType::FiHetu
            | DataType::Iban
            | DataType::PaymentCard
    )
}

/// National identity numbers: a record holding two different ones is
/// about two people and links nothing.
pub fn national_id(ty: DataType) -> bool {
    matches!(
        ty,
        DataType::NoFnr | DataType::NoDnr | DataType::DkCpr | DataType::SePnr | DataType::FiHetu
    )
}

/// Types that identify a person on their own, counted against
/// [`LinkPolicy::max_record_values`].
pub fn identifying(ty: DataType) -> bool {
    links_through(ty) || matches!(ty, DataType::PersonName | DataType::PostalAddress)
}

/// What the scan records with its commit, so searches use the same key,
/// phone plan and link bounds as the scan that built the index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IndexMeta {
    /// The scan that wrote the index.
    pub scan_id: String,
    /// [`crate::keyed_hash::Hasher::fingerprint`] of the scan's key.
    pub key_fingerprint: String,
    /// The scan profile's phone plan for numbers without country code.
    pub phone_country: String,
    /// The scan profile's link bounds.
    pub links: LinkPolicy,
    /// Findings indexed.
    pub findings: u64,
    /// Documents written by the scan (in `scan.json`: documents the
    /// index holds after it, kept ones included).
    pub documents: u64,
}

/// One finding stored in a document, without its path (the document's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Index of the value's hash in the document's hash list.
    pub h: u32,
    /// Type label (`email`, or a custom detector's id).
    pub t: String,
    /// Special-category subtype, if any.
    pub s: String,
    /// Location as in the findings table.
    pub l: String,
    /// Line, where the format has lines.
    pub n: Option<u64>,
    /// Column name.
    pub c: Option<String>,
    /// Masked value.
    pub m: String,
    /// Confidence: 0 low, 1 medium, 2 high.
    pub k: u8,
    /// Indices of a person name's token hashes in the document's token list.
    pub tk: Vec<u32>,
}

impl Item {
    /// The item's type (custom detectors map to [`DataType::Custom`]).
    pub fn ty(&self) -> DataType {
        DataType::parse(&self.t).unwrap_or(DataType::Custom)
    }

    /// The confidence name.
    pub fn confidence(&self) -> &'static str {
        ["low", "medium", "high"][usize::from(self.k.min(2))]
    }
}

/// The schema's fields: five indexed for lookups, and one stored value
/// holding everything a search reads back (see [`codec`]).
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Value hashes held (indexed).
    pub hash: Field,
    /// Person-name token hashes (indexed).
    pub token: Field,
    /// Path as shown in the outputs (indexed for path lookups), only
    /// where it is not the file on disk: inside archives. Elsewhere
    /// [`Fields::file`] is the path, and a second term for every document
    /// was about a tenth of the index's instructions.
    pub path: Field,
    /// The file on disk the document came from (indexed, so a file read
    /// again or gone can have its documents replaced).
    pub file: Field,
    /// Record key `path` + U+001F + record label; only on the documents of
    /// a record written in parts (see [`StoredDoc::split`]).
    pub rec: Field,
    /// The stored document, in the text form of [`codec`].
    pub doc: Field,
}

/// The first 64 bits of a keyed hash (hex), as an integer: what a
/// document's hashes are told apart by while a scan groups them, and the
/// source of their index terms ([`key_bytes`]). Anything that is not a hex
/// hash (never produced by [`crate::keyed_hash`]) is keyed by its xxh3
/// instead.
pub fn hash_key(hash: &str) -> u64 {
    let mut key = [0u8; 8];
    let Some(digits) = hash.as_bytes().get(..16) else {
        return xxhash_rust::xxh3::xxh3_64(hash.as_bytes());
    };
    // Keyed hashes are lower case: decoded through a table; other hex
    // digits by the hex crate, as they always were.
    if crate::wire::decode_lower_hex(digits, &mut key) || hex::decode_to_slice(digits, &mut key).is_ok() {
        u64::from_be_bytes(key)
    } else {
        xxhash_rust::xxh3::xxh3_64(hash.as_bytes())
    }
}

/// Bytes of a hash key ([`hash_key`]) that make its index term. The stored
/// documents keep whole hashes and lookups compare them, so a term only
/// has to make collisions rare, not impossible: a collision costs one
/// extra document read, never a wrong hit. With 40 bits, an index of ten
/// million distinct values puts another value under a searched term about
/// once in 100,000 lookups. Short terms keep the term dictionary cheap to
/// build: with 24-hex-digit text terms tantivy's FST node registry was a
/// sixth of a dense scan; with 64-bit integer terms it was still about a
/// third of the indexing thread (each random byte past the shared prefix
/// is a node to build and look up).
pub const KEY_BYTES: usize = 5;

/// The index term's bytes of hash key `key` (its first [`KEY_BYTES`]).
pub fn key_bytes(key: u64) -> [u8; KEY_BYTES] {
    let mut bytes = [0u8; KEY_BYTES];
    bytes.copy_from_slice(&key.to_be_bytes()[..KEY_BYTES]);
    bytes
}

/// The index term of a keyed hash (hex) in `field` (`hash` or `token`).
pub fn hash_term(field: Field, hash: &str) -> tantivy::Term {
    tantivy::Term::from_field_bytes(field, &key_bytes(hash_key(hash)))
}

/// The term dictionary the index is written with, named in the schema
/// (the stored field's name) so that an index written with another one
/// has another schema: a scan rebuilds it and a search refuses it, where
/// tantivy would fail on its first term. tantivy is built with its
/// `quickwit` feature, which keeps each segment's terms in a sorted table
/// (`sstable`: blocks of sorted keys and a sparse index of blocks) instead
/// of a finite-state transducer (`fst`). Building the transducer was the
/// largest single part of writing a segment (its registry of shared
/// states); with the table a scan of a million findings took 0.5 s less
/// CPU (about 6%), and a search reads one block of the table.
pub const TERM_DICTIONARY: &str = "sstable";

/// [`SubjectIndex::holding`] reads a segment's dictionary in one pass when
/// the terms wanted are at least one in this many of its terms, and looks
/// them up one by one otherwise. A lookup decodes one block of the sorted
/// table (about 4,000 bytes of delta-coded keys: several hundred 40-bit
/// keys, and where their postings are) and a pass decodes every block, so
/// the pass pays once a block holds about one wanted term. Measured: an `impact`
/// of 45,000 values over four segments of 20,000 to 58,000 documents took
/// 0.55-0.6 s with any share from 16 up (1.65 s looking every value up);
/// searches of the 10-million-finding index took 0.11, 0.88 and 1.4 ms
/// with a share of 16, 256 or 1,024, and 118, 145 and 260 ms reading
/// every dictionary in one pass.
pub const STREAM_SHARE: usize = 1024;

/// Appends the documents of `postings` that `alive` (a segment's deletes,
/// if any) has not deleted, as addresses in segment `segment`.
fn live_docs(
    mut postings: tantivy::postings::SegmentPostings,
    alive: Option<&tantivy::fastfield::AliveBitSet>,
    segment: u32,
    docs: &mut Vec<DocAddress>,
) {
    use tantivy::{DocSet, TERMINATED};
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            docs.push(DocAddress::new(segment, doc));
        }
        doc = postings.advance();
    }
}

/// The index schema and its fields.
pub fn schema() -> (Schema, Fields) {
    // Exact-match terms: no scoring, so no field norms to record.
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let key = BytesOptions::default().set_indexed();
    let mut b = Schema::builder();
    let fields = Fields {
        // The names say the terms are 40-bit keys ([`KEY_BYTES`]); an
        // index with other terms has another schema and is rebuilt.
        hash: b.add_bytes_field("hash40", key.clone()),
        token: b.add_bytes_field("token40", key),
        path: b.add_text_field("path", exact.clone()),
        file: b.add_text_field("file", exact.clone()),
        rec: b.add_text_field("rec", exact),
        // The name carries the layout's version and the term dictionary,
        // as the keys' names carry their width.
        doc: b.add_text_field(&format!("doc_v{}_{TERM_DICTIONARY}", codec::VERSION), STORED),
    };
    (b.build(), fields)
}

/// Whether the record made of `docs` is one person's and may link: at
/// most `max_values` distinct identifying values and at most one national
/// ID (two national IDs are two people: a family, a list).
pub fn one_person<'a>(docs: impl IntoIterator<Item = &'a StoredDoc>, max_values: usize) -> bool {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let (mut values, mut ids) = (0, 0);
    for d in docs {
        for item in &d.items {
            let ty = item.ty();
            if identifying(ty) && seen.insert(&d.hashes[item.h as usize]) {
                values += 1;
                ids += usize::from(national_id(ty));
            }
        }
    }
    values <= max_values && ids <= 1
}

/// The record key of a record document.
pub fn record_key(path: &str, record: &str) -> String {
    format!("{path}\u{1f}{record}")
}

/// One document as read back.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    /// Path as shown in the outputs.
    pub path: String,
    /// The file on disk (stored only when it is not `path`).
    pub source: String,
    /// Record label, for record documents (`Some("")`: the whole file).
    pub record: Option<String>,
    /// Whether the record is written in parts, as documents sharing its
    /// [`StoredDoc::key`] (a big file's records open when its findings
    /// were written out before its end); otherwise this is all of it.
    pub split: bool,
    /// File format.
    pub file_type: String,
    /// The scan that read the file.
    pub scan_id: String,
    /// Modified time, microseconds.
    pub modified: Option<i64>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Value hashes.
    pub hashes: Vec<String>,
    /// Name token hashes.
    pub tokens: Vec<String>,
    /// Findings.
    pub items: Vec<Item>,
}

impl StoredDoc {
    /// The record key, for record documents.
    pub fn key(&self) -> Option<String> {
        self.record.as_deref().map(|r| record_key(&self.path, r))
    }

    /// The record as people read it: `crm/kunder.csv row 42`.
    pub fn describe_record(&self) -> String {
        match self.record.as_deref() {
            Some(r) if !r.is_empty() => format!("{} {r}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// An open index for searching.
pub struct SubjectIndex {
    searcher: Searcher,
    fields: Fields,
    /// What the scan that built it recorded.
    pub meta: IndexMeta,
    _reader: IndexReader,
}

fn index_error(dir: &Path, e: impl std::fmt::Display) -> Error {
    Error::Index(format!("{}: {e}", dir.display()))
}

/// What the scan whose commit `index` holds recorded (its commit payload),
/// or why it cannot be read.
pub(crate) fn committed_meta(index: &tantivy::Index) -> std::result::Result<IndexMeta, String> {
    let payload = index
        .load_metas()
        .map_err(|e| e.to_string())?
        .payload
        .ok_or_else(|| "no scan has completed into this index".to_string())?;
    serde_json::from_str(&payload).map_err(|e| e.to_string())
}

impl SubjectIndex {
    /// Opens `OUT/index`. Fails with a clear message when there is no
    /// index (no scan yet) or it was built by another version.
    pub fn open(out_dir: &Path) -> Result<SubjectIndex> {
        let dir = index_dir(out_dir);
        if !dir.join("meta.json").is_file() {
            return Err(Error::Index(format!(
                "no subject index in {}: run `datakart scan --out {}` first",
                dir.display(),
                out_dir.display()
            )));
        }
        let index = directory::open_index(&dir).map_err(|e| index_error(&dir, e))?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Err(Error::Index(format!(
                "{} was written by another datakart version: scan again to rebuild it",
                dir.display()
            )));
        }
        let meta = committed_meta(&index).map_err(|e| index_error(&dir, e))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| index_error(&dir, e))?;
        Ok(SubjectIndex {
            searcher: reader.searcher(),
            fields,
            meta,
            _reader: reader,
        })
    }

    /// The fields.
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// Addresses of every document matching `query`.
    pub fn matching(&self, query: &dyn Query) -> Result<Vec<DocAddress>> {
        let mut docs: Vec<DocAddress> = self
            .searcher
            .search(query, &DocSetCollector)
            .map_err(|e| Error::Index(e.to_string()))?
            .into_iter()
            .collect();
        docs.sort();
        Ok(docs)
    }

    /// Addresses of every document holding any of the keyed hashes
    /// `hashes` as a term of `field` (`hash` or `token`), sorted and each
    /// once. tantivy's `TermSetQuery` walks the whole dictionary with an
    /// automaton of the set, which on the sorted-table dictionary
    /// ([`TERM_DICTIONARY`]) visits every block's key range, a cost that
    /// grows with the index rather than with the set (a search of a
    /// 10-million-finding index took 1.8 ms instead of 0.7 ms). A few
    /// terms are looked up one by one instead; a set of at least one in
    /// [`STREAM_SHARE`] of a segment's terms is read in one pass over the
    /// dictionary's stretch from its lowest to its highest term, since
    /// each lookup decodes a whole block. Terms are hash prefixes, so a
    /// document may hold another hash with the same term: callers check
    /// the whole hash.
    pub fn holding(
        &self,
        field: Field,
        hashes: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<Vec<DocAddress>> {
        let keys = hashes
            .into_iter()
            .map(|h| key_bytes(hash_key(h.as_ref())).to_vec())
            .collect();
        self.holding_terms(field, keys, STREAM_SHARE)
    }

    /// Addresses of every document holding any of `texts` as a term of
    /// the text field `field` (`rec`, `file` or `path`), read as
    /// [`SubjectIndex::holding`] reads hashes: `impact` gathers the parts
    /// of thousands of records written in parts, and a query per record
    /// decoded a block of the dictionary in every segment for each.
    pub fn holding_texts(
        &self,
        field: Field,
        texts: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> Result<Vec<DocAddress>> {
        let keys = texts
            .into_iter()
            .map(|t| t.as_ref().as_bytes().to_vec())
            .collect();
        self.holding_terms(field, keys, STREAM_SHARE)
    }

    /// The documents holding any of the terms `keys` (their value bytes)
    /// in `field`, reading a segment's dictionary in one pass when the
    /// keys are at least one in `stream_share` of its terms.
    fn holding_terms(
        &self,
        field: Field,
        mut keys: Vec<Vec<u8>>,
        stream_share: usize,
    ) -> Result<Vec<DocAddress>> {
        let fail = |e: &dyn std::fmt::Display| Error::Index(e.to_string());
        keys.sort_unstable();
        keys.dedup();
        let (Some(lowest), Some(highest)) = (keys.first(), keys.last()) else {
            return Ok(Vec::new());
        };
        let mut docs = Vec::new();
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(field).map_err(|e| fail(&e))?;
            let mut found = |info: &tantivy::postings::TermInfo| -> Result<()> {
                let postings = inverted
                    .read_postings_from_terminfo(info, IndexRecordOption::Basic)
                    .map_err(|e| fail(&e))?;
                live_docs(postings, segment.alive_bitset(), ord as u32, &mut docs);
                Ok(())
            };
            let dictionary = inverted.terms();
            if keys.len().saturating_mul(stream_share) < dictionary.num_terms() {
                for key in &keys {
                    if let Some(info) = dictionary.get(key).map_err(|e| fail(&e))? {
                        found(&info)?;
                    }
                }
                continue;
            }
            let mut stream = dictionary
                .range()
                .ge(lowest)
                .le(highest)
                .into_stream()
                .map_err(|e| fail(&e))?;
            let mut wanted = keys.iter().peekable();
            while stream.advance() {
                let key = stream.key();
                while wanted.next_if(|k| k.as_slice() < key).is_some() {}
                match wanted.peek() {
                    None => break,
                    Some(k) if k.as_slice() == key => found(stream.value())?,
                    Some(_) => {}
                }
            }
        }
        docs.sort();
        docs.dedup();
        Ok(docs)
    }

    /// Documents holding a term in `field`.
    pub fn doc_freq(&self, field: Field, hash: &str) -> u64 {
        self.searcher.doc_freq(&hash_term(field, hash)).unwrap_or(0)
    }

    /// Reads one document.
    pub fn load(&self, address: DocAddress) -> Result<StoredDoc> {
        let doc: TantivyDocument = self
            .searcher
            .doc(address)
            .map_err(|e| Error::Index(e.to_string()))?;
        doc.get_first(self.fields.doc)
            .and_then(|v| v.as_str())
            .and_then(|v| codec::decode(v.as_bytes()))
            .ok_or_else(|| Error::Index("damaged document: it does not read".into()))
    }
}

/// `OUT/index`.
pub fn index_dir(out_dir: &Path) -> PathBuf {
    out_dir.join(INDEX_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_key_is_the_first_64_bits_of_the_hex_hash() {
        let hash = "0123456789abcdeffedcba9876543210";
        assert_eq!(hash_key(hash), 0x0123_4567_89ab_cdef);
        assert_eq!(hash_key("FFFFFFFFFFFFFFFF00"), u64::MAX);
        // Not a hex hash: keyed by its xxh3, so still one key per string.
        assert_eq!(hash_key("zz"), xxhash_rust::xxh3::xxh3_64(b"zz"));
        assert_ne!(hash_key("zz"), hash_key("zy"));
    }
}
