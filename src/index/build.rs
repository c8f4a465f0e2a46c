//! Writing the subject index during a scan. Each worker hands the findings
//! it sends on to its [`Batcher::add`] and every finished file to
//! [`Batcher::file_done`]; findings are grouped per file into records
//! (one document each) or, once a record turns out to be a list, into one
//! group per value, a few dozen groups to a document. Memory is bounded: a
//! file's groups are written out whenever it holds [`FLUSH_ITEMS`]
//! findings, and a record written in parts is put together again when
//! searching (by its record key).

use super::codec::{self, ItemRef, Items};
use super::directory;
use super::feed::Feed;
use super::forget::Forgotten;
use super::merging::BoundedMerges;
use super::{Fields, IndexMeta, LinkPolicy, identifying, index_dir, record_key, schema};
use crate::model::DataType;
use crate::sink::FindingRow;
use crate::{Error, Result};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tantivy::indexer::{IndexWriterOptions, NoMergePolicy};
use tantivy::{IndexWriter, TantivyDocument};

/// Findings a record may hold before it is treated as a list.
pub const MAX_RECORD_ITEMS: usize = 200;
/// Findings of one file held before its groups are written out.
pub const FLUSH_ITEMS: usize = 20_000;
/// Locations of one value in one list document.
pub const MAX_VALUE_ITEMS: usize = 1_000;
/// Values of a list one document holds at most. A log's values were a
/// document each, most with one finding: 151,642 of a dense tree's 338,000
/// documents, each paying tantivy's and the store's per-document work. A
/// search reads a whole document back, so they stay small.
pub const LIST_VALUES: usize = 64;
/// Findings of a list one document holds at most (a value with more has
/// a document of its own).
pub const LIST_ITEMS: usize = 256;
/// Merges run one at a time, after the scan (each is bounded by
/// [`BoundedMerges`]). Two at once took 10.9 s instead of 17.9 s after a
/// 1 GB tree's scan, but its peak memory from 277 to 301 MB.
const MERGE_THREADS: usize = 1;
/// Memory tantivy's writer may use per indexing thread: the size of the
/// segments a scan writes (90,000 to 160,000 documents). 32 MiB took a 1 GB
/// tree's scan to 305 MB peak memory, 24 MiB to 277 MB at about the same
/// speed.
const WRITER_BYTES_PER_THREAD: usize = 24 << 20;

/// Findings grouped into one future document.
#[derive(Default)]
struct Group {
    /// Value hashes held, in the order items refer to them.
    hashes: Vec<String>,
    /// Each hash's index key ([`super::hash_key`]), by index: found by a
    /// scan of integers, then confirmed on the hash itself.
    keys: Vec<u64>,
    /// The type of each hash, by index.
    types: Vec<DataType>,
    tokens: Vec<String>,
    items: Items,
    /// Distinct identifying values held.
    identifying: usize,
}

impl Group {
    fn push(&mut self, hash: &str, ty: DataType, tokens: &[String], item: ItemRef<'_>) {
        let key = super::hash_key(hash);
        let found = (0..self.keys.len()).find(|&i| self.keys[i] == key && self.hashes[i] == hash);
        let h = match found {
            Some(i) => i as u32,
            None => {
                self.hashes.push(hash.to_string());
                self.keys.push(key);
                self.types.push(ty);
                self.identifying += usize::from(identifying(ty));
                (self.hashes.len() - 1) as u32
            }
        };
        let known = &mut self.tokens;
        let tokens = tokens.iter().map(|t| token_index(known, t));
        self.items.push(h, item, tokens);
    }
}

/// The index of name token `t` in a document's list `known`, added if new.
fn token_index(known: &mut Vec<String>, t: &str) -> u32 {
    match known.iter().position(|x| x == t) {
        Some(i) => i as u32,
        None => {
            known.push(t.to_string());
            (known.len() - 1) as u32
        }
    }
}

/// What every document of a file repeats.
struct FileInfo {
    source: Arc<str>,
    file_type: &'static str,
    modified: Option<i64>,
    size: Option<u64>,
}

/// One file's findings not yet written.
struct FileGroups {
    info: FileInfo,
    /// Open records by label.
    records: HashMap<String, Group>,
    /// Labels found to be lists: their findings go to `values`.
    lists: HashSet<String>,
    /// Findings of lists, by value hash.
    values: HashMap<String, Group>,
    /// Records written in parts (held when the file's findings were
    /// written out before its end): their documents carry the record key
    /// so a search puts them together.
    split: HashSet<String>,
    pending: usize,
}

/// The index of one scan being built: the tantivy writer every worker
/// adds documents to (through a [`Feed`], which holds it; tantivy's own
/// threads do the indexing) and what the commit records. Findings reach
/// it through one [`Batcher`] per worker; see the module documentation.
pub struct IndexBuilder {
    /// Whether the previous scan's documents were kept.
    kept: bool,
    /// The files whose kept documents go at the commit.
    forgotten: Forgotten,
    /// The feed's thread holds the writer until
    /// [`IndexBuilder::commit_when`] closes the feed.
    feed: Feed,
    fields: Fields,
    meta: IndexMeta,
    findings: AtomicU64,
    documents: AtomicU64,
    /// The first write that failed; the commit reports it.
    failure: Mutex<Option<String>>,
}

/// Creates `dir` with mode 0700, or tightens an existing one to 0700.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

impl IndexBuilder {
    /// Opens (or creates) `OUT/index` for a new scan. The previous
    /// documents stay readable until [`IndexBuilder::commit`] replaces them
    /// in one step. With `keep`, the scan the state store last completed,
    /// the previous documents stay unless a file is read again or gone
    /// ([`IndexBuilder::forget`]), but only if that same scan committed
    /// them: the state and the index commit side by side, and a scan killed
    /// between the two commits leaves one a scan ahead of the other.
    /// Otherwise, or when the index was written by another datakart version
    /// or is missing, the scan writes every document ([`IndexBuilder::kept`]
    /// says which).
    pub fn create(
        out_dir: &Path,
        scan_id: &str,
        key_fingerprint: String,
        phone_country: &str,
        links: LinkPolicy,
        threads: usize,
        keep: Option<&str>,
    ) -> Result<IndexBuilder> {
        let dir = index_dir(out_dir);
        let fail = |e: &dyn std::fmt::Display| Error::Index(format!("{}: {e}", dir.display()));
        private_dir(&dir).map_err(|e| fail(&e))?;
        let (schema, fields) = schema();
        let (index, kept) = match directory::open_index(&dir) {
            Ok(index) if index.schema() == schema => {
                // Kept only if `keep` committed it (not if no scan did or
                // its record cannot be read).
                let committed_by = super::committed_meta(&index).ok().map(|meta| meta.scan_id);
                let kept = keep.is_some() && committed_by.as_deref() == keep;
                (index, kept)
            }
            _ => {
                std::fs::remove_dir_all(&dir).map_err(|e| fail(&e))?;
                private_dir(&dir).map_err(|e| fail(&e))?;
                (
                    directory::create_index(&dir, schema).map_err(|e| fail(&e))?,
                    false,
                )
            }
        };
        // One indexing thread for every two workers: on two cores a second
        // one only competed with the workers for the CPU (a 1 GB tree took
        // 80 s instead of 88-100 s; the same peak memory).
        let threads = (threads / 2).clamp(1, 2);
        let writer: IndexWriter = index
            .writer_with_options(
                IndexWriterOptions::builder()
                    .num_worker_threads(threads)
                    .memory_budget_per_thread(WRITER_BYTES_PER_THREAD)
                    .num_merge_threads(MERGE_THREADS)
                    .build(),
            )
            .map_err(|e| fail(&e))?;
        // Nothing is merged while the scan runs: a merge maps the term
        // dictionaries of its segments and builds a new one, memory the
        // scan itself is using. The commit merges (see `commit`).
        writer.set_merge_policy(Box::new(NoMergePolicy));
        if !kept {
            writer.delete_all_documents().map_err(|e| fail(&e))?;
        }
        let previous = if kept {
            index.searchable_segment_ids().map_err(|e| fail(&e))?
        } else {
            Vec::new()
        };
        let forgotten = Forgotten::new(previous, fields.file, out_dir);
        let feed = Feed::start(writer).map_err(|e| fail(&e))?;
        Ok(IndexBuilder {
            kept,
            forgotten,
            feed,
            fields,
            meta: IndexMeta {
                scan_id: scan_id.to_string(),
                key_fingerprint,
                phone_country: phone_country.to_string(),
                links,
                findings: 0,
                documents: 0,
            },
            findings: AtomicU64::new(0),
            documents: AtomicU64::new(0),
            failure: Mutex::new(None),
        })
    }

    /// Whether the previous scan's documents were kept: only files read
    /// again or gone need writing.
    pub fn kept(&self) -> bool {
        self.kept
    }

    /// Drops every document the previous scans wrote for the file on disk
    /// `source` (it is read again, or gone), at the commit; a failure is
    /// kept for the commit.
    pub fn forget(&self, source: &str) {
        if let Err(e) = self.forgotten.forget(source) {
            self.failed(e);
        }
    }

    /// The set of forgotten files when the index is kept, for the sink to
    /// forget the gone files in as it finds them.
    pub fn forgotten(&self) -> Option<Forgotten> {
        self.kept.then(|| self.forgotten.clone())
    }

    /// Keeps `error` for the commit unless an earlier one was kept.
    fn failed(&self, error: String) {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        failure.get_or_insert(error);
    }

    /// The first write or delete that failed, if any.
    fn check(&self) -> Result<()> {
        match self.failure.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(e) => Err(Error::Index(e)),
            None => Ok(()),
        }
    }

    /// A batcher for one worker: it groups the findings of the files that
    /// worker reads and writes their documents here.
    pub fn batcher(&self) -> Batcher<'_> {
        Batcher {
            index: self,
            files: HashMap::default(),
            findings: 0,
        }
    }

    /// Writes groups as one document (a record's with its label and
    /// whether it is written in parts) and counts it; a failure is kept
    /// for the commit.
    fn write(&self, path: &str, info: &FileInfo, groups: &[Group], record: Option<(&str, bool)>) {
        self.documents.fetch_add(1, Ordering::Relaxed);
        let doc = document(&self.fields, &self.meta.scan_id, path, info, groups, record);
        if let Err(e) = self.feed.add(doc) {
            self.failed(e);
        }
    }

    /// Commits what every batcher wrote (they must all be dropped or
    /// done): the new documents replace the previous scan's in one step.
    /// `findings` is every finding of the scan (documents kept from the
    /// previous scan hold some of them). Returns what was recorded, with
    /// the documents the index now holds.
    pub fn commit(self, findings: u64) -> Result<IndexMeta> {
        self.commit_when(|| Some(findings))
    }

    /// [`IndexBuilder::commit`] once `settled` gives the scan's findings,
    /// so a scan can call it before its outputs are finished. A new index
    /// (nothing kept, nothing to forget) builds its segments, most of a
    /// commit's work, before it waits; a kept one waits first, for every
    /// gone file to be forgotten (see [`IndexBuilder::forgotten`]). When `settled`
    /// gives `None` (the scan failed) nothing is committed and the
    /// previous index stays as it was.
    pub fn commit_when(mut self, settled: impl FnOnce() -> Option<u64>) -> Result<IndexMeta> {
        let closed = self.feed.close();
        // An earlier failed write or delete is the first error.
        self.check()?;
        let mut writer = closed.map_err(Error::Index)?;
        let fail = |e: tantivy::TantivyError| Error::Index(e.to_string());
        let failed = || Error::Index("the scan failed: the index was not committed".into());
        // The scan's segments are merged once it is done with its memory,
        // after the commit; the index stays readable throughout.
        writer.set_merge_policy(Box::new(BoundedMerges::default()));
        let (findings, mut commit) = if self.kept {
            let findings = settled().ok_or_else(failed)?;
            self.check()?;
            self.forgotten.queue(&writer).map_err(Error::Index)?;
            (findings, writer.prepare_commit().map_err(fail)?)
        } else {
            let commit = writer.prepare_commit().map_err(fail)?;
            match settled() {
                Some(findings) => (findings, commit),
                None => {
                    commit.abort().map_err(fail)?;
                    return Err(failed());
                }
            }
        };
        self.meta.findings = findings;
        self.meta.documents = self.documents.load(Ordering::Relaxed);
        let payload = serde_json::to_string(&self.meta).expect("meta serialises");
        commit.set_payload(&payload);
        commit.commit().map_err(fail)?;
        let committed = Instant::now();
        let index = writer.index().clone();
        writer.wait_merging_threads().map_err(fail)?;
        let searcher = index.reader().map(|r| r.searcher());
        self.meta.documents = searcher
            .as_ref()
            .map(|s| s.num_docs())
            .unwrap_or_else(|_| self.documents.load(Ordering::Relaxed));
        crate::log::info(
            "index.committed",
            &[
                ("documents", self.meta.documents.into()),
                (
                    "segments",
                    searcher.map_or(0, |s| s.segment_readers().len()).into(),
                ),
                ("merge_seconds", committed.elapsed().as_secs_f64().into()),
            ],
        );
        Ok(self.meta)
    }
}

/// One worker's share of the index: the groups of the files it is
/// reading. Workers group in parallel, so building the index costs the
/// single output thread nothing. Whatever is still held when the batcher
/// is dropped is written then.
pub struct Batcher<'a> {
    index: &'a IndexBuilder,
    files: HashMap<Arc<str>, FileGroups>,
    /// Findings not yet added to the builder's total.
    findings: u64,
}

impl Batcher<'_> {
    /// Whether the index kept the previous scan's documents (see
    /// [`IndexBuilder::kept`]).
    pub fn kept(&self) -> bool {
        self.index.kept()
    }

    /// Drops every document of the file on disk `source` (see
    /// [`IndexBuilder::forget`]).
    pub fn forget(&self, source: &str) {
        self.index.forget(source);
    }

    /// Adds one finding.
    pub fn add(&mut self, row: &FindingRow) {
        self.findings += 1;
        let max_record_values = self.index.meta.links.max_record_values;
        let file = self.files.entry(row.path.clone()).or_insert_with(|| FileGroups {
            info: FileInfo {
                source: row.source.clone(),
                file_type: row.file_type,
                modified: row.file_modified,
                size: row.file_size,
            },
            records: HashMap::default(),
            lists: HashSet::default(),
            values: HashMap::default(),
            split: HashSet::default(),
            pending: 0,
        });
        let item = ItemRef {
            t: row.type_label,
            s: row.subtype,
            l: &row.location,
            n: row.line,
            c: row.column_name.as_deref(),
            m: &row.value_masked,
            k: row.confidence as u8,
        };
        file.pending += 1;
        if file.lists.contains(&row.record) {
            let group = entry(&mut file.values, &row.value_hash);
            group.push(&row.value_hash, row.ty, &row.name_tokens, item);
            if group.items.len() >= MAX_VALUE_ITEMS {
                let group = file.values.remove(&row.value_hash).expect("just filled");
                self.index.write(&row.path, &file.info, &[group], None);
            }
        } else {
            let group = entry(&mut file.records, &row.record);
            group.push(&row.value_hash, row.ty, &row.name_tokens, item);
            if group.items.len() > MAX_RECORD_ITEMS || group.identifying > max_record_values {
                let group = file.records.remove(&row.record).expect("just filled");
                file.lists.insert(row.record.clone());
                spread(group, &mut file.values);
            }
        }
        if file.pending >= FLUSH_ITEMS {
            self.flush(&row.path, false);
        }
    }

    /// Writes out what is held for `path`; called when the file is done.
    pub fn file_done(&mut self, path: &str) {
        self.flush(path, true);
        self.files.remove(path);
        self.settle();
    }

    /// Adds this batcher's findings to the builder's total.
    fn settle(&mut self) {
        self.index
            .findings
            .fetch_add(std::mem::take(&mut self.findings), Ordering::Relaxed);
    }

    /// Writes out the groups held for `path`; records still open before
    /// the file is `done` are marked as written in parts.
    fn flush(&mut self, path: &str, done: bool) {
        let Some(file) = self.files.get_mut(path) else {
            return;
        };
        file.pending = 0;
        for (label, group) in file.records.drain() {
            let split = !done || file.split.contains(&label);
            if !done {
                file.split.insert(label.clone());
            }
            self.index
                .write(path, &file.info, &[group], Some((&label, split)));
        }
        // A list's values share documents, up to LIST_VALUES values or
        // LIST_ITEMS findings each.
        let mut shared: Vec<Group> = Vec::new();
        let mut items = 0;
        for (_, group) in file.values.drain() {
            if !shared.is_empty() && (shared.len() == LIST_VALUES || items + group.items.len() > LIST_ITEMS) {
                self.index.write(path, &file.info, &shared, None);
                shared.clear();
                items = 0;
            }
            items += group.items.len();
            shared.push(group);
        }
        if !shared.is_empty() {
            self.index.write(path, &file.info, &shared, None);
        }
    }
}

impl Drop for Batcher<'_> {
    fn drop(&mut self) {
        let paths: Vec<Arc<str>> = self.files.keys().cloned().collect();
        for path in &paths {
            self.file_done(path);
        }
        self.settle();
    }
}

/// The group under `key`, made if missing (the key is copied only then).
fn entry<'m>(map: &'m mut HashMap<String, Group>, key: &str) -> &'m mut Group {
    if !map.contains_key(key) {
        map.insert(key.to_string(), Group::default());
    }
    map.get_mut(key).expect("just made")
}

/// Moves a record that turned out to be a list into per-value groups.
fn spread(group: Group, values: &mut HashMap<String, Group>) {
    let hashes = &group.hashes;
    let items = codec::decode_items(&group.items, hashes.len(), group.tokens.len())
        .expect("items this builder encoded");
    for item in items {
        let h = item.h as usize;
        let tokens: Vec<String> = item
            .tk
            .iter()
            .map(|&t| group.tokens[t as usize].clone())
            .collect();
        entry(values, &hashes[h]).push(&hashes[h], group.types[h], &tokens, item.as_ref());
    }
}

/// The tantivy document of `groups`, one part each (a record is one
/// group; a list's document holds several, see [`LIST_VALUES`]).
fn document(
    f: &Fields,
    scan_id: &str,
    path: &str,
    info: &FileInfo,
    groups: &[Group],
    record: Option<(&str, bool)>,
) -> TantivyDocument {
    let head = codec::Head {
        path,
        source: &info.source,
        record,
        file_type: info.file_type,
        modified: info.modified,
        size: info.size,
        scan_id,
    };
    let parts: Vec<codec::Part> = groups
        .iter()
        .map(|g| codec::Part {
            hashes: &g.hashes,
            tokens: &g.tokens,
            items: &g.items,
        })
        .collect();
    let stored = codec::encode(&head, &parts);
    let split_key = match record {
        Some((label, true)) => Some(record_key(path, label)),
        _ => None,
    };
    // Sized up front: tantivy's default reserves 1 KiB for every document.
    let keys: usize = groups.iter().map(|g| g.keys.len() + g.tokens.len()).sum();
    let text = path.len() + info.source.len() + split_key.as_ref().map_or(0, String::len);
    let mut doc = TantivyDocument::with_capacity(stored.len() + text + 10 * keys + 32);
    for group in groups {
        for &key in &group.keys {
            doc.add_bytes(f.hash, &super::key_bytes(key));
        }
        for t in &group.tokens {
            doc.add_bytes(f.token, &super::key_bytes(super::hash_key(t)));
        }
    }
    if path != &*info.source {
        doc.add_text(f.path, path);
    }
    doc.add_text(f.file, &*info.source);
    if let Some(key) = split_key {
        doc.add_text(f.rec, key);
    }
    doc.add_text(f.doc, stored);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::SubjectIndex;
    use crate::index::subject::{find, recognise};
    use crate::keyed_hash::Hasher;
    use crate::model::Confidence;

    fn row(hasher: &Hasher, path: &Arc<str>, r: usize, ty: DataType, value: &str) -> FindingRow {
        FindingRow {
            path: path.clone(),
            file_type: "csv",
            file_size: Some(1),
            file_modified: Some(0),
            location: format!("row {r}, column {}", ty.as_str()),
            line: Some(r as u64 + 1),
            column_name: Some(ty.as_str().to_string()),
            ty,
            type_label: ty.as_str(),
            subtype: "",
            detail: String::new(),
            reason: "format",
            confidence: Confidence::High,
            value_masked: "***".into(),
            value_hash: hasher.hash(value),
            value: None,
            source: path.clone(),
            record: format!("row {r}"),
            name_tokens: Vec::new(),
        }
    }

    /// A builder for scan `scan_id` of the index in `out` (two threads).
    fn builder(out: &Path, hasher: &Hasher, scan_id: &str, keep: Option<&str>) -> IndexBuilder {
        IndexBuilder::create(
            out,
            scan_id,
            hasher.fingerprint(),
            "NO",
            LinkPolicy::default(),
            2,
            keep,
        )
        .unwrap()
    }

    /// Writes one e-mail finding `value` of file `file`.
    fn add_one(index: &IndexBuilder, hasher: &Hasher, file: &str, value: &str) {
        let path: Arc<str> = Arc::from(file);
        let mut batcher = index.batcher();
        batcher.add(&row(hasher, &path, 1, DataType::Email, value));
        batcher.file_done(&path);
    }

    /// The scan the index in `out` was committed by, and the paths a
    /// search for `value` (without links) finds.
    fn found(out: &Path, hasher: &Hasher, value: &str) -> (String, Vec<String>) {
        let index = SubjectIndex::open(out).unwrap();
        let lookup = recognise(value, "NO", None).unwrap();
        let subject = find(&index, hasher, &lookup, false, &LinkPolicy::default()).unwrap();
        let paths = subject.hits.iter().map(|h| h.path.clone()).collect();
        (index.meta.scan_id.clone(), paths)
    }

    /// A file with more findings than are held at once is written out
    /// mid-file: the record open then is stored in two documents and a
    /// search puts it together again. Every record written mid-file is
    /// marked as possibly in parts (a column's look-alikes can still
    /// come at the end of the file); those written at its end are not.
    #[test]
    fn a_record_written_in_parts_is_found_whole() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let index = IndexBuilder::create(
            out.path(),
            "scan-1",
            hasher.fingerprint(),
            "NO",
            LinkPolicy::default(),
            1,
            None,
        )
        .unwrap();
        let path: Arc<str> = Arc::from("big.csv");
        let email = |r: usize, domain: &str| format!("p{r}@{domain}.no");
        // Three findings a row: the held findings reach FLUSH_ITEMS after
        // two of the three of row FLUSH_ITEMS / 3 + 1.
        let straddling = FLUSH_ITEMS / 3 + 1;
        assert_eq!(FLUSH_ITEMS % 3, 2);
        let mut batcher = index.batcher();
        for r in 1..=straddling + 10 {
            batcher.add(&row(&hasher, &path, r, DataType::Email, &email(r, "example")));
            batcher.add(&row(&hasher, &path, r, DataType::Iban, &format!("NO{r:011}")));
            batcher.add(&row(&hasher, &path, r, DataType::Email, &email(r, "firma")));
        }
        batcher.file_done(&path);
        drop(batcher);
        let meta = index.commit(3 * (straddling as u64 + 10)).unwrap();
        assert_eq!(meta.findings, 3 * (straddling as u64 + 10));
        assert_eq!(meta.documents, straddling as u64 + 10 + 1);

        let index = SubjectIndex::open(out.path()).unwrap();
        for (r, split) in [
            (1, true),
            (straddling - 1, true),
            (straddling, true),
            (straddling + 1, false),
        ] {
            let lookup = recognise(&email(r, "firma"), "NO", None).unwrap();
            let subject = find(&index, &hasher, &lookup, true, &LinkPolicy::default()).unwrap();
            let mut found: Vec<String> = subject.hits.iter().map(|h| h.value_hash.clone()).collect();
            found.sort();
            let mut expected = vec![
                hasher.hash(&email(r, "example")),
                hasher.hash(&format!("NO{r:011}")),
                hasher.hash(&email(r, "firma")),
            ];
            expected.sort();
            assert_eq!(found, expected, "row {r}");
            let f = index.fields();
            let docs = index.matching(&tantivy::query::TermQuery::new(
                crate::index::hash_term(f.hash, &hasher.hash(&email(r, "firma"))),
                tantivy::schema::IndexRecordOption::Basic,
            ));
            let doc = index.load(docs.unwrap()[0]).unwrap();
            assert_eq!(doc.split, split, "row {r}");
        }
    }

    /// A breach impact reads every part of a record written in parts
    /// elsewhere: the record's first part holds both leaked e-mails and
    /// would tie their two people into one, but its second part holds two
    /// national IDs, so the whole record is not one person's and the two
    /// stay two.
    #[test]
    fn impact_puts_together_records_written_in_parts() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let index = builder(out.path(), &hasher, "scan-1", None);
        let mut batcher = index.batcher();
        let leaked: Arc<str> = Arc::from("leak.csv");
        batcher.add(&row(&hasher, &leaked, 1, DataType::Email, "a@example.no"));
        batcher.add(&row(&hasher, &leaked, 2, DataType::Email, "b@example.no"));
        batcher.file_done(&leaked);
        // Three findings a row, then a row whose first two findings fill
        // the held findings to FLUSH_ITEMS: its last two go to a second part.
        let big: Arc<str> = Arc::from("big.csv");
        let full_rows = FLUSH_ITEMS / 3;
        assert_eq!(FLUSH_ITEMS % 3, 2);
        for r in 1..=full_rows {
            for n in 0..3 {
                let filler = format!("p{r}.{n}@example.no");
                batcher.add(&row(&hasher, &big, r, DataType::Email, &filler));
            }
        }
        let straddling = full_rows + 1;
        batcher.add(&row(&hasher, &big, straddling, DataType::Email, "a@example.no"));
        batcher.add(&row(&hasher, &big, straddling, DataType::Email, "b@example.no"));
        batcher.add(&row(&hasher, &big, straddling, DataType::NoFnr, "15108695088"));
        batcher.add(&row(&hasher, &big, straddling, DataType::NoFnr, "23074901964"));
        batcher.file_done(&big);
        drop(batcher);
        index.commit(2 + 3 * full_rows as u64 + 4).unwrap();

        let index = SubjectIndex::open(out.path()).unwrap();
        let impact =
            crate::index::impact::assess(&index, &["leak.csv".to_string()], &LinkPolicy::default()).unwrap();
        assert_eq!((impact.files, impact.findings), (1, 2));
        assert_eq!(impact.subjects, 2, "the record in parts is not one person's");
    }

    /// The commit of a scan that failed while its segments were being
    /// built commits nothing: the previous scan's index reads as before.
    #[test]
    fn a_commit_whose_scan_failed_leaves_the_previous_index() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let scan = |scan_id: &str, value: &str, total: Option<u64>, keep: Option<&str>| {
            let index = builder(out.path(), &hasher, scan_id, keep);
            add_one(&index, &hasher, "crm.csv", value);
            index.commit_when(|| total)
        };
        let hits = |value: &str| {
            let (scan_id, paths) = found(out.path(), &hasher, value);
            (scan_id, paths.len())
        };
        assert_eq!(
            scan("scan-1", "ola@example.no", Some(1), None).unwrap().findings,
            1
        );
        // Written anew (segments built before the wait) or kept (the
        // wait first): neither commits.
        for keep in [None, Some("scan-1")] {
            let failed = scan("scan-2", "kari@example.no", None, keep).unwrap_err();
            assert!(failed.to_string().contains("not committed"), "{failed}");
            assert_eq!(hits("ola@example.no"), ("scan-1".to_string(), 1));
            assert_eq!(hits("kari@example.no"), ("scan-1".to_string(), 0));
        }
        // The next scan commits over it.
        scan("scan-3", "kari@example.no", Some(1), None).unwrap();
        assert_eq!(hits("kari@example.no"), ("scan-3".to_string(), 1));
        assert_eq!(hits("ola@example.no"), ("scan-3".to_string(), 0));
    }

    /// An index of the schema written before the term dictionary was
    /// named in it (the same fields, the stored one named `doc_v4`), whose
    /// terms tantivy could not read now, is refused by a search with a
    /// clear message and written anew by the next scan, even one asked to
    /// keep it.
    #[test]
    fn an_index_of_the_schema_before_the_term_dictionary_is_refused_then_rebuilt() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let dir = crate::index::index_dir(out.path());
        std::fs::create_dir_all(&dir).unwrap();
        let (current, fields) = crate::index::schema();
        let mut b = tantivy::schema::Schema::builder();
        for (field, entry) in current.fields() {
            let name = match field == fields.doc {
                true => format!("doc_v{}", codec::VERSION),
                false => entry.name().to_string(),
            };
            b.add_field(tantivy::schema::FieldEntry::new(name, entry.field_type().clone()));
        }
        let index = directory::create_index(&dir, b.build()).unwrap();
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer
            .add_document(tantivy::doc!(fields.file => "crm.csv"))
            .unwrap();
        writer.commit().unwrap();
        drop(writer);

        let refused = SubjectIndex::open(out.path()).err().expect("refused");
        assert!(
            refused.to_string().contains("another datakart version"),
            "{refused}"
        );
        let index = builder(out.path(), &hasher, "scan-1", Some("scan-0"));
        assert!(!index.kept(), "another schema is never kept");
        add_one(&index, &hasher, "crm.csv", "ola@example.no");
        assert_eq!(index.commit(1).unwrap().documents, 1);
        assert_eq!(
            found(out.path(), &hasher, "ola@example.no"),
            ("scan-1".to_string(), vec!["crm.csv".to_string()])
        );
    }

    /// Two hashes that share their index term (their first 40 bits) are
    /// both read back by a search for either, and only the one searched
    /// is found: a collision costs a document read, never a wrong hit.
    #[test]
    fn hashes_sharing_a_term_are_told_apart_by_the_whole_hash() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let index = builder(out.path(), &hasher, "scan-1", None);
        let searched = hasher.hash("ola@example.no");
        // The same first ten hex digits (40 bits), then another value.
        let other: String = searched[..10].chars().chain("0".repeat(54).chars()).collect();
        assert_ne!(other, searched);
        let mut batcher = index.batcher();
        for (file, hash) in [("a.csv", &searched), ("b.csv", &other)] {
            let path: Arc<str> = Arc::from(file);
            let mut finding = row(&hasher, &path, 1, DataType::Email, "unused");
            finding.value_hash = hash.clone();
            batcher.add(&finding);
            batcher.file_done(&path);
        }
        drop(batcher);
        index.commit(2).unwrap();

        let opened = SubjectIndex::open(out.path()).unwrap();
        let f = opened.fields();
        let term = crate::index::hash_term(f.hash, &searched);
        assert_eq!(term, crate::index::hash_term(f.hash, &other));
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        assert_eq!(opened.matching(&query).unwrap().len(), 2);
        assert_eq!(
            found(out.path(), &hasher, "ola@example.no"),
            ("scan-1".to_string(), vec!["a.csv".to_string()])
        );
    }

    /// A kept index drops the previous documents of the files read again
    /// or gone, at the commit, and never the scan's own new documents,
    /// whichever comes first; the other files' documents stay.
    #[test]
    fn a_kept_index_forgets_files_read_again_or_gone_and_keeps_the_rest() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let create = |scan_id: &str, keep: Option<&str>| builder(out.path(), &hasher, scan_id, keep);
        let add = |index: &IndexBuilder, file: &str, value: &str| add_one(index, &hasher, file, value);
        let found = |value: &str| found(out.path(), &hasher, value).1;
        let first = create("scan-1", None);
        for (file, value) in [
            ("a.csv", "ola@example.no"),
            ("b.csv", "kari@example.no"),
            ("c.csv", "per@example.no"),
            ("d.csv", "liv@example.no"),
        ] {
            add(&first, file, value);
        }
        first.commit(4).unwrap();

        // The state completed a scan the index never committed: nothing
        // is kept, and nothing is written by this builder.
        assert!(!create("scan-x", Some("scan-0")).kept());
        let second = create("scan-2", Some("scan-1"));
        assert!(second.kept());
        // b.csv is read again: forgotten, then written anew; d.csv's new
        // document is written before it is forgotten (workers race).
        second.forget("b.csv");
        add(&second, "b.csv", "kari.ny@example.no");
        add(&second, "d.csv", "liv.ny@example.no");
        second.forget("d.csv");
        // c.csv is gone: the sink forgets it.
        second.forgotten().unwrap().forget("c.csv").unwrap();
        let meta = second.commit(4).unwrap();
        assert_eq!(meta.documents, 3);
        assert_eq!(found("ola@example.no"), ["a.csv"]);
        assert!(found("kari@example.no").is_empty());
        assert_eq!(found("kari.ny@example.no"), ["b.csv"]);
        assert!(found("per@example.no").is_empty());
        assert!(found("liv@example.no").is_empty());
        assert_eq!(found("liv.ny@example.no"), ["d.csv"]);
    }

    /// Documents holding a set of hashes are the same whether each hash is
    /// looked up or the dictionary is read in one pass, and neither
    /// returns a document the commit deleted.
    #[test]
    fn documents_holding_a_set_are_the_same_looked_up_or_streamed() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let value = |i: usize| format!("p{i}@example.no");
        let first = builder(out.path(), &hasher, "scan-1", None);
        let path: Arc<str> = Arc::from("crm.csv");
        let mut batcher = first.batcher();
        for i in 0..600 {
            batcher.add(&row(&hasher, &path, i, DataType::Email, &value(i)));
        }
        batcher.file_done(&path);
        drop(batcher);
        add_one(&first, &hasher, "old.csv", &value(7));
        add_one(&first, &hasher, "kept.csv", &value(9));
        first.commit(602).unwrap();
        let second = builder(out.path(), &hasher, "scan-2", Some("scan-1"));
        second.forgotten().unwrap().forget("old.csv").unwrap();
        second.commit(601).unwrap();

        let index = SubjectIndex::open(out.path()).unwrap();
        let f = index.fields();
        let terms = index.searcher.segment_readers()[0]
            .inverted_index(f.hash)
            .unwrap()
            .terms()
            .num_terms();
        assert!(terms >= 600, "{terms} terms");
        let wanted: Vec<String> = [3, 7, 9, 599].iter().map(|&i| hasher.hash(&value(i))).collect();
        let keys: Vec<Vec<u8>> = wanted
            .iter()
            .map(|h| crate::index::key_bytes(crate::index::hash_key(h)).to_vec())
            .collect();
        let looked_up = index.holding_terms(f.hash, keys.clone(), 1).unwrap();
        let streamed = index.holding_terms(f.hash, keys, usize::MAX).unwrap();
        assert_eq!(looked_up, index.holding(f.hash, &wanted).unwrap());
        // What tantivy's own set query matches.
        let set =
            tantivy::query::TermSetQuery::new(wanted.iter().map(|h| crate::index::hash_term(f.hash, h)));
        assert_eq!(looked_up, index.matching(&set).unwrap());
        assert_eq!(looked_up, streamed);
        let mut files: Vec<String> = looked_up.iter().map(|&a| index.load(a).unwrap().path).collect();
        files.sort();
        // Rows 3, 7, 9 and 599 of crm.csv, and kept.csv; old.csv is gone.
        assert_eq!(files, ["crm.csv", "crm.csv", "crm.csv", "crm.csv", "kept.csv"]);
        let none: [&str; 0] = [];
        assert!(index.holding(f.hash, none).unwrap().is_empty());
    }

    /// The same when the forgotten files are more than the set keeps in
    /// memory: the ones that went to disk are forgotten too, and the
    /// scratch table is gone after the commit.
    #[test]
    fn a_kept_index_forgets_files_whose_set_went_to_disk() {
        let out = tempfile::tempdir().unwrap();
        let hasher = Hasher::new(&[7; 32]);
        let create = |scan_id: &str, keep: Option<&str>| builder(out.path(), &hasher, scan_id, keep);
        let found = |value: &str| found(out.path(), &hasher, value).1;
        let files: Vec<String> = (0..12).map(|i| format!("f{i:02}.csv")).collect();
        let value = |i: usize| format!("person{i}@example.no");
        let first = create("scan-1", None);
        for (i, file) in files.iter().enumerate() {
            add_one(&first, &hasher, file, &value(i));
        }
        first.commit(12).unwrap();

        let second = create("scan-2", Some("scan-1"));
        let forgotten = second.forgotten().unwrap();
        forgotten.spill_past(3);
        // Every other file goes: six forgotten, two batches of three on disk.
        for file in files.iter().step_by(2) {
            forgotten.forget(file).unwrap();
        }
        assert!(forgotten.scratch_path().exists());
        let scratch = forgotten.scratch_path();
        drop(forgotten);
        let meta = second.commit(6).unwrap();
        assert_eq!(meta.documents, 6);
        for (i, file) in files.iter().enumerate() {
            let kept: Vec<String> = if i % 2 == 1 {
                vec![file.clone()]
            } else {
                Vec::new()
            };
            assert_eq!(found(&value(i)), kept, "{file}");
        }
        assert!(!scratch.exists());
    }
}
