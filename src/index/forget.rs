//! Forgetting files in a kept index. An incremental scan keeps the
//! previous scans' documents and drops those of the files it reads again
//! or finds gone. Deleting them one term at a time made tantivy hold a
//! scoring weight of about a kilobyte per file until the commit: 100,000
//! renamed files took a rescan from 80 to 330 MB. Here the files are a set
//! of 128-bit path hashes (16 bytes each; the state's [`path_hash`]), and
//! one delete query, whose weight reads the set only when tantivy applies
//! it at the commit, matches their documents.
//!
//! The query matches documents of the segments the index held when the
//! scan began, never the scan's own: those hold the files' new documents.
//! Nothing is merged while a scan runs (see the builder), so the
//! previous documents are in exactly those segments.

use crate::state::path_hash;
use rustc_hash::FxHashSet as HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use tantivy::index::SegmentId;
use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, IndexWriter, Score, SegmentReader, TERMINATED};

/// The files a kept index forgets at its commit.
pub struct Forgotten {
    files: Arc<Mutex<HashSet<u128>>>,
    /// The segments of the previous scans.
    previous: Arc<HashSet<SegmentId>>,
    field: Field,
    /// Set once the delete query is queued (at the first file forgotten):
    /// a scan that forgets nothing leaves the previous segments alone.
    queued: OnceLock<Result<(), String>>,
}

impl Forgotten {
    /// Nothing forgotten yet. `previous`: the segments the index held when
    /// the scan began (none when it keeps nothing); `field`: the field
    /// holding each document's file on disk.
    pub fn new(previous: Vec<SegmentId>, field: Field) -> Forgotten {
        Forgotten {
            files: Arc::default(),
            previous: Arc::new(previous.into_iter().collect()),
            field,
            queued: OnceLock::new(),
        }
    }

    /// Forgets every previous document of the file on disk `path`.
    pub fn forget(&self, writer: &IndexWriter, path: &str) -> Result<(), String> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path_hash(path));
        self.queued
            .get_or_init(|| {
                let query = ForgetQuery {
                    files: Arc::clone(&self.files),
                    previous: Arc::clone(&self.previous),
                    field: self.field,
                };
                writer
                    .delete_query(Box::new(query))
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .clone()
    }
}

/// Matches the documents of the forgotten files in the previous segments;
/// its own weight (it holds nothing but shared handles).
#[derive(Clone)]
struct ForgetQuery {
    files: Arc<Mutex<HashSet<u128>>>,
    previous: Arc<HashSet<SegmentId>>,
    field: Field,
}

impl std::fmt::Debug for ForgetQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files = self.files.lock().map_or(0, |s| s.len());
        write!(f, "ForgetQuery({files} files)")
    }
}

impl Query for ForgetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl ForgetQuery {
    /// The documents of forgotten files in `reader`'s segment: its file
    /// terms are read in order and each one's hash looked up in the set.
    fn matching(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        if !self.previous.contains(&reader.segment_id()) {
            return Ok(docs);
        }
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.is_empty() {
            return Ok(docs);
        }
        let inverted = reader.inverted_index(self.field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            // A file term is the path's text; the set holds their hashes.
            let forgotten = std::str::from_utf8(terms.key()).is_ok_and(|p| files.contains(&path_hash(p)));
            if !forgotten {
                continue;
            }
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                docs.insert(doc);
                doc = postings.advance();
            }
        }
        Ok(docs)
    }
}

impl Weight for ForgetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = BitSetDocSet::from(self.matching(reader)?);
        Ok(Box::new(ConstScorer::new(docs, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.matching(reader)?.contains(doc) {
            Ok(Explanation::new("document of a forgotten file", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not forgotten"
            )))
        }
    }
}
