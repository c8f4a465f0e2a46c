//! Scan orchestration: walker → bounded channel → rayon workers (extract +
//! detect, one `Worker` state per thread) → bounded channel → the sink
//! thread. It starts the pipeline's threads (walker, workers, sink, the
//! index's commit); the sink's tables and the index feed each run a
//! thread of their own through [`crate::handoff`]. A file's problem never
//! stops the scan: it becomes a scan-errors row. Only setup failures and
//! output write failures end a scan with an error.

use crate::columns::{self, ColumnBook};
use crate::detect::{self, Detector, DetectorSettings, Hit, Scratch, mask::mask};
use crate::extract::chunk::{self, Piece};
use crate::extract::{self, ExtractError, Origin, Unit, UnitSink};
use crate::index::IndexMeta;
use crate::index::build::{Batcher, IndexBuilder};
use crate::keyed_hash::{Hasher, KeySource};
use crate::lock::OutLock;
use crate::model::{Confidence, DataType, FileKind, Location};
use crate::profile::Profile;
use crate::records::RecordTracker;
use crate::retention::{self, Policy};
use crate::rotation::Rotation;
use crate::sink::changes::{self as change_set, ChangeCounts};
use crate::sink::outbox::Outbox;
use crate::sink::{
    FileChanges, FileRecord, FindingRow, Finished, Message, RetentionTotals, Sink, Status, StoredFile,
};
use crate::state::recording::{self, Held, Recording};
use crate::state::{self, BatchLookup, Lookup, Prior, ScanRow, StateReader, StateStore};
use crate::suppress::{Suppressed, Suppressor};
use crate::walk::{self, Source, WalkEvent, WalkOptions};
use crate::{Error, Result, atomic};
use crate::{history, log};
use crossbeam_channel::{Sender, bounded};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Findings sent to the sink in one message.
const BATCH: usize = 1024;

/// Everything a scan needs, resolved by the command line.
pub struct ScanConfig {
    /// Roots as given on the command line.
    pub roots: Vec<PathBuf>,
    /// Output directory (created if missing).
    pub out_dir: PathBuf,
    /// Worker threads.
    pub threads: usize,
    /// Put plain values in the outputs.
    pub reveal_values: bool,
    /// The scan policy.
    pub profile: Profile,
    /// The keyed hash.
    pub hasher: Hasher,
    /// Where the key came from (recorded, never the key).
    pub key_source: KeySource,
    /// The time ages are counted to, microseconds since the epoch (None:
    /// the scan's start).
    pub as_of: Option<i64>,
    /// Build the subject index (the command line always does). Off only
    /// to measure what the index costs a scan (`benches/subject_index.rs`):
    /// the previous index is then left as it was.
    pub subject_index: bool,
    /// Read every file again, whatever the state store says (`--full`).
    pub full: bool,
    /// Also hash files whose size and modified time are unchanged, and
    /// read those whose content changed (`--verify`).
    pub verify: bool,
}

/// Progress callbacks, called from worker threads; implementations must
/// be cheap (batch their own updates).
pub trait Observer: Sync {
    /// A file was handled: bytes read and findings made.
    fn file_done(&self, bytes: u64, findings: u64);
    /// The walk has finished; totals are now known.
    fn walk_done(&self, files: u64, bytes: u64);
}

/// An observer that ignores everything (`--quiet`, tests).
pub struct NoProgress;

impl Observer for NoProgress {
    fn file_done(&self, _: u64, _: u64) {}
    fn walk_done(&self, _: u64, _: u64) {}
}

/// The scan summary, written as `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    /// Unique id of this scan, also in every output row.
    pub scan_id: String,
    /// Always `datakart`.
    pub tool: &'static str,
    /// datakart version.
    pub version: &'static str,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// End time, RFC 3339 UTC.
    pub finished_at: String,
    /// Wall-clock seconds.
    pub duration_seconds: f64,
    /// Roots as given.
    pub roots: Vec<String>,
    /// Profile name, origin and SHA-256.
    pub profile: ProfileInfo,
    /// Where the hash key came from.
    pub hash_key: String,
    /// Whether plain values were written.
    pub reveal_values: bool,
    /// File counts.
    pub files: FileCounts,
    /// Byte counts.
    pub bytes: ByteCounts,
    /// Share of files and bytes fully checked (0–1).
    pub coverage: Coverage,
    /// Findings per type and confidence.
    pub findings: FindingCounts,
    /// Speed.
    pub throughput: Throughput,
    /// The subject index written in `index/`.
    pub index: IndexCounts,
    /// Retention violations, undeclared data and transfers.
    pub retention: RetentionTotals,
    /// What this scan read and what it carried forward from the state of
    /// the previous one.
    pub incremental: IncrementalCounts,
    /// What changed since the previous scan (`changes.csv`).
    pub changes: ChangeCounts,
}

/// Incremental scan counts in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct IncrementalCounts {
    /// `full` (every file read) or `incremental`.
    pub mode: &'static str,
    /// Files on disk read.
    pub files_read: u64,
    /// Files on disk unchanged since the previous scan and not read: their
    /// results were carried forward from the state store.
    pub files_carried: u64,
    /// Files the previous scan saw that are gone (or unreadable) now.
    pub files_removed: u64,
}

/// Subject index counts in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexCounts {
    /// Findings indexed (every finding of the findings table).
    pub findings: u64,
    /// Documents written: records, and values in lists.
    pub documents: u64,
}

/// Profile identity in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileInfo {
    /// Name.
    pub name: String,
    /// Path or `<embedded default>`.
    pub origin: String,
    /// SHA-256 of the profile text.
    pub sha256: String,
}

/// File counts in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct FileCounts {
    /// Every file the walk found, exclusions not counted.
    pub seen: u64,
    /// Fully checked.
    pub scanned: u64,
    /// Read with parts not checked.
    pub partial: u64,
    /// Not read on purpose.
    pub skipped: u64,
    /// Could not be read.
    pub failed: u64,
    /// Left out by the profile's globs.
    pub excluded: u64,
    /// Files inside files (archive entries, attachments), listed in the
    /// outputs as `outer!inner`; not counted in `seen`.
    pub inner: u64,
    /// Inner files not fully checked (each has a scan_errors row, and
    /// makes its container `partial`).
    pub inner_not_checked: u64,
}

/// Byte counts in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ByteCounts {
    /// Total size of files seen.
    pub seen: u64,
    /// Bytes read.
    pub read: u64,
    /// Size of files fully checked.
    pub fully_checked: u64,
}

/// Coverage in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// Files fully checked / files seen.
    pub files: f64,
    /// Bytes of fully checked files / bytes seen.
    pub bytes: f64,
}

/// Finding counts in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct FindingCounts {
    /// All findings.
    pub total: u64,
    /// Findings that are personal data: all but `org_number`.
    pub personal: u64,
    /// Per type, every type listed (custom detectors by their id).
    pub by_type: BTreeMap<&'static str, u64>,
    /// Per confidence.
    pub by_confidence: BTreeMap<&'static str, u64>,
    /// Findings the profile's allow list kept out of the outputs.
    pub suppressed: SuppressedCounts,
    /// Findings covered by triage decisions (`datakart triage`): false
    /// positives are left out of the other counts and the outputs.
    pub triaged: crate::triage::TriageCounts,
}

/// Suppressed findings in `scan.json`: never silently dropped.
#[derive(Debug, Clone, Serialize)]
pub struct SuppressedCounts {
    /// All suppressed findings.
    pub total: u64,
    /// Per allow-list entry, in profile order.
    pub by_entry: Vec<Suppressed>,
}

/// Throughput in `scan.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Throughput {
    /// Bytes read per second.
    pub bytes_per_second: f64,
    /// Files handled per second.
    pub files_per_second: f64,
}

fn micros(t: SystemTime) -> Option<i64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_micros() as i64)
}

fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A new scan id: UTC time plus 32 random bits.
pub fn new_scan_id() -> String {
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        hex::encode(r)
    )
}

/// Runs a scan and writes every output into `config.out_dir`.
pub fn run(config: &ScanConfig, observer: &dyn Observer) -> Result<ScanSummary> {
    for root in &config.roots {
        if let Err(e) = std::fs::symlink_metadata(root) {
            return Err(Error::Root {
                path: root.clone(),
                message: walk::describe_io(&e),
            });
        }
    }
    std::fs::create_dir_all(&config.out_dir).map_err(|source| Error::Output {
        path: config.out_dir.clone(),
        source,
    })?;
    let lock = OutLock::acquire(&config.out_dir)?;
    if let Some(pid) = lock.stale_pid {
        log::warn(
            "lock.stale",
            &[
                ("pid", pid.into()),
                ("out", config.out_dir.display().to_string().into()),
                (
                    "message",
                    "a scan killed before it finished left the lock; taking it over".into(),
                ),
            ],
        );
    }
    atomic::sweep_stale(&config.out_dir);
    let started = Instant::now();
    let started_at = now_rfc3339();
    let scan_id = new_scan_id();
    let build_detector = || detector_for(&config.profile);
    let detector = LazyDetector::new(&build_detector);
    let threads = config.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("datakart-worker-{i}"))
        // Later stages first: the queues stay short and no core idles
        // while one of them catches up (see `priority`).
        .start_handler(|_| crate::priority::run_behind_later_stages())
        .build()
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let policy = Arc::new(policy_for(config)?);
    let skip_key = state::skip_key(
        &config.profile,
        &policy.date_columns,
        &config.hasher.fingerprint(),
        config.reveal_values,
    );
    let store = StateStore::open(&config.out_dir)?;
    let compare = store.has_previous_scan();
    // Results of several parts wait for the sink next to the state they go
    // into (not in a temporary folder that may be memory).
    let spill_dir = config.out_dir.join(state::STATE_DIR);
    let carry = compare && !config.full;
    let keep = store.last_scan().filter(|_| carry).map(str::to_owned);
    let index = config
        .subject_index
        .then(|| {
            IndexBuilder::create(
                &config.out_dir,
                &scan_id,
                config.hasher.fingerprint(),
                config.profile.phone_country.as_str(),
                config.profile.links,
                threads,
                keep.as_deref(),
            )
        })
        .transpose()?;
    let mut sink = Sink::create(
        &config.out_dir,
        &scan_id,
        config.reveal_values,
        Arc::clone(&policy),
        store,
        &skip_key,
    )?
    .with_forgotten(index.as_ref().and_then(IndexBuilder::forgotten));
    // At most 64 messages wait for the sink: a message holds up to BATCH
    // finding rows (about 450 KB), and on dense trees the sink is the
    // slowest stage, so the queue fills. 256 let it hold up to 118 MB,
    // and took a 1 GB tree's peak memory to 260-300 MB; 64: 230-236 MB.
    // Messages travel in batches (see `Outbox`), each holding at most one
    // large message, so 64 batches bound the queue as 64 messages did.
    let (sink_tx, sink_rx) = bounded::<Vec<Message>>(64);
    // Files travel to the workers in batches (see `SourceBatch`): 64
    // batches hold at most 4,096 files, as the queue of single files did.
    let (source_tx, source_rx) = bounded::<Vec<Source>>(64);
    let walk_options = WalkOptions {
        include: config.profile.include.clone(),
        exclude: config.profile.exclude.clone(),
        follow_symlinks: config.profile.follow_symlinks,
        threads,
    };
    log::info(
        "scan.started",
        &[
            ("scan_id", scan_id.as_str().into()),
            ("out", config.out_dir.display().to_string().into()),
            ("mode", mode(carry).into()),
        ],
    );

    let suppressor = Suppressor::new(&config.profile.allow, &config.roots);
    let finished: Result<((Finished, String), IndexMeta)> = std::thread::scope(|scope| {
        let sink_thread = std::thread::Builder::new()
            .name("datakart-sink".into())
            .spawn_scoped(scope, move || -> Result<(Finished, StateStore)> {
                let mut failure = None;
                for msg in sink_rx.into_iter().flatten() {
                    if failure.is_none()
                        && let Err(e) = sink.handle(msg)
                    {
                        failure = Some(e);
                    }
                }
                match failure {
                    Some(e) => Err(e),
                    None => sink.finish(),
                }
            })
            .map_err(Error::Io)?;
        let walk_sink = sink_tx.clone();
        let walker = scope.spawn(move || {
            let (files, bytes) = (AtomicU64::new(0), AtomicU64::new(0));
            let new_visitor = || -> walk::Visitor<'_> {
                let mut batch = SourceBatch::new(&source_tx);
                let (files, bytes, walk_sink) = (&files, &bytes, &walk_sink);
                Box::new(move |event| {
                    let (path, status) = match event {
                        WalkEvent::File(source) => {
                            files.fetch_add(1, Ordering::Relaxed);
                            bytes.fetch_add(source.size, Ordering::Relaxed);
                            return batch.push(source);
                        }
                        WalkEvent::Excluded => {
                            let _ = walk_sink.send(vec![Message::Excluded]);
                            return;
                        }
                        WalkEvent::Skipped { path, reason } => (path, Status::Skipped(reason)),
                        WalkEvent::Failed { path, reason } => (path, Status::Failed(reason)),
                    };
                    // A file the walk could not hand on: its record now.
                    files.fetch_add(1, Ordering::Relaxed);
                    let _ = walk_sink.send(vec![Message::Done(walk_record(&path, status))]);
                })
            };
            let result = walk::walk(&config.roots, &walk_options, &new_visitor);
            observer.walk_done(files.load(Ordering::Relaxed), bytes.load(Ordering::Relaxed));
            result
        });
        pool.install(|| {
            source_rx.into_iter().par_bridge().for_each_init(
                || {
                    Worker::new(
                        &detector,
                        &config.hasher,
                        config.reveal_values,
                        &config.profile.limits,
                        &suppressor,
                        &policy,
                        sink_tx.clone(),
                    )
                    .with_index(index.as_ref().map(IndexBuilder::batcher))
                    .with_state(WorkerState {
                        reader: compare.then(|| StateReader::open(&config.out_dir).ok()).flatten(),
                        skip_key: &skip_key,
                        spill_dir: &spill_dir,
                        verify: config.verify,
                        carry,
                        compare,
                    })
                },
                |worker, batch| {
                    worker.process_batch(&batch, &mut |bytes, findings| observer.file_done(bytes, findings))
                },
            );
        });
        drop(sink_tx);
        // Every document is written: the index commits on its own thread
        // (a new one builds its segments while the sink finishes the
        // outputs), once the scan's total is known and the sink has
        // forgotten the gone files in it.
        let (settled_tx, settled_rx) = std::sync::mpsc::channel::<u64>();
        let commit = index.map(|builder| scope.spawn(move || builder.commit_when(|| settled_rx.recv().ok())));
        let walked = walker.join().expect("walker thread does not panic");
        let finished = sink_thread.join().expect("sink thread does not panic");
        let finished = finished.and_then(|finished| {
            walked.map_err(|e| Error::Profile {
                path: config.profile.origin.clone(),
                message: e.to_string(),
            })?;
            Ok(finished)
        });
        if let Ok((finished, _)) = &finished {
            let _ = settled_tx.send(findings_of(finished));
        }
        drop(settled_tx);
        // The outputs are in place: the state commits while the index
        // does (the index's last segment and the state's log copy each
        // took about 0.1 s at the end of a scan of a million findings,
        // one after the other). Whichever of the two a kill stops, the
        // next scan sees that the index was not committed by the state's
        // last scan and writes it whole (`IndexBuilder::create`).
        let finished = finished.and_then(|(finished, state)| {
            let finished_at = now_rfc3339();
            state.commit(&ScanRow {
                scan_id: scan_id.clone(),
                started_at: started_at.clone(),
                finished_at: finished_at.clone(),
                mode: mode_of(config, &finished),
                files_read: finished.read,
                files_carried: finished.carried,
                files_removed: finished.files_removed,
                findings: findings_of(&finished),
            })?;
            Ok((finished, finished_at))
        });
        let index = commit.map(|c| c.join().expect("index commit does not panic"));
        let finished = finished?;
        Ok((finished, index.transpose()?.unwrap_or_default()))
    });
    let ((finished, finished_at), index) = finished?;
    let findings = findings_of(&finished);
    let summary = summarise(
        config,
        suppressor.counts(),
        (scan_id, started_at, finished_at),
        started.elapsed().as_secs_f64(),
        &finished,
        &index,
    );
    let json = serde_json::to_vec_pretty(&summary).expect("summary serialises");
    atomic::write_all(&config.out_dir.join("scan.json"), &json)?;
    history::write(&config.out_dir, &summary)?;
    log::info(
        "scan.finished",
        &[
            ("scan_id", summary.scan_id.as_str().into()),
            ("mode", summary.incremental.mode.into()),
            ("files_read", finished.read.into()),
            ("files_carried", finished.carried.into()),
            ("files_removed", finished.files_removed.into()),
            ("findings", findings.into()),
            ("violations", summary.retention.violations.into()),
            ("appeared", summary.changes.appeared.into()),
            ("disappeared", summary.changes.disappeared.into()),
            ("moved", summary.changes.moved.into()),
            ("newly_violating", summary.changes.newly_violating.into()),
            ("seconds", summary.duration_seconds.into()),
            ("peak_rss_bytes", peak_rss().into()),
        ],
    );
    drop(lock);
    Ok(summary)
}

/// The retention policy of a scan: the profile's categories and regions,
/// its block list read and hashed with the scan key, and the reference time.
fn policy_for(config: &ScanConfig) -> Result<Policy> {
    let profile = &config.profile;
    let blocked = match &profile.block_list {
        Some(list) => Some(
            list.load(&config.hasher, profile.phone_country.as_str())
                .map_err(|message| Error::Profile {
                    path: profile.origin.clone(),
                    message,
                })?,
        ),
        None => None,
    };
    let as_of = config
        .as_of
        .unwrap_or_else(|| micros(SystemTime::now()).unwrap_or_default());
    Ok(Policy::new(
        profile.categories.clone(),
        profile.regions.clone(),
        blocked,
        as_of,
    ))
}

/// One walker thread's files on their way to the workers, handed on
/// [`SourceBatch::FILES`] at a time, or sooner once they reach
/// [`SourceBatch::BYTES`], and the rest when the thread is done (on drop).
/// One file at a time, a worker waiting on the queue was woken for each:
/// an unchanged rescan of 100,000 files made 36,000 futex calls and 24,000
/// yields. The byte bound keeps big files from waiting on each other in
/// one worker while another is idle.
///
/// A run of one folder's files is sorted by name before it is batched, up
/// to [`SourceBatch::FOLDER`] files at a time, so a batch is one stretch of
/// the state's index of paths, which a rescan reads in one go
/// ([`StateReader::priors`]). A walker thread meets a folder's files one
/// after the other unless a subfolder's entries come between them (it
/// reads a subfolder as soon as it meets it) or another thread takes some:
/// then the folder is held in more than one run, each sorted.
struct SourceBatch<'a> {
    /// Files of the folder being listed, not yet batched.
    folder: Vec<Source>,
    files: Vec<Source>,
    bytes: u64,
    to: &'a Sender<Vec<Source>>,
}

impl<'a> SourceBatch<'a> {
    /// Most files in a batch.
    const FILES: usize = 64;
    /// A batch holding this many bytes of files goes at once.
    const BYTES: u64 = 1 << 20;
    /// Most files of one folder held to be sorted: the workers wait for at
    /// most this many files to be stat'ed.
    const FOLDER: usize = 1024;

    fn new(to: &'a Sender<Vec<Source>>) -> SourceBatch<'a> {
        SourceBatch {
            folder: Vec::new(),
            files: Vec::with_capacity(Self::FILES),
            bytes: 0,
            to,
        }
    }

    /// Adds `source`, batching its folder's files once the walk has moved
    /// on to another folder.
    fn push(&mut self, source: Source) {
        let folder = |path| walk::split_name(path).map(|(folder, _)| folder);
        let moved_on = self
            .folder
            .last()
            .is_some_and(|last| folder(&last.path) != folder(&source.path));
        if moved_on || self.folder.len() >= Self::FOLDER {
            self.batch_folder();
        }
        self.folder.push(source);
    }

    /// Puts the held files of a folder into batches, by name, handing on
    /// each batch as it fills.
    fn batch_folder(&mut self) {
        let mut folder = std::mem::take(&mut self.folder);
        // One folder's paths differ only in their names.
        folder.sort_unstable_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
        for source in folder.drain(..) {
            self.bytes += source.size;
            self.files.push(source);
            if self.files.len() >= Self::FILES || self.bytes >= Self::BYTES {
                self.hand_on();
            }
        }
        self.folder = folder;
    }

    fn hand_on(&mut self) {
        let files = std::mem::replace(&mut self.files, Vec::with_capacity(Self::FILES));
        self.bytes = 0;
        // The workers stopped only when the scan is failing anyway.
        let _ = self.to.send(files);
    }
}

impl Drop for SourceBatch<'_> {
    fn drop(&mut self) {
        self.batch_folder();
        if !self.files.is_empty() {
            self.hand_on();
        }
    }
}

/// The detector, built when a worker first reads a file: a rescan that
/// reads nothing never needs it, and building it was 15 ms of the 550 ms
/// rescan of 100,000 unchanged files, before any worker could start.
struct LazyDetector<'a> {
    built: std::sync::OnceLock<Detector>,
    build: &'a (dyn Fn() -> Detector + Sync),
}

impl<'a> LazyDetector<'a> {
    /// A detector `build` makes on first use.
    fn new(build: &'a (dyn Fn() -> Detector + Sync)) -> LazyDetector<'a> {
        LazyDetector {
            built: std::sync::OnceLock::new(),
            build,
        }
    }

    /// The detector (workers asking while it is built wait for it).
    fn get(&self) -> &Detector {
        self.built.get_or_init(self.build)
    }
}

/// The detector a profile asks for.
fn detector_for(profile: &Profile) -> Detector {
    Detector::new(DetectorSettings {
        keyword_window: profile.keyword_window,
        phone_country: profile.phone_country,
        enabled: profile.enabled_types,
        custom: profile.custom.clone(),
        ..DetectorSettings::default()
    })
}

/// Re-reads one file on disk exactly as a scan would, with plain values,
/// and returns its findings (for `subject export --reveal-values`). A file
/// that cannot be read gives no findings.
pub fn reread(path: &Path, profile: &Profile, hasher: &Hasher) -> Vec<FindingRow> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Vec::new();
    };
    let build_detector = || detector_for(profile);
    let detector = LazyDetector::new(&build_detector);
    let suppressor = Suppressor::new(&profile.allow, &[]);
    let (tx, rx) = crossbeam_channel::unbounded();
    let source = Source {
        path: path.to_path_buf(),
        size: meta.len(),
        modified: meta.modified().ok(),
    };
    let policy = Policy::default();
    Worker::new(&detector, hasher, true, &profile.limits, &suppressor, &policy, tx)
        .process_batch(std::slice::from_ref(&source), &mut |_, _| {});
    rx.into_iter()
        .flatten()
        .filter_map(|m| match m {
            Message::Findings(rows) => Some(rows),
            _ => None,
        })
        .flatten()
        .collect()
}

fn walk_record(path: &Path, status: Status) -> FileRecord {
    let meta = std::fs::symlink_metadata(path).ok();
    FileRecord {
        path: Arc::from(path.to_string_lossy().as_ref()),
        file_type: "",
        size: meta.as_ref().map(|m| m.len()),
        modified: meta.and_then(|m| m.modified().ok()).and_then(micros),
        status,
        bytes_read: 0,
        encoding: None,
        notes: Vec::new(),
        member: false,
        columns: Vec::new(),
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The mode of a scan that carries unchanged files forward (or not).
fn mode(carry: bool) -> &'static str {
    if carry { "incremental" } else { "full" }
}

/// The mode of a finished scan: incremental when it compared with a
/// previous scan and was not told to read everything.
fn mode_of(config: &ScanConfig, finished: &Finished) -> &'static str {
    mode(finished.changes.compared && !config.full)
}

/// The process's peak resident memory so far, as the kernel counts it for
/// this program (`VmHWM`; Linux only). `getrusage` would not do: its peak
/// carries over the memory of whatever process started this one, up to
/// its `exec`, so a scan started by a big process looked big.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = kib.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// Every finding of the scan, as the index counts them: false positives
/// too (triage judges results, it does not change what files yield).
fn findings_of(finished: &Finished) -> u64 {
    finished.totals.findings_by_type.values().sum::<u64>() + finished.triage.false_positive
}

fn summarise(
    config: &ScanConfig,
    suppressed: Vec<Suppressed>,
    (scan_id, started_at, finished_at): (String, String, String),
    seconds: f64,
    finished: &Finished,
    index: &IndexMeta,
) -> ScanSummary {
    let t = &finished.totals;
    let secs = seconds.max(1e-9);
    ScanSummary {
        scan_id,
        tool: "datakart",
        version: env!("CARGO_PKG_VERSION"),
        started_at,
        finished_at,
        duration_seconds: seconds,
        roots: config.roots.iter().map(|r| r.display().to_string()).collect(),
        profile: ProfileInfo {
            name: config.profile.name.clone(),
            origin: config.profile.origin.clone(),
            sha256: config.profile.sha256.clone(),
        },
        hash_key: match &config.key_source {
            KeySource::Environment => "environment (DATAKART_KEY)".into(),
            KeySource::File(p) => format!("file {}", p.display()),
            KeySource::Created(p) => format!("created {}", p.display()),
        },
        reveal_values: config.reveal_values,
        files: FileCounts {
            seen: t.files_seen,
            scanned: t.files_scanned,
            partial: t.files_partial,
            skipped: t.files_skipped,
            failed: t.files_failed,
            excluded: t.files_excluded,
            inner: t.inner_files,
            inner_not_checked: t.inner_files_not_checked,
        },
        bytes: ByteCounts {
            seen: t.bytes_seen,
            read: t.bytes_read,
            fully_checked: t.bytes_fully_checked,
        },
        coverage: Coverage {
            files: ratio(t.files_scanned, t.files_seen),
            bytes: ratio(t.bytes_fully_checked, t.bytes_seen),
        },
        findings: FindingCounts {
            total: t.findings(),
            personal: t.personal_findings(),
            by_type: DataType::ALL
                .iter()
                .filter(|&&ty| ty != DataType::Custom)
                .map(|ty| (ty.as_str(), t.findings_by_type.get(ty).copied().unwrap_or(0)))
                .chain(
                    config
                        .profile
                        .custom
                        .iter()
                        .map(|c| (c.id, t.custom_findings.get(c.id).copied().unwrap_or(0))),
                )
                .collect(),
            by_confidence: t
                .findings_by_confidence
                .iter()
                .map(|(c, n)| (c.as_str(), *n))
                .collect(),
            suppressed: SuppressedCounts {
                total: suppressed.iter().map(|s| s.findings).sum(),
                by_entry: suppressed,
            },
            triaged: finished.triage.clone(),
        },
        throughput: Throughput {
            bytes_per_second: t.bytes_read as f64 / secs,
            files_per_second: t.files_seen as f64 / secs,
        },
        index: IndexCounts {
            findings: index.findings,
            documents: index.documents,
        },
        retention: t.retention.clone(),
        incremental: IncrementalCounts {
            mode: mode_of(config, finished),
            files_read: finished.read,
            files_carried: finished.carried,
            files_removed: finished.files_removed,
        },
        changes: finished.changes,
    }
}

/// Per-thread state: detector buffers and the batch of findings being
/// built, reused across files.
struct Worker<'a> {
    detector: &'a LazyDetector<'a>,
    hasher: &'a Hasher,
    reveal: bool,
    sink: Outbox,
    scratch: Scratch,
    hits: Vec<detect::Hit>,
    /// Rows of the unit being handled, before column classification.
    cell_rows: Vec<FindingRow>,
    batch: Vec<FindingRow>,
    /// Where the findings sent also go: the subject index (none when a
    /// file is re-read for an export).
    index: Option<Batcher<'a>>,
    /// The state of incremental scans (none when a file is re-read for an
    /// export).
    state: Option<WorkerState<'a>>,
    /// The messages of the file on disk being read, for the state store.
    recording: Option<Recording<'a>>,
    /// What each header of the file names, looked up once per header.
    headers: foldhash::HashMap<String, Header>,
    policy: &'a Policy,
    limits: &'a extract::Limits,
    suppressor: &'a Suppressor<'a>,
}

/// One file being extracted: the file on disk, or an inner file (archive
/// entry, attachment) nested in it.
struct Frame {
    /// Display path; inner files are `outer!inner`.
    path: Arc<str>,
    /// The file on disk this frame was read from.
    source: Arc<str>,
    /// Modified time, microseconds since the epoch.
    modified: Option<i64>,
    /// Format it is read as.
    file_type: &'static str,
    /// Size in bytes.
    size: Option<u64>,
    /// Inner files of this one that were not fully checked.
    unchecked_members: u64,
    /// Section label put before locations (`message 17`).
    section: Option<String>,
    /// Column classification of its structured data.
    columns: ColumnBook<FindingRow>,
    /// The record being read, for row-level dating.
    records: RecordTracker,
}

/// Where findings of a frame are: what every row of it repeats.
struct Place<'f> {
    path: &'f Arc<str>,
    source: &'f Arc<str>,
    file_type: &'static str,
    size: Option<u64>,
    modified: Option<i64>,
    section: &'f Option<String>,
}

impl Frame {
    fn place(&self) -> Place<'_> {
        Place {
            path: &self.path,
            source: &self.source,
            file_type: self.file_type,
            size: self.size,
            modified: self.modified,
            section: &self.section,
        }
    }
}

impl Place<'_> {
    /// A finding row at `origin`, `newlines` lines into its unit; type,
    /// value and confidence are the caller's to set.
    fn row_at(&self, origin: Origin<'_>, newlines: u64) -> FindingRow {
        let (location, line) = locate(origin, newlines);
        let column_name = match origin {
            Origin::Json { path, .. } => Some(json_column(path)),
            _ => location.column_name().map(str::to_string),
        };
        let record = record_of(origin, self.section.as_deref());
        let location = match self.section {
            Some(section) => Location::Within {
                section: section.clone(),
                inner: Box::new(location),
            },
            None => location,
        };
        FindingRow {
            path: self.path.clone(),
            file_type: self.file_type,
            file_size: self.size,
            file_modified: self.modified,
            column_name,
            location: location.to_string(),
            line,
            ty: DataType::Email,
            type_label: "",
            subtype: "",
            detail: String::new(),
            reason: "",
            confidence: Confidence::Low,
            value_masked: String::new(),
            value_hash: String::new(),
            value: None,
            source: self.source.clone(),
            record,
            name_tokens: Vec::new(),
        }
    }
}

/// The record a value at `origin` belongs to (see [`FindingRow::record`]):
/// a row of a table or sheet, an NDJSON record, an element of a top-level
/// JSON array, a message of a mailbox; empty for the whole file.
fn record_of(origin: Origin<'_>, section: Option<&str>) -> String {
    let own = match origin {
        Origin::Cell { row, .. } if row > 0 => format!("row {row}"),
        Origin::Sql { table, row, .. } | Origin::Table { table, row, .. } => {
            format!("table {table} row {row}")
        }
        Origin::SheetCell { sheet, cell, .. } => {
            let digits = cell.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            format!("sheet {sheet} row {digits}")
        }
        Origin::Json { record: Some(r), .. } => format!("record {r}"),
        Origin::Json { path, .. } if path.starts_with("$[") => path
            .find(']')
            .map_or_else(String::new, |end| path[..=end].to_string()),
        _ => String::new(),
    };
    match (section, own.is_empty()) {
        (Some(section), true) => section.to_string(),
        (Some(section), false) => format!("{section}, {own}"),
        (None, _) => own,
    }
}

/// What a column header (or JSON key, or mail header) names.
#[derive(Debug, Clone, Copy, Default)]
struct Header {
    /// Types its keywords name, one bit per type.
    mask: u32,
    /// Its id as a date column of the policy, if it is one.
    date_column: Option<u16>,
}

/// The record a unit of structured data belongs to, as (row, hash of its
/// table or sheet): cheap to compare for every unit. None outside records
/// (free text, a header row).
fn record_key(origin: Origin<'_>) -> Option<(u64, u64)> {
    // FNV-1a: names only need telling apart within one file.
    let name = |s: &str| {
        s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    match origin {
        Origin::Cell { row, .. } if row > 0 => Some((row, 0)),
        Origin::Sql { table, row, .. } | Origin::Table { table, row, .. } => Some((row, name(table))),
        Origin::SheetCell { sheet, cell, .. } => {
            let digits = cell.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            Some((digits.parse().ok()?, name(sheet)))
        }
        Origin::Json { record: Some(r), .. } => Some((r, 1)),
        Origin::Json { path, .. } if path.starts_with("$[") => {
            let end = path.find(']')?;
            Some((path[2..end].parse().ok()?, 2))
        }
        _ => None,
    }
}

/// Completes a look-alike found by column classification: a value of an
/// identifier column that does not validate is reported as `low`.
fn look_alike_finding(hasher: &Hasher, mut row: FindingRow, ty: DataType, normalized: String) -> FindingRow {
    row.ty = ty;
    row.type_label = ty.as_str();
    row.detail = "does not validate; most values of its column do".into();
    row.reason = "column classification";
    row.confidence = Confidence::Low;
    row.value_masked = mask(ty, &normalized);
    row.value_hash = hasher.hash(&normalized);
    row
}

impl columns::Finding for FindingRow {
    fn ty(&self) -> DataType {
        self.ty
    }
    fn demote(&mut self, note: &'static str) {
        self.confidence = Confidence::Low;
        if !self.detail.is_empty() {
            self.detail.push_str("; ");
        }
        self.detail.push_str(note);
    }
}

/// What a worker needs of the state of incremental scans.
struct WorkerState<'a> {
    /// The previous scan's state (none on the first scan of a folder).
    reader: Option<StateReader>,
    /// This scan's skip key.
    skip_key: &'a str,
    /// Where a worker writes the parts of a large result ([`Recording`]).
    spill_dir: &'a Path,
    /// Hash unchanged-looking files too (`--verify`).
    verify: bool,
    /// Carry unchanged files forward (not on `--full` or a first scan).
    carry: bool,
    /// Compare what files yield now with what they yielded before.
    compare: bool,
}

/// The per-file context the unit sink needs.
struct FileCtx<'w, 'a> {
    worker: &'w mut Worker<'a>,
    /// The file on disk first, then any inner files being read.
    frames: Vec<Frame>,
    findings: u64,
    deadline: Option<std::time::Instant>,
    expanded: u64,
}

impl<'a> Worker<'a> {
    fn new(
        detector: &'a LazyDetector<'a>,
        hasher: &'a Hasher,
        reveal: bool,
        limits: &'a extract::Limits,
        suppressor: &'a Suppressor<'a>,
        policy: &'a Policy,
        sink: Sender<Vec<Message>>,
    ) -> Worker<'a> {
        Worker {
            limits,
            suppressor,
            policy,

            detector,
            hasher,
            reveal,
            sink: Outbox::new(sink),
            scratch: Scratch::default(),
            hits: Vec::new(),
            cell_rows: Vec::new(),
            batch: Vec::with_capacity(BATCH),
            index: None,
            state: None,
            recording: None,
            headers: foldhash::HashMap::default(),
        }
    }

    /// Keeps what files yield in the state store, and carries unchanged
    /// files forward from it.
    fn with_state(mut self, state: WorkerState<'a>) -> Worker<'a> {
        self.state = Some(state);
        self
    }

    /// Sends a message: indexes the findings and file records it holds,
    /// records it for the state store, and hands it to the sink.
    fn send(&mut self, msg: Message) {
        self.deliver(msg, true);
    }

    /// [`Worker::send`], indexing only when `index` (a replayed message
    /// whose documents the index kept is not indexed again).
    fn deliver(&mut self, msg: Message, index: bool) {
        if let Some(batcher) = self.index.as_mut().filter(|_| index) {
            match &msg {
                Message::Findings(rows) => rows.iter().for_each(|row| batcher.add(row)),
                Message::Done(record) => batcher.file_done(&record.path),
                _ => {}
            }
        }
        let ready = self.recording.as_mut().and_then(|recording| recording.add(&msg));
        self.sink.push(msg);
        if let Some(part) = ready {
            self.sink.push(Message::Part(Box::new(part)));
        }
    }

    /// Extracts and detects a batch of files, in path order (the order
    /// the state is read in, see [`StateReader::priors`]); calls `done`
    /// with each one's bytes read and findings.
    fn process_batch(&mut self, batch: &[Source], done: &mut dyn FnMut(u64, u64)) {
        let mut files: Vec<(Arc<str>, &Source)> = batch
            .iter()
            .map(|s| (Arc::from(s.path.to_string_lossy().as_ref()), s))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let paths: Vec<&str> = files.iter().map(|(p, _)| &**p).collect();
        let mut looked = BatchLookup::new(self.priors(&paths));
        for (i, (path, source)) in files.iter().enumerate() {
            let prior = looked.take(i, || self.priors(&paths[i..]));
            let (bytes, findings) = self.process(source, path.clone(), prior);
            done(bytes, findings);
        }
    }

    /// What the previous scan kept about each of `paths` (none where its
    /// state cannot be read: the file is read again).
    fn priors(&self, paths: &[&str]) -> Vec<Lookup> {
        match &self.state {
            Some(WorkerState {
                reader: Some(reader),
                skip_key,
                ..
            }) => reader.priors(paths, skip_key).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Replays the recorded result of a file unchanged since the previous
    /// scan; returns its findings, or `None` when it must be read.
    /// `content_hash`: the file's hash now, with `--verify`.
    fn carry(
        &mut self,
        source: &Source,
        path: &str,
        prior: &Prior,
        content_hash: Option<[u8; 16]>,
    ) -> Option<u64> {
        let state = self.state.as_ref()?;
        let unchanged = state.carry
            && prior.same_skip_key
            && prior.size == Some(source.size)
            && prior.modified == source.modified.and_then(micros)
            && (!state.verify || content_hash == prior.content_hash);
        if !unchanged {
            return None;
        }
        let reindex = self.index.as_ref().is_some_and(|b| !b.kept());
        let mut findings = 0;
        // The reader is lent out while the replay delivers, and put back.
        let blob = prior.recording.as_deref()?;
        let reader = self.state.as_mut()?.reader.take()?;
        let replayed = Held::of(blob, &reader, path).and_then(|held| {
            recording::replay_into(&held, BATCH, &mut |msg| {
                if let Message::Findings(rows) = &msg {
                    findings += rows.len() as u64;
                }
                self.deliver(msg, reindex);
            })
        });
        if let Some(state) = self.state.as_mut() {
            state.reader = Some(reader);
        }
        replayed?;
        self.sink.push(Message::Carried(prior.row));
        Some(findings)
    }

    /// Sends what the state store keeps of a file just read, after what
    /// appeared in it and disappeared from it since the previous scan (in
    /// messages of at most [`change_set::CHANGES`]).
    fn store(
        &mut self,
        source: &Source,
        path: &Arc<str>,
        status: &Status,
        prior: Option<Prior>,
        content_hash: Option<[u8; 16]>,
    ) {
        let (Some(state), Some(mut recording)) = (&self.state, self.recording.take()) else {
            return;
        };
        if let Some(part) = recording.end() {
            self.sink.push(Message::Part(Box::new(part)));
        }
        let findings = recording.findings();
        let recording = recording.finish();
        let prior_row = prior.as_ref().map(|p| p.row);
        if state.compare {
            let before = prior
                .as_ref()
                .zip(state.reader.as_ref())
                .and_then(|(p, reader)| Held::of(p.recording.as_deref()?, reader, path));
            let after = recording.as_ref().map(recording::Kept::held);
            let keys = prior.as_ref().map_or(0, |p| p.findings).max(findings);
            let sink = &mut self.sink;
            change_set::diff(
                &|f| recording::each_keyed(before.as_ref(), f),
                &|f| recording::each_keyed(after.as_ref(), f),
                keys,
                &mut |appeared, disappeared| {
                    sink.push(Message::Changes(Box::new(FileChanges {
                        path: path.clone(),
                        appeared,
                        disappeared,
                    })));
                },
            );
        }
        let stored = state::Stored {
            path: path.to_string(),
            size: Some(source.size),
            modified: source.modified.and_then(micros),
            content_hash: content_hash.or_else(|| state::content_hash(&source.path).ok()),
            findings,
            status: status.as_str(),
            error: status.reason(),
            recording,
        };
        self.sink
            .push(Message::Stored(Box::new(StoredFile { stored, prior_row })));
    }

    /// Also indexes every finding sent, through `batcher` (if any).
    fn with_index(mut self, batcher: Option<Batcher<'a>>) -> Worker<'a> {
        self.index = batcher;
        self
    }

    /// Extracts and detects one file, shown as `path`, with what the
    /// previous scan kept about it; returns (bytes read, findings).
    fn process(&mut self, source: &Source, path: Arc<str>, prior: Option<Prior>) -> (u64, u64) {
        let verified = prior
            .as_ref()
            .filter(|_| self.state.as_ref().is_some_and(|s| s.verify))
            .and_then(|_| state::content_hash(&source.path).ok());
        if let Some(findings) = prior
            .as_ref()
            .and_then(|p| self.carry(source, &path, p, verified))
        {
            return (0, findings);
        }
        if let Some(state) = &self.state {
            if let Some(index) = self.index.as_ref().filter(|b| b.kept()) {
                index.forget(&path);
            }
            self.recording = Some(Recording::new(path.clone(), state.spill_dir));
        }
        self.headers.clear();
        let modified = source.modified.and_then(micros);
        let deadline = std::time::Instant::now()
            .checked_add(std::time::Duration::from_secs(self.limits.max_file_seconds));
        let mut ctx = FileCtx {
            worker: self,
            frames: vec![Frame {
                path: path.clone(),
                source: path.clone(),
                modified,
                file_type: "",
                size: Some(source.size),
                unchecked_members: 0,
                section: None,
                columns: ColumnBook::default(),
                records: RecordTracker::default(),
            }],
            findings: 0,
            deadline,
            expanded: 0,
        };
        let outcome = extract::guard("extractor crashed", || {
            let input = extract::open(&source.path)?;
            ctx.frames[0].file_type = input.kind.as_str();
            input.extract(&mut ctx)
        });
        let columns = ctx.finish_columns();
        let findings = ctx.findings;
        let expired = ctx.expired();
        ctx.frames[0].records.close();
        ctx.flush();
        let frame = ctx.frames.swap_remove(0);
        let mut record = file_record(frame, outcome, expired, self.limits);
        record.columns = columns;
        let bytes_read = record.bytes_read;
        let status = record.status.clone();
        self.send(Message::Done(record));
        self.store(source, &path, &status, prior, verified);
        (bytes_read, findings)
    }
}

/// Turns an extractor's outcome into the file's record: inner files not
/// fully checked and a spent time budget make it `partial`.
fn file_record(
    frame: Frame,
    outcome: std::result::Result<extract::Extracted, ExtractError>,
    expired: bool,
    limits: &extract::Limits,
) -> FileRecord {
    let (status, bytes_read, encoding, notes) = match outcome {
        Ok(mut ex) => {
            if frame.unchecked_members > 0 {
                ex.gaps.push(format!(
                    "{} inner file(s) not fully checked: see the rows for {}!…",
                    frame.unchecked_members, frame.path
                ));
            }
            let status = if ex.gaps.is_empty() {
                Status::Scanned
            } else {
                Status::Partial(ex.gaps)
            };
            let encoding = (!ex.encoding.is_empty()).then_some(ex.encoding);
            (status, ex.bytes_read, encoding, ex.notes)
        }
        // A read cut short by the clock still checked what came before.
        Err(ExtractError::Failed(_)) if expired => (
            Status::Partial(vec![extract::time_gap(limits, "the rest was")]),
            0,
            None,
            vec![],
        ),
        Err(ExtractError::Skipped(r)) => (Status::Skipped(r), 0, None, vec![]),
        Err(ExtractError::Failed(r)) => (Status::Failed(r), 0, None, vec![]),
    };
    FileRecord {
        path: frame.path,
        file_type: frame.file_type,
        size: frame.size,
        modified: frame.modified,
        status,
        bytes_read,
        encoding,
        notes,
        member: false,
        columns: Vec::new(),
    }
}

impl FileCtx<'_, '_> {
    /// Gives the open frame's columns their verdict, queues what they held
    /// and returns their summaries for the data map.
    fn finish_columns(&mut self) -> Vec<(String, columns::Summary)> {
        let before = self.worker.batch.len();
        let hasher = self.worker.hasher;
        let frame = self.frames.last_mut().expect("a file frame is always open");
        let summaries = frame.columns.finish(
            &mut |row, ty, v| look_alike_finding(hasher, row, ty, v),
            &mut self.worker.batch,
        );
        self.suppress_from(before);
        self.findings += (self.worker.batch.len() - before) as u64;
        summaries
    }

    /// Drops the rows queued from `from` on that the profile's allow list
    /// suppresses (they are counted by the suppressor).
    fn suppress_from(&mut self, from: usize) {
        let suppressor = self.worker.suppressor;
        if !suppressor.active() || from == self.worker.batch.len() {
            return;
        }
        let mut tail = self.worker.batch.split_off(from);
        tail.retain(|r| suppressor.keep(&r.path, r.ty, &r.value_hash));
        self.worker.batch.append(&mut tail);
    }

    /// Sends the queued findings, then every frame's finished records.
    fn flush(&mut self) {
        if !self.worker.batch.is_empty() {
            let batch = std::mem::replace(&mut self.worker.batch, Vec::with_capacity(BATCH));
            self.worker.send(Message::Findings(batch));
        }
        for frame in &mut self.frames {
            if frame.records.pending() > 0 {
                let records = frame.records.take();
                let path = frame.path.clone();
                self.worker.send(Message::Records { path, records });
            }
        }
    }

    /// Follows the record a unit of structured data belongs to, and
    /// records the date its date column (`date_column`, the id of the
    /// unit's header as a date column) holds.
    fn track_record(&mut self, unit: &Unit<'_>, date_column: Option<u16>) {
        let Some(key) = record_key(unit.origin) else {
            return;
        };
        let records = &mut self
            .frames
            .last_mut()
            .expect("a file frame is always open")
            .records;
        records.enter(key);
        if let Some(id) = date_column
            && unit.from == 0
            && let Some(date) = retention::parse_date(unit.text)
        {
            records.date(id, date);
        }
    }

    /// What the column header a unit's origin names (if any) names.
    fn header_of(&mut self, origin: Origin<'_>) -> Header {
        header_name(origin).map_or_else(Header::default, |name| self.header(name))
    }

    /// Takes the hits [`search_units`] found in `units`, in order.
    fn take_searched(&mut self, units: &[Unit<'_>], headers: &[Header], searched: Vec<Searched>) {
        let mut next = units.iter().zip(headers);
        for group in searched {
            let mut start = 0;
            for end in group.ends {
                let (unit, header) = next.next().expect("one search a unit");
                self.found(*unit, *header, &group.hits[start..end]);
                start = end;
            }
        }
    }

    /// Turns what the detector found in `unit` into finding rows and
    /// batches them (with column classification, suppression and record
    /// dating).
    fn found(&mut self, unit: Unit<'_>, header: Header, hits: &[Hit]) {
        let dating = !self.worker.policy.date_columns.is_empty();
        if dating {
            self.track_record(&unit, header.date_column);
        }
        // Values of structured data go through column classification (the
        // first piece of a value only: a huge cell is still one value).
        let classified_column = match unit.origin {
            Origin::Cell { row, column, .. } if row > 0 => Some(column),
            Origin::Sql { column, .. } | Origin::SheetCell { column, .. } | Origin::Table { column, .. } => {
                Some(column)
            }
            _ => None,
        }
        .filter(|_| unit.from == 0 && !unit.text.trim().is_empty());
        let mut rows = std::mem::take(&mut self.worker.cell_rows);
        rows.clear();
        let (hasher, reveal) = (self.worker.hasher, self.worker.reveal);
        let frame = self.frames.last_mut().expect("a file frame is always open");
        let (mut counted_to, mut newlines) = (0usize, 0u64);
        for hit in hits {
            newlines +=
                memchr::memchr_iter(b'\n', &unit.text.as_bytes()[counted_to..hit.start]).count() as u64;
            counted_to = hit.start;
            let mut row = frame.place().row_at(unit.origin, newlines);
            row.ty = hit.ty;
            row.type_label = hit.label;
            row.subtype = hit.subtype;
            row.detail.clone_from(&hit.detail);
            row.reason = hit.reason;
            row.confidence = hit.confidence;
            row.value_masked = mask(hit.ty, &hit.normalized);
            row.value_hash = hasher.hash(&hit.normalized);
            if hit.ty == DataType::PersonName {
                row.name_tokens = hit.normalized.split(' ').map(|t| hasher.name_token(t)).collect();
            }
            row.value = reveal.then(|| unit.text[hit.start..hit.end].to_string());
            rows.push(row);
        }
        if dating {
            let suppressor = self.worker.suppressor;
            for row in rows.iter().filter(|r| r.ty.personal()) {
                if suppressor.allows(&row.path, row.ty, &row.value_hash) {
                    frame.records.count(row.ty, || row.record.clone());
                }
            }
        }
        let before = self.worker.batch.len();
        match classified_column {
            None => self.worker.batch.append(&mut rows),
            Some(column) => {
                let Frame {
                    columns,
                    path,
                    source,
                    file_type,
                    size,
                    modified,
                    section,
                    ..
                } = frame;
                let place = Place {
                    path,
                    source,
                    file_type,
                    size: *size,
                    modified: *modified,
                    section,
                };
                let template = || {
                    let mut row = place.row_at(unit.origin, 0);
                    row.value = reveal.then(|| unit.text.trim().to_string());
                    row
                };
                let cell = columns::CellText {
                    column,
                    text: unit.text,
                    header_mask: header.mask,
                };
                columns.cell(
                    cell,
                    &mut rows,
                    template,
                    &mut |row, ty, v| look_alike_finding(hasher, row, ty, v),
                    &mut self.worker.batch,
                );
            }
        }
        self.suppress_from(before);
        self.findings += (self.worker.batch.len() - before) as u64;
        if self.worker.batch.len() >= BATCH || self.frame().records.pending() >= BATCH {
            self.flush();
        }
        self.worker.cell_rows = rows;
    }

    /// What the header `name` names: the types its keywords name, and the
    /// date column it is (cached per file).
    fn header(&mut self, name: &str) -> Header {
        if let Some(&h) = self.worker.headers.get(name) {
            return h;
        }
        let h = Header {
            mask: self.worker.detector.get().column_mask(name),
            date_column: self.worker.policy.date_column(name),
        };
        self.worker.headers.insert(name.to_string(), h);
        h
    }

    fn frame(&self) -> &Frame {
        self.frames.last().expect("a file frame is always open")
    }
}

/// The column header a unit's origin names, if any.
fn header_name(origin: Origin<'_>) -> Option<&str> {
    match origin {
        Origin::Cell { column, .. }
        | Origin::Sql { column, .. }
        | Origin::SheetCell { column, .. }
        | Origin::Table { column, .. } => Some(column),
        Origin::Json { path, .. } => Some(last_key(path)),
        Origin::MailHeader { name } => Some(name),
        _ => None,
    }
}

/// The headers of one batch of values ([`FileCtx::units`]), by where
/// their names lie. Every value of a batch borrows its column name from
/// the extractor for the whole batch, so a name at the same address and
/// of the same length is the same name: each is looked up once a batch
/// instead of once a value, and found again by two numbers, no text
/// hashed or compared.
#[derive(Default)]
struct BatchHeaders {
    /// (address, length) of the names met.
    names: Rotation<(usize, usize)>,
    /// Their headers, by slot.
    headers: Vec<Header>,
}

impl BatchHeaders {
    /// Names remembered at most (past that, the file's own cache is asked:
    /// JSON paths with array indices can all differ).
    const MAX: usize = 4096;

    fn get(&mut self, ctx: &mut FileCtx<'_, '_>, name: &str) -> Header {
        let key = (name.as_ptr() as usize, name.len());
        if let Some(slot) = self.names.find(&key) {
            return self.headers[slot];
        }
        let header = ctx.header(name);
        if self.names.len() < Self::MAX {
            self.names.insert(key);
            self.headers.push(header);
        }
        header
    }
}

/// Fewer bytes of values than this are searched by the worker alone: a
/// small file's values are not worth spreading.
const PARALLEL_UNITS: usize = 64 * 1024;

/// Slices a batch of values is searched in (see [`FileCtx::units`]).
const SLICES: usize = 4;

/// What the detector found in consecutive units: unit `i`'s hits are
/// `hits[ends[i - 1]..ends[i]]`.
struct Searched {
    hits: Vec<Hit>,
    ends: Vec<usize>,
}

/// Searches the `groups` of `units` in parallel; the groups' results in
/// order.
fn search_units(
    detector: &Detector,
    units: &[Unit<'_>],
    headers: &[Header],
    groups: Vec<std::ops::Range<usize>>,
) -> Vec<Searched> {
    groups
        .into_par_iter()
        .map_init(Scratch::default, |scratch, range| {
            let mut searched = Searched {
                hits: Vec::new(),
                ends: Vec::with_capacity(range.len()),
            };
            for (u, header) in units[range.clone()].iter().zip(&headers[range]) {
                detector.detect(u.text, u.from, u.until, header.mask, scratch, &mut searched.hits);
                searched.ends.push(searched.hits.len());
            }
            searched
        })
        .collect()
}

/// Splits the units in `range` into at most `n` consecutive groups of
/// about equal text; `ends[i]` is where unit `i`'s text ends, counted from
/// the start of the batch.
fn groups_by_bytes(ends: &[usize], range: std::ops::Range<usize>, n: usize) -> Vec<std::ops::Range<usize>> {
    let end_of = |i: usize| i.checked_sub(1).map_or(0, |i| ends[i]);
    let share = (end_of(range.end) - end_of(range.start))
        .div_ceil(n.max(1))
        .max(1);
    let mut groups = Vec::with_capacity(n);
    let mut start = range.start;
    while start < range.end {
        // The group ends with the unit that brings it to its share.
        let goal = end_of(start) + share;
        let reached = ends[start..range.end].partition_point(|&e| e < goal);
        let end = (start + reached + 1).min(range.end);
        groups.push(start..end);
        start = end;
    }
    groups
}

/// The last key of a JSON path (`$.customer.email` → `email`), which names
/// its value the way a column header does.
fn last_key(path: &str) -> &str {
    let tail = path.rsplit(['.', '[']).next().unwrap_or(path);
    tail.trim_end_matches(']').trim_matches('"')
}

/// A JSON path with array indices generalised (`$.items[3].phone` →
/// `$.items[*].phone`), so the data map counts per field, not per element.
fn json_column(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push(c);
            }
            ']' if in_index => {
                if out.ends_with('[') {
                    out.push('*');
                }
                in_index = false;
                out.push(c);
            }
            c if in_index && c.is_ascii_digit() => {}
            c => {
                if in_index {
                    in_index = false;
                }
                out.push(c);
            }
        }
    }
    out
}

impl UnitSink for FileCtx<'_, '_> {
    fn unit(&mut self, unit: Unit<'_>) -> usize {
        let header = self.header_of(unit.origin);
        let mut hits = std::mem::take(&mut self.worker.hits);
        hits.clear();
        let resume = self.worker.detector.get().detect(
            unit.text,
            unit.from,
            unit.until,
            header.mask,
            &mut self.worker.scratch,
            &mut hits,
        );
        self.found(unit, header, &hits);
        self.worker.hits = hits;
        resume
    }

    fn batch(&self) -> usize {
        rayon::current_num_threads()
    }

    /// Searches a structured file's values in parallel and takes their
    /// findings in order, so the findings, column classification and
    /// records are exactly those of one-by-one units. The batch goes in
    /// slices: while this thread turns one slice's hits into findings, the
    /// pool (this thread too, once it is done) searches the next.
    fn units(&mut self, units: &[Unit<'_>]) {
        let threads = self.batch();
        // Where each unit's text ends, counted from the batch's start.
        let ends: Vec<usize> = if threads < 2 {
            Vec::new()
        } else {
            units
                .iter()
                .scan(0, |total, u| {
                    *total += u.text.len();
                    Some(*total)
                })
                .collect()
        };
        if ends.last().is_none_or(|&bytes| bytes < PARALLEL_UNITS) {
            for unit in units {
                self.unit(*unit);
            }
            return;
        }
        let mut memo = BatchHeaders::default();
        let headers: Vec<Header> = units
            .iter()
            .map(|u| header_name(u.origin).map_or_else(Header::default, |name| memo.get(self, name)))
            .collect();
        let lazy: &LazyDetector<'_> = self.worker.detector;
        let detector = lazy.get();
        let search = |range| {
            search_units(
                detector,
                units,
                &headers,
                groups_by_bytes(&ends, range, threads * 2),
            )
        };
        let slices = groups_by_bytes(&ends, 0..units.len(), SLICES);
        let mut ready = search(slices[0].clone());
        for pair in slices.windows(2) {
            let mut next = Vec::new();
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| next = search(pair[1].clone()));
                self.take_searched(&units[pair[0].clone()], &headers[pair[0].clone()], ready);
            });
            ready = next;
        }
        let last = slices.last().expect("a batch of values has a slice").clone();
        self.take_searched(&units[last.clone()], &headers[last], ready);
    }

    /// Searches the chunks in parallel (idle workers of the pool take
    /// some), then takes their findings in order. A chunk whose start the
    /// one before moved (a span straddled their seam) is searched again
    /// from there, so the findings are exactly those of one-by-one units.
    fn pieces<'o>(&mut self, pieces: &[Piece<'_>], origin: &dyn Fn(u64) -> Origin<'o>) -> usize {
        let detector = self.worker.detector.get();
        let headers: Vec<Header> = pieces
            .iter()
            .map(|p| self.header_of(origin(p.first_line)))
            .collect();
        let searched: Vec<(Vec<Hit>, usize)> = pieces
            .par_iter()
            .zip(&headers)
            .map_init(Scratch::default, |scratch, (p, header)| {
                let mut hits = Vec::new();
                let resume = detector.detect(p.text, p.from, p.until, header.mask, scratch, &mut hits);
                (hits, resume)
            })
            .collect();
        let mut searched = searched.into_iter().zip(headers);
        chunk::in_order(pieces, |p, from| {
            let ((hits, resume), header) = searched.next().expect("one search a piece");
            let unit = Unit {
                text: p.text,
                from,
                until: p.until,
                origin: origin(p.first_line),
            };
            if from != p.from {
                // A span straddled the seam: search again from past it.
                return self.unit(unit);
            }
            self.found(unit, header, &hits);
            resume
        })
    }

    fn limits(&self) -> &extract::Limits {
        self.worker.limits
    }

    fn deadline(&self) -> Option<std::time::Instant> {
        self.deadline
    }

    fn depth(&self) -> u32 {
        self.frames.len() as u32 - 1
    }

    fn expand(&mut self, bytes: u64) -> std::result::Result<(), String> {
        self.expanded += bytes;
        if self.expanded > self.worker.limits.max_archive_bytes {
            return Err(format!(
                "unpacked content exceeds max_archive_bytes ({} MiB): not checked",
                self.worker.limits.max_archive_bytes >> 20
            ));
        }
        Ok(())
    }

    fn section(&mut self, label: Option<&str>) {
        self.frames
            .last_mut()
            .expect("a file frame is always open")
            .section = label.map(str::to_string);
    }

    fn begin_member(&mut self, name: &str, modified: Option<i64>, kind: FileKind, size: u64) {
        let parent = self.frame();
        let path = match &parent.section {
            Some(section) => format!("{}!{section}!{name}", parent.path),
            None => format!("{}!{name}", parent.path),
        };
        let modified = modified.or(parent.modified);
        let source = parent.source.clone();
        self.frames.push(Frame {
            path: Arc::from(path),
            source,
            modified,
            file_type: kind.as_str(),
            size: Some(size),
            unchecked_members: 0,
            section: None,
            columns: ColumnBook::default(),
            records: RecordTracker::default(),
        });
    }

    fn end_member(&mut self, result: std::result::Result<extract::Extracted, ExtractError>) {
        if self.frames.len() < 2 {
            return;
        }
        let columns = self.finish_columns();
        self.frames.last_mut().expect("checked above").records.close();
        self.flush();
        let frame = self.frames.pop().expect("checked above");
        let expired = self.expired();
        let mut record = file_record(frame, result, expired, self.worker.limits);
        record.member = true;
        record.columns = columns;
        if record.status != Status::Scanned {
            self.frames.last_mut().expect("checked above").unchecked_members += 1;
        }
        self.worker.send(Message::Done(record));
    }
}

/// The location of a hit `newlines` lines into a unit from `origin`, and
/// its line number where the format has lines.
fn locate(origin: Origin<'_>, newlines: u64) -> (Location, Option<u64>) {
    match origin {
        Origin::Text { first_line } => (Location::Line(first_line + newlines), Some(first_line + newlines)),
        Origin::Cell { row, line, column } => (
            Location::Cell {
                row,
                column: column.to_string(),
            },
            Some(line),
        ),
        Origin::Json { record, path, line } => (
            Location::JsonPath {
                record,
                path: path.to_string(),
            },
            Some(line + newlines),
        ),
        Origin::Sql {
            table,
            column,
            row,
            line,
        } => (
            Location::SqlRow {
                table: table.to_string(),
                column: column.to_string(),
                row,
            },
            Some(line + newlines),
        ),
        Origin::Table { table, column, row } => (
            Location::SqlRow {
                table: table.to_string(),
                column: column.to_string(),
                row,
            },
            None,
        ),
        Origin::MailHeader { name } => (Location::MailHeader(name.to_string()), None),
        Origin::MailBody { part, first_line } => (
            Location::MailBody {
                part,
                line: first_line + newlines,
            },
            None,
        ),
        Origin::SheetCell { sheet, cell, column } => (
            Location::SheetCell {
                sheet: sheet.to_string(),
                cell: cell.to_string(),
                column: column.to_string(),
            },
            None,
        ),
        Origin::Part { label, first_line } => (
            Location::Part(label.to_string()),
            first_line.map(|l| l + newlines),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one worker over `source` and returns what it sent the sink.
    fn process(source: &Source, limits: &extract::Limits) -> Vec<Message> {
        let build = || Detector::new(DetectorSettings::default());
        let detector = LazyDetector::new(&build);
        let hasher = Hasher::new(&[7u8; 32]);
        let (tx, rx) = crossbeam_channel::unbounded();
        let allow = crate::suppress::Allow::default();
        let suppressor = Suppressor::new(&allow, &[]);
        let policy = Policy::default();
        let mut worker = Worker::new(&detector, &hasher, false, limits, &suppressor, &policy, tx);
        worker.process_batch(std::slice::from_ref(source), &mut |_, _| {});
        drop(worker);
        rx.iter().flatten().collect()
    }

    /// [`process`] with default limits on a pool of `threads`.
    fn process_on(source: &Source, threads: usize) -> Vec<Message> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| process(source, &extract::Limits::default()))
    }

    /// A file as the walk lists it, of `size` bytes.
    fn listed(path: &str, size: u64) -> Source {
        Source {
            path: PathBuf::from(path),
            size,
            modified: None,
        }
    }

    #[test]
    fn a_folders_files_are_batched_by_name_one_folder_after_another() {
        let source = |p: &str| listed(p, 1);
        let (tx, rx) = crossbeam_channel::unbounded();
        let mut batch = SourceBatch::new(&tx);
        for p in ["r/b/3", "r/b/1", "r/b/2", "r/a/9", "r/a/0", "r/b/0"] {
            batch.push(source(p));
        }
        // More of one folder than are held at once: sorted a hold at a time.
        let many: Vec<String> = (0..SourceBatch::FOLDER + 2)
            .rev()
            .map(|i| format!("r/c/{i:05}"))
            .collect();
        many.iter().for_each(|p| batch.push(source(p)));
        drop(batch);
        drop(tx);
        let batches: Vec<Vec<Source>> = rx.iter().collect();
        assert!(batches.iter().all(|b| b.len() <= SourceBatch::FILES));
        let order: Vec<String> = batches
            .iter()
            .flatten()
            .map(|s| s.path.to_string_lossy().into_owned())
            .collect();
        let mut expected: Vec<String> = ["r/b/1", "r/b/2", "r/b/3", "r/a/0", "r/a/9", "r/b/0"]
            .map(String::from)
            .to_vec();
        let mut first: Vec<String> = many[..SourceBatch::FOLDER].to_vec();
        first.sort();
        let mut rest: Vec<String> = many[SourceBatch::FOLDER..].to_vec();
        rest.sort();
        expected.extend(first);
        expected.extend(rest);
        assert_eq!(order, expected);
    }

    /// Writes `content` to `name` in `dir` and returns it as a walked
    /// source.
    fn written(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> Source {
        let path = dir.join(name);
        std::fs::write(&path, &content).unwrap();
        Source {
            path,
            size: content.as_ref().len() as u64,
            modified: None,
        }
    }

    /// The finding rows among `msgs`, in order.
    fn rows_of(msgs: Vec<Message>) -> impl Iterator<Item = FindingRow> {
        msgs.into_iter()
            .filter_map(|m| match m {
                Message::Findings(rows) => Some(rows),
                _ => None,
            })
            .flatten()
    }

    #[test]
    fn files_go_to_the_workers_in_batches_and_the_rest_when_the_walk_ends() {
        let (tx, rx) = crossbeam_channel::unbounded();
        let file = listed;
        let mut batch = SourceBatch::new(&tx);
        for i in 0..SourceBatch::FILES + 3 {
            batch.push(file(&format!("a/small{i}"), 100));
        }
        batch.push(file("a/big", SourceBatch::BYTES));
        let sizes = |rx: &crossbeam_channel::Receiver<Vec<Source>>| -> Vec<usize> {
            rx.try_iter().map(|b| b.len()).collect()
        };
        // A folder's files wait until the walk has moved on from it.
        assert!(sizes(&rx).is_empty());
        batch.push(file("b/last", 1));
        // By name: the big file goes at once, alone, then a full batch.
        let sent: Vec<Vec<Source>> = rx.try_iter().collect();
        assert_eq!(
            sent.iter().map(Vec::len).collect::<Vec<_>>(),
            [1, SourceBatch::FILES]
        );
        assert_eq!(sent[0][0].path, PathBuf::from("a/big"));
        drop(batch);
        let rest: Vec<Vec<Source>> = rx.try_iter().collect();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].len(), 4);
        assert_eq!(rest[0][3].path, PathBuf::from("b/last"));
        // Nothing left over: nothing sent on drop.
        drop(SourceBatch::new(&tx));
        assert!(rx.try_iter().next().is_none());
    }

    #[test]
    fn a_file_gone_since_the_walk_is_one_failed_record() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source {
            path: dir.path().join("gone.txt"),
            size: 10,
            modified: None,
        };
        let msgs = process(&source, &extract::Limits::default());
        let [Message::Done(record)] = &msgs[..] else {
            panic!("{msgs:?}")
        };
        assert_eq!(
            record.status,
            Status::Failed("file vanished before it could be read".into())
        );
    }

    #[test]
    fn a_big_text_searched_in_parallel_finds_what_one_thread_finds() {
        let dir = tempfile::tempdir().unwrap();
        // About 5 MiB of dense lines: two batches of two chunks, identifiers
        // straddling their seams.
        let text: String = (0..100_000)
            .map(|i| format!("{i} kunde{i}@example.no fnr 15108695088 tlf 912 34 567\n"))
            .collect();
        let source = written(dir.path(), "big.log", &text);
        let found_with = |threads: usize| -> Vec<(String, Option<u64>, String)> {
            let mut rows: Vec<_> = rows_of(process_on(&source, threads))
                .map(|r| (r.location, r.line, r.value_hash))
                .collect();
            rows.sort();
            rows
        };
        let one = found_with(1);
        assert_eq!(
            one.len(),
            3 * 100_000,
            "an e-mail, a national ID and a phone number a line"
        );
        assert_eq!(found_with(2), one);
    }

    /// Everything one worker sends the sink for `source` on a pool of
    /// `threads`, in order, as text.
    fn sent_with(source: &Source, threads: usize) -> Vec<String> {
        process_on(source, threads)
            .iter()
            .map(|m| format!("{m:?}"))
            .collect()
    }

    /// A batch is split into groups of about equal text, whole units each,
    /// over all of it or a range of it.
    #[test]
    fn groups_split_units_by_their_text() {
        // Texts of 5, 5, 5, 5 and 10 bytes.
        let ends = [5, 10, 15, 20, 30];
        assert_eq!(groups_by_bytes(&ends, 0..5, 3), [0..2, 2..4, 4..5]);
        assert_eq!(groups_by_bytes(&ends, 2..5, 2), [2..4, 4..5]);
        assert_eq!(groups_by_bytes(&ends, 0..5, 1), vec![0..5]);
        assert_eq!(groups_by_bytes(&ends, 0..5, 8), [0..1, 1..2, 2..3, 3..4, 4..5]);
        assert!(groups_by_bytes(&ends, 3..3, 2).is_empty());
    }

    /// What a worker sends for `source` on one thread, having checked it
    /// sends the same on three.
    fn sent_alike(source: &Source) -> Vec<String> {
        let one = sent_with(source, 1);
        assert_eq!(sent_with(source, 3), one);
        one
    }

    /// How many findings of type `ty` (its `Debug` name) were sent.
    fn count(sent: &[String], ty: &str) -> usize {
        let needle = format!("ty: {ty}");
        sent.iter().map(|m| m.matches(&needle).count()).sum()
    }

    #[test]
    fn a_big_csv_searched_in_parallel_sends_what_one_thread_sends() {
        let dir = tempfile::tempdir().unwrap();
        // About 3 MiB: several batches of values, each searched in slices
        // and groups. `kundenr` holds 8-digit numbers that look like phone
        // numbers but are not a phone column (column classification must
        // see them in order); a quoted note spans two lines.
        let mut text = String::from("id,navn,epost,kundenr,notat\n");
        for i in 0..40_000u64 {
            let note = match i % 50 {
                0 => format!("\"ring 912 34 {:03}\nfnr 15108695088\"", i % 1000),
                7 => String::new(),
                _ => "ok".to_string(),
            };
            text.push_str(&format!(
                "{i},Kari Nordmann,kunde{i}@example.no,{},{note}\n",
                10_000_000 + i * 7
            ));
        }
        let source = written(dir.path(), "kunder.csv", &text);
        let sent = sent_alike(&source);
        assert_eq!(count(&sent, "Email"), 40_000, "one e-mail a row");
        assert_eq!(count(&sent, "NoFnr"), 800, "a national ID in every 50th note");
    }

    #[test]
    fn a_big_sql_dump_searched_in_parallel_sends_what_one_thread_sends() {
        let dir = tempfile::tempdir().unwrap();
        let mut text =
            String::from("CREATE TABLE `kunder` (`id` int, `navn` text, `epost` text, `notat` text);\n");
        for statement in 0..40u64 {
            text.push_str("INSERT INTO `kunder` VALUES ");
            let tuples: Vec<String> = (0..1_000)
                .map(|t| {
                    let i = statement * 1_000 + t;
                    format!("({i},'Kari Nordmann','kunde{i}@example.no','tlf 912 34 567')")
                })
                .collect();
            text.push_str(&tuples.join(","));
            text.push_str(";\n-- between statements: ola@example.no\n");
        }
        text.push_str("COPY ansatte (id, epost) FROM stdin;\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i}\tansatt{i}@example.se\n"));
        }
        // A broken tuple at the end: the rest is read as text.
        text.push_str("\\.\nINSERT INTO `kunder` VALUES (1,'x','siste@example.no\n");
        let source = written(dir.path(), "dump.sql", &text);
        assert_eq!(count(&sent_alike(&source), "Email"), 40_000 + 40 + 20_000 + 1);
    }

    /// An NDJSON log's values are batched and searched by the pool: what
    /// a worker sends is the same on one thread and three, with strings of
    /// every kind (escapes, a long one read in chunks, personal data in a
    /// key) and a damaged last line read as text.
    #[test]
    fn a_big_ndjson_log_searched_in_parallel_sends_what_one_thread_sends() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for i in 0..30_000u64 {
            text.push_str(&format!(
                "{{\"ts\":\"2026-03-01T10:00:00Z\",\"user\":{{\"epost\":\"kunde{i}@example.no\",\"tlf\":{}}},\"msg\":\"ok \\u00e6 \\\"sitat\\\"\",\"tags\":[\"a\",{}]}}\n",
                41_000_000 + i,
                i % 7
            ));
            if i == 15_000 {
                let long = "lang tekst med ola@example.no i seg ".repeat(60_000);
                text.push_str(&format!("{{\"notat\":\"{long}\",\"kari@example.no\":1}}\n"));
            }
        }
        text.push_str("{\"epost\":\"siste@example.no\", brutt\n");
        let source = written(dir.path(), "app.ndjson", &text);
        assert_eq!(count(&sent_alike(&source), "Email"), 30_000 + 60_000 + 1 + 1);
    }

    /// A sheet's cells go in batches searched by every worker: one
    /// thread and three send the same, every cell keeps its reference and
    /// its column's header (the header row's own cells their letters).
    #[test]
    fn a_big_sheet_searched_in_parallel_sends_what_one_thread_sends() {
        let dir = tempfile::tempdir().unwrap();
        let cell = |r: &str, text: &str| format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{text}</t></is></c>");
        let mut sheet = String::from(
            "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
        );
        sheet += &format!(
            "<row r=\"1\">{}{}{}{}</row>",
            cell("A1", "navn"),
            cell("B1", "epost"),
            cell("C1", "kundenr"),
            cell("D1", "ola@example.no")
        );
        for i in 2..=30_001u32 {
            // Every 50th row a fødselsnummer in the note; every 7th row
            // no customer number (ragged rows).
            let note = if i % 50 == 0 { "fnr 15108695088" } else { "ok" };
            let number = if i % 7 == 0 {
                String::new()
            } else {
                cell(&format!("C{i}"), &(10_000_000 + i * 7).to_string())
            };
            sheet += &format!(
                "<row r=\"{i}\">{}{}{number}{}</row>",
                cell(&format!("A{i}"), "Kari Nordmann"),
                cell(&format!("B{i}"), &format!("kunde{i}@example.no")),
                cell(&format!("D{i}"), note)
            );
        }
        sheet += "</sheetData></worksheet>";
        let workbook = crate::gen_docs::xlsx(&[("Kunder", sheet.into_bytes())]);
        let source = written(dir.path(), "kunder.xlsx", workbook);
        let sent = sent_alike(&source);
        assert_eq!(count(&sent, "Email"), 30_000 + 1);
        assert_eq!(count(&sent, "NoFnr"), 600);
        let at = |cell: &str, column: &str| {
            let needle =
                format!("location: \"sheet Kunder!{cell}\", line: None, column_name: Some(\"{column}\")");
            sent.iter().any(|m| m.contains(&needle))
        };
        assert!(at("D1", "D"), "a header cell is named by its letters");
        assert!(at("B2", "epost"));
        assert!(at("B30001", "epost"));
        assert!(at("D30000", "ola@example.no"));
    }

    #[test]
    fn json_keys_keep_their_letters() {
        let dir = tempfile::tempdir().unwrap();
        let text = "{\"fødselsnummer\": \"15108695088\", \"e-p\\u00f8st\": \"ola@example.no\"}\n";
        let source = written(dir.path(), "kunder.ndjson", text);
        let msgs = process(&source, &extract::Limits::default());
        let mut columns: Vec<(DataType, Option<String>)> =
            rows_of(msgs).map(|r| (r.ty, r.column_name)).collect();
        columns.sort();
        assert_eq!(
            columns,
            [
                (DataType::Email, Some("$[\"e-pøst\"]".to_string())),
                (DataType::NoFnr, Some("$.fødselsnummer".to_string())),
            ]
        );
    }

    #[test]
    fn a_spent_time_budget_makes_the_file_partial() {
        let dir = tempfile::tempdir().unwrap();
        let source = written(dir.path(), "slow.txt", "ola@example.no\n".repeat(100_000));
        let limits = extract::Limits {
            max_file_seconds: 0,
            ..extract::Limits::default()
        };
        let msgs = process(&source, &limits);
        let Some(Message::Done(record)) = msgs.last() else {
            panic!("{msgs:?}")
        };
        assert_eq!(
            record.status,
            Status::Partial(vec![
                "time limit of 0 s (max_file_seconds) reached: the rest was not checked".into()
            ])
        );
    }
}
