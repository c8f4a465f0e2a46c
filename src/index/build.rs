//! Writing the subject index during a scan. The sink hands every finding
//! to [`IndexBuilder::add`] and every finished file to
//! [`IndexBuilder::file_done`]; findings are grouped per file into records
//! (one document each) or, once a record turns out to be a list, into one
//! document per value. Memory is bounded: a file's groups are written out
//! whenever it holds [`FLUSH_ITEMS`] findings, and a record written in
//! parts is put together again when searching (by its record key).

use super::{Fields, IndexMeta, Item, LinkPolicy, identifying, index_dir, record_key, schema};
use crate::model::DataType;
use crate::sink::FindingRow;
use crate::{Error, Result};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Findings a record may hold before it is treated as a list.
pub const MAX_RECORD_ITEMS: usize = 200;
/// Findings of one file held before its groups are written out.
pub const FLUSH_ITEMS: usize = 20_000;
/// Locations of one value in one list document.
pub const MAX_VALUE_ITEMS: usize = 1_000;
/// Memory tantivy's writer may use per indexing thread.
const WRITER_BYTES_PER_THREAD: usize = 32 << 20;

/// Findings grouped into one future document.
#[derive(Default)]
struct Group {
    hashes: Vec<String>,
    types: Vec<DataType>,
    tokens: Vec<String>,
    items: Vec<Item>,
    /// Distinct identifying values held.
    identifying: usize,
}

impl Group {
    fn push(&mut self, hash: &str, ty: DataType, tokens: &[String], mut item: Item) {
        item.h = match self.hashes.iter().position(|h| h == hash) {
            Some(i) => i as u32,
            None => {
                self.hashes.push(hash.to_string());
                self.types.push(ty);
                self.identifying += usize::from(identifying(ty));
                (self.hashes.len() - 1) as u32
            }
        };
        item.tk = tokens
            .iter()
            .map(|t| match self.tokens.iter().position(|x| x == t) {
                Some(i) => i as u32,
                None => {
                    self.tokens.push(t.clone());
                    (self.tokens.len() - 1) as u32
                }
            })
            .collect();
        self.items.push(item);
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
    pending: usize,
}

/// Builds the index of one scan; see the module documentation.
pub struct IndexBuilder {
    writer: IndexWriter,
    fields: Fields,
    meta: IndexMeta,
    files: HashMap<Arc<str>, FileGroups>,
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
    /// in one step. An index written by another datakart version is
    /// rebuilt from nothing.
    pub fn create(
        out_dir: &Path,
        scan_id: &str,
        key_fingerprint: String,
        phone_country: &str,
        links: LinkPolicy,
        threads: usize,
    ) -> Result<IndexBuilder> {
        let dir = index_dir(out_dir);
        let fail = |e: &dyn std::fmt::Display| Error::Index(format!("{}: {e}", dir.display()));
        private_dir(&dir).map_err(|e| fail(&e))?;
        let (schema, fields) = schema();
        let index = match Index::open_in_dir(&dir) {
            Ok(index) if index.schema() == schema => index,
            _ => {
                std::fs::remove_dir_all(&dir).map_err(|e| fail(&e))?;
                private_dir(&dir).map_err(|e| fail(&e))?;
                Index::create_in_dir(&dir, schema).map_err(|e| fail(&e))?
            }
        };
        let threads = threads.clamp(1, 2);
        let writer: IndexWriter = index
            .writer_with_num_threads(threads, threads * WRITER_BYTES_PER_THREAD)
            .map_err(|e| fail(&e))?;
        writer.delete_all_documents().map_err(|e| fail(&e))?;
        Ok(IndexBuilder {
            writer,
            fields,
            meta: IndexMeta {
                scan_id: scan_id.to_string(),
                key_fingerprint,
                phone_country: phone_country.to_string(),
                links,
                findings: 0,
                documents: 0,
            },
            files: HashMap::new(),
        })
    }

    /// Adds one finding.
    pub fn add(&mut self, row: &FindingRow) -> Result<()> {
        self.meta.findings += 1;
        let files = &mut self.files;
        let file = files.entry(row.path.clone()).or_insert_with(|| FileGroups {
            info: FileInfo {
                source: row.source.clone(),
                file_type: row.file_type,
                modified: row.file_modified,
                size: row.file_size,
            },
            records: HashMap::new(),
            lists: HashSet::new(),
            values: HashMap::new(),
            pending: 0,
        });
        let item = Item {
            h: 0,
            t: row.type_label.to_string(),
            s: row.subtype.to_string(),
            l: row.location.clone(),
            n: row.line,
            c: row.column_name.clone(),
            m: row.value_masked.clone(),
            k: row.confidence as u8,
            tk: Vec::new(),
        };
        file.pending += 1;
        if file.lists.contains(&row.record) {
            let group = file.values.entry(row.value_hash.clone()).or_default();
            group.push(&row.value_hash, row.ty, &row.name_tokens, item);
            if group.items.len() >= MAX_VALUE_ITEMS {
                let group = file.values.remove(&row.value_hash).expect("just filled");
                self.meta.documents += 1;
                write_doc(
                    &self.writer,
                    &self.fields,
                    &self.meta.scan_id,
                    &row.path,
                    &file.info,
                    group,
                    None,
                )?;
            }
        } else {
            let group = file.records.entry(row.record.clone()).or_default();
            group.push(&row.value_hash, row.ty, &row.name_tokens, item);
            if group.items.len() > MAX_RECORD_ITEMS || group.identifying > self.meta.links.max_record_values {
                let group = file.records.remove(&row.record).expect("just filled");
                file.lists.insert(row.record.clone());
                spread(group, &mut file.values);
            }
        }
        if file.pending >= FLUSH_ITEMS {
            self.flush(&row.path.clone())?;
        }
        Ok(())
    }

    /// Writes out what is held for `path`; called when the file is done.
    pub fn file_done(&mut self, path: &Arc<str>) -> Result<()> {
        self.flush(path)?;
        self.files.remove(path);
        Ok(())
    }

    fn flush(&mut self, path: &Arc<str>) -> Result<()> {
        let Some(file) = self.files.get_mut(path) else {
            return Ok(());
        };
        file.pending = 0;
        for (label, group) in file.records.drain() {
            self.meta.documents += 1;
            write_doc(
                &self.writer,
                &self.fields,
                &self.meta.scan_id,
                path,
                &file.info,
                group,
                Some(&label),
            )?;
        }
        for (_, group) in file.values.drain() {
            self.meta.documents += 1;
            write_doc(
                &self.writer,
                &self.fields,
                &self.meta.scan_id,
                path,
                &file.info,
                group,
                None,
            )?;
        }
        Ok(())
    }

    /// Writes what is left and commits: the new documents replace the
    /// previous scan's in one step. Returns what was recorded.
    pub fn commit(mut self) -> Result<IndexMeta> {
        let paths: Vec<Arc<str>> = self.files.keys().cloned().collect();
        for path in &paths {
            self.file_done(path)?;
        }
        let payload = serde_json::to_string(&self.meta).expect("meta serialises");
        let fail = |e: tantivy::TantivyError| Error::Index(e.to_string());
        let mut commit = self.writer.prepare_commit().map_err(fail)?;
        commit.set_payload(&payload);
        commit.commit().map_err(fail)?;
        self.writer.wait_merging_threads().map_err(fail)?;
        Ok(self.meta)
    }
}

/// Moves a record that turned out to be a list into per-value groups.
fn spread(group: Group, values: &mut HashMap<String, Group>) {
    for mut item in group.items {
        let h = item.h as usize;
        let tokens: Vec<String> = item
            .tk
            .iter()
            .map(|&t| group.tokens[t as usize].clone())
            .collect();
        item.tk.clear();
        values.entry(group.hashes[h].clone()).or_default().push(
            &group.hashes[h],
            group.types[h],
            &tokens,
            item,
        );
    }
}

fn write_doc(
    writer: &IndexWriter,
    f: &Fields,
    scan_id: &str,
    path: &str,
    info: &FileInfo,
    group: Group,
    record: Option<&str>,
) -> Result<()> {
    let mut doc = TantivyDocument::default();
    for h in &group.hashes {
        doc.add_text(f.hash, h);
    }
    for t in &group.tokens {
        doc.add_text(f.token, t);
    }
    doc.add_text(f.path, path);
    doc.add_text(f.source, &*info.source);
    if let Some(label) = record {
        doc.add_text(f.rec, record_key(path, label));
        doc.add_text(f.record, label);
    }
    doc.add_text(f.file_type, info.file_type);
    if let Some(m) = info.modified {
        doc.add_i64(f.modified, m);
    }
    if let Some(s) = info.size {
        doc.add_u64(f.size, s);
    }
    doc.add_text(f.scan_id, scan_id);
    doc.add_bytes(
        f.items,
        &serde_json::to_vec(&group.items).expect("items serialise"),
    );
    writer
        .add_document(doc)
        .map_err(|e| Error::Index(e.to_string()))?;
    Ok(())
}
