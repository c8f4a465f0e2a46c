//! Forgetting files in a kept index. An incremental scan keeps the
//! previous scans' documents and drops those of the files it reads again
//! or finds gone. Deleting them one term at a time made tantivy hold a
//! scoring weight of about a kilobyte per file until the commit: 100,000
//! renamed files took a rescan from 80 to 330 MB. Here the files are a set
//! of 128-bit path hashes (the state's [`path_hash`]), and one delete
//! query, whose weight reads the set only when tantivy applies it at the
//! commit, matches their documents.
//!
//! The set stays in memory up to [`MEMORY_FILES`] files (a night's
//! changes); past that it moves to a scratch SQLite table next to the
//! state, so a share of millions of files moved away or touched costs
//! disk, not memory (in memory it took about 60 bytes a file, with the
//! list of gone paths it replaced).
//!
//! The query matches documents of the segments the index held when the
//! scan began, never the scan's own: those hold the files' new documents.
//! Nothing is merged while a scan runs (see the builder), so the
//! previous documents are in exactly those segments.

use crate::state::{STATE_DIR, path_hash};
use rusqlite::{Connection, OptionalExtension};
use rustc_hash::FxHashSet as HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tantivy::index::SegmentId;
use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, IndexWriter, Score, SegmentReader, TERMINATED};

/// Files forgotten in memory before the set moves to disk: about 8 MB of
/// hashes.
pub const MEMORY_FILES: usize = 1 << 18;
/// The scratch table's file, in the state's folder; it lives only while a
/// scan forgets more than [`MEMORY_FILES`] files, and one a killed scan
/// left is removed by the next.
const SCRATCH_FILE: &str = "forgotten.scratch.sqlite";
/// SQLite's page cache for the scratch table, in KiB (negative: a size).
const SCRATCH_CACHE_KIB: i64 = 4096;

/// The files a kept index forgets at its commit. Clones share one set:
/// the workers forget the files they read again, the sink the gone ones.
#[derive(Clone)]
pub struct Forgotten {
    files: Arc<Mutex<FileSet>>,
    /// The segments of the previous scans.
    previous: Arc<HashSet<SegmentId>>,
    field: Field,
}

impl Forgotten {
    /// Nothing forgotten yet. `previous`: the segments the index held when
    /// the scan began (none when it keeps nothing); `field`: the field
    /// holding each document's file on disk; `out_dir`: the scan's output
    /// folder, whose state folder takes the set if it grows large.
    pub fn new(previous: Vec<SegmentId>, field: Field, out_dir: &Path) -> Forgotten {
        Forgotten {
            files: Arc::new(Mutex::new(FileSet::new(
                out_dir.join(STATE_DIR).join(SCRATCH_FILE),
            ))),
            previous: Arc::new(previous.into_iter().collect()),
            field,
        }
    }

    /// Forgets every previous document of the file on disk `path`.
    pub fn forget(&self, path: &str) -> Result<(), String> {
        self.lock().insert(path_hash(path))
    }

    /// Queues the delete query that drops the forgotten files' documents
    /// at `writer`'s commit, once every file is forgotten; a scan that
    /// forgets nothing leaves the previous segments alone.
    pub fn queue(&self, writer: &IndexWriter) -> Result<(), String> {
        if self.lock().is_empty() {
            return Ok(());
        }
        writer
            .delete_query(Box::new(ForgetQuery(self.clone())))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn lock(&self) -> MutexGuard<'_, FileSet> {
        self.files.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A set of path hashes: in memory, and past [`MEMORY_FILES`] also in a
/// scratch table, which takes the memory's hashes in sorted batches
/// (inserted one by one as they came, 800,000 hashes cost 2.5 s of CPU
/// in random page writes).
struct FileSet {
    memory: HashSet<u128>,
    disk: Option<Scratch>,
    scratch_path: PathBuf,
    limit: usize,
}

impl FileSet {
    fn new(scratch_path: PathBuf) -> FileSet {
        // A table a killed scan left holds nothing of this scan's.
        let _ = std::fs::remove_file(&scratch_path);
        FileSet {
            memory: HashSet::default(),
            disk: None,
            scratch_path,
            limit: MEMORY_FILES,
        }
    }

    fn is_empty(&self) -> bool {
        self.memory.is_empty() && self.disk.is_none()
    }

    fn insert(&mut self, hash: u128) -> Result<(), String> {
        self.memory.insert(hash);
        if self.memory.len() < self.limit {
            return Ok(());
        }
        let disk = match &mut self.disk {
            Some(disk) => disk,
            None => self.disk.insert(Scratch::create(&self.scratch_path)?),
        };
        let mut batch: Vec<u128> = self.memory.drain().collect();
        batch.sort_unstable();
        batch.iter().try_for_each(|&h| disk.insert(h))
    }

    fn contains(&self, hash: u128) -> Result<bool, String> {
        if self.memory.contains(&hash) {
            return Ok(true);
        }
        match &self.disk {
            Some(disk) => disk.contains(hash),
            None => Ok(false),
        }
    }
}

/// The scratch table: one transaction that is never committed (no
/// journal, no syncs), whose pages past the cache go to its file. The
/// file is removed when the set is dropped.
struct Scratch {
    conn: Connection,
    path: PathBuf,
}

impl Scratch {
    fn create(path: &Path) -> Result<Scratch, String> {
        let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(&e))?;
        let scratch = Scratch {
            conn,
            path: path.to_path_buf(),
        };
        scratch
            .conn
            .execute_batch(&format!(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-{SCRATCH_CACHE_KIB};
                 CREATE TABLE forgotten (hash BLOB PRIMARY KEY) WITHOUT ROWID; BEGIN"
            ))
            .map_err(|e| fail(&e))?;
        Ok(scratch)
    }

    fn insert(&self, hash: u128) -> Result<(), String> {
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO forgotten (hash) VALUES (?1)")
            .and_then(|mut s| s.execute([&hash.to_be_bytes()[..]]))
            .map(|_| ())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }

    fn contains(&self, hash: u128) -> Result<bool, String> {
        self.conn
            .prepare_cached("SELECT 1 FROM forgotten WHERE hash = ?1")
            .and_then(|mut s| s.query_row([&hash.to_be_bytes()[..]], |_| Ok(())).optional())
            .map(|found| found.is_some())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Matches the documents of the forgotten files in the previous segments;
/// its own weight (it holds nothing but the set's shared handles).
#[derive(Clone)]
struct ForgetQuery(Forgotten);

impl std::fmt::Debug for ForgetQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let on_disk = self.0.files.lock().is_ok_and(|s| s.disk.is_some());
        write!(f, "ForgetQuery(on disk: {on_disk})")
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
        if !self.0.previous.contains(&reader.segment_id()) {
            return Ok(docs);
        }
        // Queued only once something was forgotten: the set is not empty.
        let files = self.0.lock();
        let inverted = reader.inverted_index(self.0.field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            // A file term is the path's text; the set holds their hashes.
            let Ok(path) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            if !files
                .contains(path_hash(path))
                .map_err(tantivy::TantivyError::InternalError)?
            {
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

#[cfg(test)]
impl Forgotten {
    /// Moves the set to disk past `files` files instead of
    /// [`MEMORY_FILES`].
    pub fn spill_past(&self, files: usize) {
        self.lock().limit = files;
    }

    /// Where the set goes on disk.
    pub fn scratch_path(&self) -> PathBuf {
        self.lock().scratch_path.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past its limit the set moves its hashes to disk in batches, and
    /// answers for every hash inserted before and after, from memory or
    /// disk alike; the scratch file goes with the set.
    #[test]
    fn a_set_past_its_limit_answers_from_disk_and_removes_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let scratch = dir.path().join("state").join(SCRATCH_FILE);
        let mut set = FileSet::new(scratch.clone());
        set.limit = 4;
        assert!(set.is_empty());
        for h in 0..10u128 {
            set.insert(h * 7).unwrap();
        }
        assert!(set.disk.is_some());
        assert_eq!(set.memory.len(), 2, "two batches of four went to disk");
        assert!(scratch.exists());
        // Hashes already on disk may come again (a file forgotten twice).
        for h in 0..10u128 {
            set.insert(h * 7).unwrap();
        }
        for h in 0..70u128 {
            assert_eq!(set.contains(h).unwrap(), h % 7 == 0, "{h}");
        }
        assert!(!set.is_empty());
        drop(set);
        assert!(!scratch.exists());
    }

    /// A scratch table a killed scan left is not read: the new set starts
    /// empty.
    #[test]
    fn a_left_scratch_table_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let scratch = dir.path().join(SCRATCH_FILE);
        let left = Scratch::create(&scratch).unwrap();
        left.insert(42).unwrap();
        std::mem::forget(left);
        assert!(scratch.exists());
        let set = FileSet::new(scratch.clone());
        assert!(!scratch.exists());
        assert!(!set.contains(42).unwrap());
    }
}
