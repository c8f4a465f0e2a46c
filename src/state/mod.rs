//! The state store: what the last scans of an output folder learnt about
//! each file, so the next scan reads only what changed. It is one SQLite
//! database, `OUT/state/state.sqlite`.
//!
//! Why SQLite: it is already in the build (datakart reads SQLite files),
//! its transactions survive `kill -9` and power loss (write-ahead log), a
//! scan's workers read the previous state through their own connections
//! while the sink writes the new one in one transaction, and people can
//! inspect it with the `sqlite3` shell. (redb would be a second storage
//! engine for the same job.)
//!
//! Per file it keeps the path, size, modified time, an xxh3-128 hash of
//! the content, the skip key it was read under, the scan that read it, its
//! finding count and status, and its result as a [`recording`] that a
//! later scan replays when the file is unchanged. A file is unchanged when
//! its size and modified time are the same (with `--verify`, also its
//! content hash) and it was read under the same skip key: this datakart's
//! result version, the hash key, and every profile setting that can change
//! what a file yields (types, keyword window, phone plan, custom
//! detectors, limits, allow list, date columns, `--reveal-values`).
//! Settings that only change how results are judged (categories,
//! retention, regions, block lists) need no re-read: the sink judges
//! replayed results afresh.
//!
//! Besides files it keeps the completed scans, the triage decisions
//! ([`crate::triage`]) and, for each finding that appeared after the
//! folder's first scan, the scan it appeared in (`datakart findings
//! --baseline`), one row per file ([`first_seen`]).

pub mod first_seen;
pub mod recording;
pub mod seen;

use crate::atomic::Writeback;
use crate::profile::Profile;
use crate::{Error, Result};
use first_seen::FirstSeen;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// The state folder inside an output folder.
pub const STATE_DIR: &str = "state";
/// The database file in it.
pub const STATE_FILE: &str = "state.sqlite";
/// The page size of a new state database: SQLite's largest, 64 KiB. A
/// scan writes its whole state in one transaction and SQLite copies every
/// page of its write-ahead log into the database at commit, one read and
/// one write call a page, while nothing else runs: with 4 KiB pages that
/// was 20,400 pages and 0.29 s at the end of a scan of a million findings
/// (0.14 s now). Results are blobs of a few KiB to 16 MiB, which larger
/// pages also hold in fewer overflow pages (an unchanged rescan of
/// 100,000 files: 7% less CPU).
pub const PAGE_SIZE: u32 = 65_536;
/// The version of what extraction and detection yield. Raise it with any
/// change that can alter a file's findings, records or file record, so
/// every file is read again by the next scan.
pub const RESULT_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER,
    modified INTEGER,
    content_hash BLOB,
    skip_key TEXT NOT NULL,
    read_scan TEXT NOT NULL,
    findings INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    recording BLOB
);
CREATE TABLE IF NOT EXISTS scans (
    scan_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    mode TEXT NOT NULL,
    files_read INTEGER NOT NULL,
    files_carried INTEGER NOT NULL,
    files_removed INTEGER NOT NULL,
    findings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS first_seen (
    path TEXT PRIMARY KEY,
    findings BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS recording_parts (
    path TEXT NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (path, seq)
);
";

/// The table earlier versions kept first appearances in, one row per
/// finding (`finding_id`, `scan_id`). It is read, never written: its rows
/// date findings no scan has noted since (see [`first_seen`]).
pub const LEGACY_APPEARED: &str = "appeared";

/// The database path of an output folder.
pub fn state_path(out_dir: &Path) -> PathBuf {
    out_dir.join(STATE_DIR).join(STATE_FILE)
}

/// A database failure of the state at `path`, as a state-store error.
pub(crate) fn db_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::State(format!("{}: {e}", path.display()))
}

/// The skip key of a scan: the hex xxh3 of everything that decides what a
/// file yields (see the module documentation).
pub fn skip_key(
    profile: &Profile,
    date_columns: &[String],
    key_fingerprint: &str,
    reveal_values: bool,
) -> String {
    let text = format!(
        "{RESULT_VERSION}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{key_fingerprint}|{reveal_values}",
        profile.enabled_types,
        profile.keyword_window,
        profile.phone_country,
        profile.custom,
        profile.limits,
        profile.allow,
        date_columns,
    );
    format!("{:016x}", xxh3_64(text.as_bytes()))
}

/// The xxh3-128 hash of a file's content, read in 1 MiB blocks.
pub fn content_hash(path: &Path) -> std::io::Result<[u8; 16]> {
    use std::io::Read;
    // One read buffer per thread: a fresh 1 MiB buffer for every file
    // was zeroed each time, 5% of a scan of many small files.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 1 << 20]);
    }
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3::new();
    BUF.with_borrow_mut(|buf| {
        loop {
            let n = file.read(buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hasher.digest128().to_le_bytes())
    })
}

/// A path's 128-bit hash, for sets of paths seen.
pub fn path_hash(path: &str) -> u128 {
    xxh3_128(path.as_bytes())
}

/// What the state store holds about one file.
#[derive(Debug, Clone)]
pub struct Prior {
    /// Findings it yielded.
    pub findings: u64,
    /// Its row (SQLite row id), by which the scan notes it seen.
    pub row: i64,
    /// Size when read.
    pub size: Option<u64>,
    /// Modified time when read, microseconds since the epoch.
    pub modified: Option<i64>,
    /// Content hash when read.
    pub content_hash: Option<[u8; 16]>,
    /// Whether it was read under the skip key the lookup gave (compared
    /// where SQLite holds it: the key is the same long text in every row,
    /// and copying it out was an allocation per file of a rescan).
    pub same_skip_key: bool,
    /// Its result, or what stands for its parts (see
    /// [`recording::Held::of`]); `None` when none could be kept.
    pub recording: Option<Vec<u8>>,
}

/// The result of reading one file, to be kept.
#[derive(Debug)]
pub struct Stored {
    /// Path on disk as displayed.
    pub path: String,
    /// Size at walk time.
    pub size: Option<u64>,
    /// Modified time at walk time.
    pub modified: Option<i64>,
    /// Content hash (None when the file could not be hashed).
    pub content_hash: Option<[u8; 16]>,
    /// Findings it yielded, its inner files' included.
    pub findings: u64,
    /// Its status (`scanned`, `partial`, `skipped`, `failed`).
    pub status: &'static str,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    /// Its result (None: it could not be written down, and the file is
    /// read again next time).
    pub recording: Option<recording::Kept>,
}

/// One scan's line in the `scans` table.
#[derive(Debug, Clone)]
pub struct ScanRow {
    /// The scan.
    pub scan_id: String,
    /// When it started and finished (RFC 3339).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// `full` or `incremental`.
    pub mode: &'static str,
    /// Files read.
    pub files_read: u64,
    /// Files carried forward unread.
    pub files_carried: u64,
    /// Files gone since the previous scan.
    pub files_removed: u64,
    /// Findings in the scan's outputs.
    pub findings: u64,
}

/// Opens the state of an output folder for a command other than `scan`
/// (read-only unless `write`): fails, saying what to do, when no scan has
/// written to the folder yet.
pub fn open_existing(out_dir: &Path, write: bool) -> Result<(Connection, PathBuf)> {
    let path = state_path(out_dir);
    if !path.is_file() {
        return Err(Error::State(format!(
            "no scan state in {}: run `datakart scan --out {}` first",
            out_dir.display(),
            out_dir.display()
        )));
    }
    let flags = if write {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    let conn = Connection::open_with_flags(&path, flags)
        .and_then(|c| {
            c.busy_timeout(std::time::Duration::from_secs(10))?;
            Ok(c)
        })
        .map_err(|e| db_error(&path, e))?;
    Ok((conn, path))
}

/// The state store, opened for one scan's writes: everything written goes
/// into one transaction, committed by [`StateStore::commit`] after the
/// scan's outputs are in place; a scan killed before leaves the previous
/// state as it was.
pub struct StateStore {
    conn: Connection,
    path: PathBuf,
    /// The last scan that completed into this state, if any.
    last_scan: Option<String>,
    previous_files: u64,
    /// Whether `recording_parts` may hold rows (so a file's old parts
    /// are looked for when it is stored again or removed).
    parts: std::cell::Cell<bool>,
    /// The write-ahead log the scan's transaction grows, sent to disk as it
    /// grows so the commit's sync waits for little (see [`WalWriteback`]).
    wal: std::cell::RefCell<WalWriteback>,
}

/// The state's write-ahead log, watched every [`WalWriteback::EVERY`]
/// rows: once it has grown by [`Writeback::STEP`], the kernel is asked to
/// start writing it to disk. A scan of a million findings writes 85 MB of
/// log, which the commit then synced in about 50 ms while nothing else
/// ran.
#[derive(Debug, Default)]
struct WalWriteback {
    file: Option<std::fs::File>,
    rows: u32,
    writeback: Writeback,
}

impl WalWriteback {
    /// Rows stored between two looks at the log's length.
    const EVERY: u32 = 64;

    /// Notes one row stored in the database at `db`.
    fn row(&mut self, db: &Path) {
        self.rows += 1;
        if !self.rows.is_multiple_of(Self::EVERY) {
            return;
        }
        if self.file.is_none() {
            let mut wal = db.as_os_str().to_owned();
            wal.push("-wal");
            self.file = std::fs::File::open(wal).ok();
        }
        if let Some(file) = &self.file
            && let Ok(meta) = file.metadata()
        {
            self.writeback.written(file, meta.len());
        }
    }
}

impl StateStore {
    /// Opens (or creates) the state of `out_dir` and starts the scan's
    /// transaction.
    pub fn open(out_dir: &Path) -> Result<StateStore> {
        let path = state_path(out_dir);
        let dir = path.parent().expect("state file has a folder");
        std::fs::create_dir_all(dir).map_err(|e| db_error(dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| db_error(dir, e))?;
        }
        let conn = Connection::open(&path).map_err(|e| db_error(&path, e))?;
        // The page size only takes on a new database (one made by an older
        // version keeps its own); it must come before the write-ahead log.
        conn.execute_batch(&format!("PRAGMA page_size={PAGE_SIZE}"))
            .and_then(|_| {
                conn.execute_batch(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                )
            })
            .and_then(|_| conn.execute_batch(SCHEMA))
            .and_then(|_| conn.execute_batch(crate::triage::SCHEMA))
            .map_err(|e| db_error(&path, e))?;
        // Scans are only ever added, so the last row is the last scan.
        let last_scan = conn
            .query_row("SELECT scan_id FROM scans ORDER BY rowid DESC LIMIT 1", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(|e| db_error(&path, e))?;
        let previous_files = conn
            .query_row("SELECT count(*) FROM files", [], |r| r.get::<_, i64>(0))
            .map_err(|e| db_error(&path, e))? as u64;
        let parts = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM recording_parts)", [], |r| {
                r.get::<_, bool>(0)
            })
            .map_err(|e| db_error(&path, e))?;
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| db_error(&path, e))?;
        Ok(StateStore {
            conn,
            path,
            last_scan,
            previous_files,
            parts: std::cell::Cell::new(parts),
            wal: Default::default(),
        })
    }

    /// Whether an earlier scan completed into this state.
    pub fn has_previous_scan(&self) -> bool {
        self.last_scan.is_some()
    }

    /// The last scan that completed into this state: the index may keep
    /// its documents only if it was committed by the same scan.
    pub fn last_scan(&self) -> Option<&str> {
        self.last_scan.as_deref()
    }

    /// How many files the state held when the scan began.
    pub fn previous_files(&self) -> u64 {
        self.previous_files
    }

    /// Keeps a file's new result; returns its row. A result in parts has
    /// had its parts stored as they came ([`StateStore::store_part`]): the
    /// file's row holds their number. Otherwise the parts of its previous
    /// result (or of an unfinished one) go.
    pub fn store(&self, file: &Stored, skip_key: &str, scan_id: &str) -> Result<i64> {
        self.wal.borrow_mut().row(&self.path);
        if !matches!(file.recording, Some(recording::Kept::Parts(_))) {
            self.drop_parts(&file.path)?;
        }
        let recording = file.recording.as_ref().map(recording::Kept::row_value);
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO files (path, size, modified, content_hash, skip_key, read_scan, findings, status, error, recording)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    file.path,
                    file.size.map(|v| v as i64),
                    file.modified,
                    file.content_hash.map(|h| h.to_vec()),
                    skip_key,
                    scan_id,
                    file.findings as i64,
                    file.status,
                    file.error,
                    recording,
                ])
            })
            .map(|_| self.conn.last_insert_rowid())
            .map_err(|e| db_error(&self.path, e))
    }

    /// Up to `limit` files the state holds after row `after`, in row
    /// order: (row, path). A caller pages through them without holding
    /// them all (and may remove the rows it was given).
    pub fn paths_after(&self, after: i64, limit: usize) -> Result<Vec<(i64, String)>> {
        self.conn
            .prepare_cached("SELECT rowid, path FROM files WHERE rowid > ?1 ORDER BY rowid LIMIT ?2")
            .and_then(|mut s| {
                s.query_map(params![after, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect()
            })
            .map_err(|e| db_error(&self.path, e))
    }

    /// Stores one part of a file's new result as a row of
    /// `recording_parts` (the first replaces the parts of its previous
    /// result: workers read those in the snapshot they started with).
    pub fn store_part(&self, part: &recording::PartReady) -> Result<()> {
        if part.seq == 0 {
            self.drop_parts(&part.path)?;
        }
        self.parts.set(true);
        self.wal.borrow_mut().row(&self.path);
        let bytes = part.read().map_err(|e| {
            Error::State(format!(
                "a part of the result of {} could not be read back: {e}",
                part.path
            ))
        })?;
        self.conn
            .prepare_cached("INSERT INTO recording_parts (path, seq, bytes) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![&*part.path, part.seq, bytes]))
            .map(|_| ())
            .map_err(|e| db_error(&self.path, e))
    }

    /// Deletes the parts of `path`'s previous result, if it had any.
    fn drop_parts(&self, path: &str) -> Result<()> {
        if !self.parts.get() {
            return Ok(());
        }
        self.conn
            .prepare_cached("DELETE FROM recording_parts WHERE path = ?1")
            .and_then(|mut s| s.execute([path]))
            .map(|_| ())
            .map_err(|e| db_error(&self.path, e))
    }

    /// The result kept for `path`, if any (read its parts through
    /// [`recording::Held::of`] with this store).
    pub fn recording(&self, path: &str) -> Result<Option<Vec<u8>>> {
        self.conn
            .query_row("SELECT recording FROM files WHERE path = ?1", [path], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| db_error(&self.path, e))
    }

    /// The triage decisions to apply, oldest first.
    pub fn triage_rules(&self) -> Result<Vec<crate::triage::Rule>> {
        crate::triage::read_rules(&self.conn).map_err(|e| db_error(&self.path, e))
    }

    /// Notes which findings of the file on disk `path` appeared in scan
    /// `scan_id` (they were not there in the scan before) and which are
    /// gone, by finding id, for `datakart findings --baseline`.
    pub fn note_changes(&self, path: &str, appeared: &[u64], gone: &[u64], scan_id: &str) -> Result<()> {
        if appeared.is_empty() && gone.is_empty() {
            return Ok(());
        }
        let fail = |e| db_error(&self.path, e);
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT findings FROM first_seen WHERE path = ?1")
            .and_then(|mut s| s.query_row([path], |r| r.get(0)).optional())
            .map_err(fail)?;
        if blob.is_none() && appeared.is_empty() {
            return Ok(());
        }
        let mut seen = blob.as_deref().and_then(FirstSeen::decode).unwrap_or_default();
        seen.update(appeared, gone, scan_id);
        if seen.is_empty() {
            self.conn
                .prepare_cached("DELETE FROM first_seen WHERE path = ?1")
                .and_then(|mut s| s.execute([path]))
        } else {
            self.conn
                .prepare_cached("INSERT OR REPLACE INTO first_seen (path, findings) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute(params![path, seen.encode()]))
        }
        .map(|_| ())
        .map_err(fail)
    }

    /// Forgets a file that is gone, with when its findings appeared.
    pub fn remove(&self, path: &str) -> Result<()> {
        self.drop_parts(path)?;
        [
            "DELETE FROM files WHERE path = ?1",
            "DELETE FROM first_seen WHERE path = ?1",
        ]
        .into_iter()
        .try_for_each(|sql| self.conn.prepare_cached(sql)?.execute([path]).map(|_| ()))
        .map_err(|e| db_error(&self.path, e))
    }

    /// Records the scan and commits everything it wrote.
    pub fn commit(self, scan: &ScanRow) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO scans VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    scan.scan_id,
                    scan.started_at,
                    scan.finished_at,
                    scan.mode,
                    scan.files_read as i64,
                    scan.files_carried as i64,
                    scan.files_removed as i64,
                    scan.findings as i64,
                ],
            )
            .and_then(|_| self.conn.execute_batch("COMMIT"))
            .map_err(|e| db_error(&self.path, e))
    }
}

/// A worker's read-only view of the previous scan's state.
pub struct StateReader {
    conn: Connection,
    path: PathBuf,
}

impl StateReader {
    /// Opens the state of `out_dir` for reading.
    pub fn open(out_dir: &Path) -> Result<StateReader> {
        let path = state_path(out_dir);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(&path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| db_error(&path, e))?;
        // One read transaction for the reader's life: every lookup reads
        // the same snapshot (the scan's own writes are not committed until
        // it ends) without taking and dropping the shared lock each time.
        // Pages are read with read calls, not through a memory map: every
        // worker has a reader, and each map's touched pages count in the
        // scan's memory (three 256 MiB maps took an unchanged 1 GB tree's
        // rescan to 466 MB).
        conn.execute_batch("PRAGMA mmap_size=0; BEGIN")
            .map_err(|e| db_error(&path, e))?;
        Ok(StateReader { conn, path })
    }

    /// What the state holds about each of `paths` (in their order), and
    /// whether it was read under `skip_key`.
    ///
    /// The paths are read in path order, as ranges of the state's index of
    /// paths: the walk hands out runs of a folder's files sorted by name
    /// (see `SourceBatch` in the scan), so a batch is mostly one stretch of
    /// the index, read with one statement. A lookup per file, each a
    /// statement of its own descending the index and then the table, was
    /// about 9,300 instructions a file and 30% of the instructions of an
    /// unchanged rescan of 100,000 files. Rows of the state that fall
    /// between a batch's paths (a subfolder's files sort between its
    /// folder's) are passed over, but after `STRAY_ROWS` of them in a row
    /// the read starts again at the next path it looks for, so a batch
    /// never costs more than a lookup per file.
    ///
    /// Once the results read for a batch reach [`HELD_BYTES`], the paths
    /// after (in path order) are left [`Lookup::Later`]: a batch of small
    /// files can hold results of megabytes each (archives of exports).
    pub fn priors(&self, paths: &[&str], skip_key: &str) -> Result<Vec<Lookup>> {
        let mut order: Vec<usize> = (0..paths.len()).collect();
        order.sort_by_key(|&i| paths[i]);
        let mut found: Vec<Lookup> = vec![Lookup::Absent; paths.len()];
        let Some(&last) = order.last() else {
            return Ok(found);
        };
        let mut held = 0;
        let fail = |e| db_error(&self.path, e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT rowid, size, modified, content_hash, skip_key, recording, findings, path
                 FROM files WHERE path >= ?1 AND path <= ?2 ORDER BY path",
            )
            .map_err(fail)?;
        // `next`: the first of `order` not yet settled.
        let mut next = 0;
        while next < order.len() {
            let mut rows = statement
                .query(params![paths[order[next]], paths[last]])
                .map_err(fail)?;
            let mut strays = 0;
            let mut again = false;
            while let Some(row) = rows.next().map_err(fail)? {
                let path = row.get_ref(7).and_then(|v| Ok(v.as_str()?)).map_err(fail)?;
                // Paths before the row's are not in the state.
                while next < order.len() && paths[order[next]] < path {
                    next += 1;
                }
                if next == order.len() {
                    break;
                }
                if paths[order[next]] != path {
                    strays += 1;
                    if strays > STRAY_ROWS {
                        again = true;
                        break;
                    }
                    continue;
                }
                strays = 0;
                let prior = prior_of(row, skip_key).map_err(fail)?;
                held += prior.recording.as_ref().map_or(0, Vec::len);
                // Two names shown alike (not UTF-8) share the row, as
                // they share their path in the outputs.
                let first = next;
                while next < order.len() && paths[order[next]] == path {
                    next += 1;
                }
                for &i in &order[first + 1..next] {
                    found[i] = Lookup::Held(prior.clone());
                }
                found[order[first]] = Lookup::Held(prior);
                if held >= HELD_BYTES {
                    order[next..].iter().for_each(|&i| found[i] = Lookup::Later);
                    return Ok(found);
                }
            }
            if !again {
                break;
            }
        }
        Ok(found)
    }
}

/// What [`StateReader::priors`] found for one path.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// The state's row for it.
    Held(Prior),
    /// The state holds nothing for it.
    Absent,
    /// Not looked up: the results read for the batch reached
    /// [`HELD_BYTES`]. Ask again.
    Later,
}

/// A batch's lookups ([`StateReader::priors`]), taken one file at a time
/// in path order; a file left for later is looked up again, with every
/// file after it.
#[derive(Debug, Default)]
pub struct BatchLookup(Vec<Lookup>);

impl BatchLookup {
    /// The lookups of a batch's files, in path order.
    pub fn new(looked: Vec<Lookup>) -> BatchLookup {
        BatchLookup(looked)
    }

    /// The prior of the `i`th file, if the state holds one; `again` looks
    /// up the files from the `i`th on, when it was left for later.
    pub fn take(&mut self, i: usize, again: impl FnOnce() -> Vec<Lookup>) -> Option<Prior> {
        if matches!(self.0.get(i), Some(Lookup::Later)) {
            self.0.truncate(i);
            self.0.extend(again());
        }
        match self.0.get_mut(i).map(|l| std::mem::replace(l, Lookup::Absent)) {
            Some(Lookup::Held(prior)) => Some(prior),
            _ => None,
        }
    }
}

/// Bytes of results one [`StateReader::priors`] call reads at most (and
/// one result more, itself at most [`recording::PART_BYTES`]), so a batch
/// keeps a worker's memory bounded whatever its files yielded.
pub const HELD_BYTES: usize = 8 << 20;

/// Rows of the state outside a batch that one range read passes over
/// before it seeks (see [`StateReader::priors`]). Passing one over costs
/// about a third of a seek.
const STRAY_ROWS: usize = 3;

/// A [`Prior`] from a row of [`StateReader::priors`]' statement.
fn prior_of(r: &rusqlite::Row<'_>, skip_key: &str) -> rusqlite::Result<Prior> {
    Ok(Prior {
        row: r.get(0)?,
        size: r.get::<_, Option<i64>>(1)?.map(|v| v as u64),
        modified: r.get(2)?,
        // A hash of another length (none is written) is none.
        content_hash: r.get(3).ok().flatten(),
        same_skip_key: r.get_ref(4)?.as_str()? == skip_key,
        recording: r.get(5)?,
        findings: r.get::<_, i64>(6)? as u64,
    })
}

/// Hands part `seq` of `path`'s result, read through `conn`, to `f`
/// (borrowed from SQLite, not copied).
fn read_part(conn: &Connection, path: &str, seq: u32, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
    conn.prepare_cached("SELECT bytes FROM recording_parts WHERE path = ?1 AND seq = ?2")
        .and_then(|mut s| {
            s.query_row(params![path, seq], |r| {
                Ok(r.get_ref(0)?.as_blob().ok().and_then(&mut *f))
            })
        })
        .ok()
        .flatten()
}

impl recording::PartSource for StateReader {
    fn part(&self, path: &str, seq: u32, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
        read_part(&self.conn, path, seq, f)
    }
}

impl recording::PartSource for StateStore {
    fn part(&self, path: &str, seq: u32, f: &mut dyn FnMut(&[u8]) -> Option<()>) -> Option<()> {
        read_part(&self.conn, path, seq, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page size and journal a database was made with.
    fn layout(out_dir: &Path) -> (u32, String) {
        let conn = Connection::open(state_path(out_dir)).unwrap();
        let page: u32 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        (page, journal)
    }

    #[test]
    fn the_log_is_sent_to_disk_once_it_has_grown_by_a_step() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(STATE_FILE);
        let wal = dir.path().join(format!("{STATE_FILE}-wal"));
        let mut watch = WalWriteback::default();
        // No log yet: looked for, nothing asked.
        (0..WalWriteback::EVERY).for_each(|_| watch.row(&db));
        assert_eq!(watch.writeback.requests, 0);
        std::fs::File::create(&wal)
            .unwrap()
            .set_len(Writeback::STEP + 1)
            .unwrap();
        // Looked at only every EVERY rows.
        (1..WalWriteback::EVERY).for_each(|_| watch.row(&db));
        assert_eq!(watch.writeback.requests, 0);
        watch.row(&db);
        assert_eq!(watch.writeback.requests, 1);
        // Not asked again until it has grown by another step.
        (0..WalWriteback::EVERY).for_each(|_| watch.row(&db));
        assert_eq!(watch.writeback.requests, 1);
    }

    /// A state holding a file for each of `paths` (its size the path's
    /// length; the skip key `key` unless the path ends in `.old`).
    fn state_of(paths: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        for path in paths {
            let file = Stored {
                path: path.to_string(),
                size: Some(path.len() as u64),
                modified: Some(7),
                content_hash: None,
                findings: 1,
                status: "scanned",
                error: None,
                recording: None,
            };
            let key = if path.ends_with(".old") { "older" } else { "key" };
            store.store(&file, key, "scan").unwrap();
        }
        store.commit(&scan_row(paths.len() as u64)).unwrap();
        dir
    }

    #[test]
    fn priors_come_back_in_the_order_asked_past_rows_between_them() {
        // A folder's files with a subfolder sorting between them, more of
        // its rows than a read passes over before it seeks again.
        let sub: Vec<String> = (0..3 * STRAY_ROWS).map(|i| format!("d/b/{i:02}")).collect();
        let mut held = vec!["d/a", "d/c.old", "d/e", "e/x"];
        held.extend(sub.iter().map(String::as_str));
        let dir = state_of(&held);
        let reader = StateReader::open(dir.path()).unwrap();
        let asked = ["d/e", "d/new", "d/a", "d/c.old", "d/a", "e/x", "d/0"];
        let priors: Vec<Option<Prior>> = reader
            .priors(&asked, "key")
            .unwrap()
            .into_iter()
            .map(prior_held)
            .collect();
        let got: Vec<Option<(u64, bool)>> = priors
            .iter()
            .map(|p| p.as_ref().map(|p| (p.size.unwrap(), p.same_skip_key)))
            .collect();
        assert_eq!(
            got,
            [
                Some((3, true)),
                None,
                Some((3, true)),
                Some((7, false)),
                Some((3, true)),
                Some((3, true)),
                None,
            ]
        );
        // Each row is the file's own: the rows of `d/a` asked twice agree.
        assert_eq!(priors[2].as_ref().unwrap().row, priors[4].as_ref().unwrap().row);
        assert_ne!(priors[0].as_ref().unwrap().row, priors[2].as_ref().unwrap().row);
        assert!(reader.priors(&[], "key").unwrap().is_empty());
        // Every file of the subfolder alone, and none of a state that has
        // none of them.
        let subs: Vec<&str> = sub.iter().map(String::as_str).collect();
        let found = reader.priors(&subs, "key").unwrap();
        assert!(
            found
                .iter()
                .all(|p| matches!(p, Lookup::Held(p) if p.size == Some(6)))
        );
        let none = reader.priors(&["x", "y"], "key").unwrap();
        assert!(none.iter().all(|p| matches!(p, Lookup::Absent)));
    }

    /// The prior a lookup holds, if any (`Later` is a failure here).
    fn prior_held(lookup: Lookup) -> Option<Prior> {
        match lookup {
            Lookup::Held(prior) => Some(prior),
            Lookup::Absent => None,
            Lookup::Later => panic!("looked up later"),
        }
    }

    #[test]
    fn a_batch_reads_results_up_to_its_budget_and_leaves_the_rest_for_later() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        // Three results of half the budget: the third is not read.
        for path in ["a", "b", "c"] {
            let file = Stored {
                path: path.into(),
                size: Some(1),
                modified: None,
                content_hash: None,
                findings: 0,
                status: "scanned",
                error: None,
                recording: Some(recording::Kept::Whole(vec![b'x'; HELD_BYTES / 2])),
            };
            store.store(&file, "key", "scan").unwrap();
        }
        store.commit(&scan_row(3)).unwrap();
        let reader = StateReader::open(dir.path()).unwrap();
        let looked = reader.priors(&["c", "a", "b", "d"], "key").unwrap();
        let kinds: Vec<&str> = looked
            .iter()
            .map(|l| match l {
                Lookup::Held(p) => {
                    assert_eq!(p.recording.as_ref().map(Vec::len), Some(HELD_BYTES / 2));
                    "held"
                }
                Lookup::Absent => "absent",
                Lookup::Later => "later",
            })
            .collect();
        assert_eq!(kinds, ["later", "held", "held", "later"]);
        // Asked again, the rest is read.
        let rest: Vec<Option<Prior>> = reader
            .priors(&["c", "d"], "key")
            .unwrap()
            .into_iter()
            .map(prior_held)
            .collect();
        assert!(rest[0].is_some() && rest[1].is_none());
    }

    #[test]
    fn a_batch_looks_up_again_from_the_first_file_left_for_later() {
        let prior = |findings| Prior {
            findings,
            row: findings as i64,
            size: None,
            modified: None,
            content_hash: None,
            same_skip_key: true,
            recording: None,
        };
        let mut batch = BatchLookup::new(vec![
            Lookup::Held(prior(1)),
            Lookup::Absent,
            Lookup::Later,
            Lookup::Later,
        ]);
        let never = || -> Vec<Lookup> { panic!("looked up again") };
        assert_eq!(batch.take(0, never).map(|p| p.findings), Some(1));
        assert!(batch.take(1, never).is_none());
        let again = || vec![Lookup::Held(prior(3)), Lookup::Held(prior(4))];
        assert_eq!(batch.take(2, again).map(|p| p.findings), Some(3));
        assert_eq!(batch.take(3, never).map(|p| p.findings), Some(4));
        // Past the end (a state that could not be read): none.
        assert!(batch.take(4, never).is_none());
        assert!(BatchLookup::default().take(0, Vec::new).is_none());
    }

    /// The line of a completed scan that read `files` files.
    fn scan_row(files: u64) -> ScanRow {
        ScanRow {
            scan_id: "scan".into(),
            started_at: "s".into(),
            finished_at: "f".into(),
            mode: "full",
            files_read: files,
            files_carried: 0,
            files_removed: 0,
            findings: 0,
        }
    }

    #[test]
    fn a_new_state_has_large_pages_and_an_older_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new");
        StateStore::open(&new).unwrap();
        assert_eq!(layout(&new), (PAGE_SIZE, "wal".to_string()));

        let old = dir.path().join("old");
        std::fs::create_dir_all(old.join(STATE_DIR)).unwrap();
        Connection::open(state_path(&old))
            .unwrap()
            .execute_batch("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t (x)")
            .unwrap();
        let store = StateStore::open(&old).unwrap();
        store
            .store(
                &Stored {
                    path: "a.txt".into(),
                    size: Some(1),
                    modified: Some(2),
                    content_hash: None,
                    findings: 0,
                    status: "scanned",
                    error: None,
                    recording: None,
                },
                "key",
                "scan",
            )
            .unwrap();
        store.commit(&scan_row(1)).unwrap();
        assert_eq!(layout(&old), (4096, "wal".to_string()));
        let (conn, _) = open_existing(&old, false).unwrap();
        let paths: i64 = conn
            .query_row("SELECT count(*) FROM files WHERE path = 'a.txt'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(paths, 1);
    }
}
