//! Sink: the one thread that owns the outputs. Workers send it findings and
//! file outcomes over a bounded channel; it writes `findings`, `data_map`,
//! `data_map_folders`, `retention_violations` and `scan_errors` as CSV and
//! Parquet, judges each file against the profile's categories, regions and
//! block list as it completes, and keeps the totals for `scan.json`.
//! Nothing here sees a plain value unless `--reveal-values` put one in the
//! row.

pub mod changes;
pub mod folders;
pub mod outbox;
pub mod table;
pub mod violations;

use crate::Result;
use crate::category::{Category, ClaimMemo, FileFacts, UNDECLARED};
use crate::index::forget::Forgotten;
use crate::model::{Confidence, DataType};
use crate::records::{RecordBuffer, RecordSummary};
use crate::region::Region;
use crate::retention::{self, Policy};
use crate::state::StateStore;
use crate::state::recording::{self, Held};
use crate::state::seen::SeenRows;
use crate::triage::{self, Decision, Triage};
use changes::{Change, ChangeCounts, Changes};
use folders::{FileShare, Folders};
use foldhash::HashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use table::{Cell, Columns, Kind, TableWriter, TextPages, columns};
use violations::{Violation, ViolationKind, Violations};

/// One finding as it is written. Carries the masked value and keyed hash;
/// `value` is set only with `--reveal-values`.
#[derive(Debug, Clone)]
pub struct FindingRow {
    /// File path as displayed.
    pub path: Arc<str>,
    /// Format the file was read as.
    pub file_type: &'static str,
    /// File size at walk time.
    pub file_size: Option<u64>,
    /// File modified time, microseconds since the epoch, UTC.
    pub file_modified: Option<i64>,
    /// Human-readable location.
    pub location: String,
    /// Line number, where the format has lines.
    pub line: Option<u64>,
    /// Column name for structured data.
    pub column_name: Option<String>,
    /// Type.
    pub ty: DataType,
    /// The `type` column: the type's name, or a custom detector's id.
    pub type_label: &'static str,
    /// A special category's kind (`health`…); empty for other types.
    pub subtype: &'static str,
    /// Variant and reasons.
    pub detail: String,
    /// What the confidence rests on (`checksum+keyword`, `format`…).
    pub reason: &'static str,
    /// Confidence.
    pub confidence: Confidence,
    /// Masked value.
    pub value_masked: String,
    /// HMAC-SHA256 of the normalised value, hex.
    pub value_hash: String,
    /// The plain value, only with `--reveal-values`.
    pub value: Option<String>,
    /// The file on disk the finding was read from (for an inner file of
    /// an archive or e-mail, the outer file): what `subject export
    /// --reveal-values` re-reads.
    pub source: Arc<str>,
    /// The record the finding belongs to within its file (`row 42`,
    /// `table kunder row 7`, `sheet Ansatte row 3`, `message 17`); empty
    /// for the whole file (a letter, a log). Findings of one record are
    /// linked in the subject index.
    pub record: String,
    /// Keyed hashes of a person name's tokens (empty for other types), so
    /// names can be searched order-free.
    pub name_tokens: Vec<String>,
}

#[cfg(test)]
impl FindingRow {
    /// An e-mail finding of `crm/kunder.csv` at `location` with hash
    /// `hash` (tests only).
    pub fn example(location: &str, hash: &str) -> FindingRow {
        let path: std::sync::Arc<str> = std::sync::Arc::from("crm/kunder.csv");
        FindingRow {
            path: path.clone(),
            file_type: "csv",
            file_size: None,
            file_modified: None,
            location: location.into(),
            line: None,
            column_name: None,
            ty: crate::model::DataType::Email,
            type_label: "email",
            subtype: "",
            detail: String::new(),
            reason: "format",
            confidence: crate::model::Confidence::High,
            value_masked: "o**@x.no".into(),
            value_hash: hash.into(),
            value: None,
            source: path,
            record: location.into(),
            name_tokens: Vec::new(),
        }
    }
}

/// How well a file could be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Read completely.
    Scanned,
    /// Read, but parts were not checked (reasons in words).
    Partial(Vec<String>),
    /// Not read on purpose (binary, unsupported, symlink, special file).
    Skipped(String),
    /// Could not be read.
    Failed(String),
}

impl Status {
    /// The status column value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Scanned => "scanned",
            Status::Partial(_) => "partial",
            Status::Skipped(_) => "skipped",
            Status::Failed(_) => "failed",
        }
    }

    /// Why the file was not fully checked, in words (`None`: it was).
    pub fn reason(&self) -> Option<String> {
        match self {
            Status::Scanned => None,
            Status::Partial(gaps) => Some(gaps.join("; ")),
            Status::Skipped(why) | Status::Failed(why) => Some(why.clone()),
        }
    }
}

/// Everything known about one file once it has been handled.
#[derive(Debug, Clone)]
pub struct FileRecord {
    /// File path as displayed.
    pub path: Arc<str>,
    /// Format it was read as.
    pub file_type: &'static str,
    /// Size at walk time (None when unknown, e.g. a walk error).
    pub size: Option<u64>,
    /// Modified time, microseconds since the epoch, UTC.
    pub modified: Option<i64>,
    /// Outcome.
    pub status: Status,
    /// Bytes read from the file.
    pub bytes_read: u64,
    /// Text encoding, for text-like formats.
    pub encoding: Option<&'static str>,
    /// Remarks that do not reduce coverage.
    pub notes: Vec<String>,
    /// An inner file (archive entry, attachment) rather than a file on
    /// disk: listed in every output under its `outer!inner` path, counted
    /// apart from the files the walk found.
    pub member: bool,
    /// Column classification of structured data, sorted by column name.
    pub columns: Vec<(String, crate::columns::Summary)>,
}

/// What workers send to the sink.
#[derive(Debug)]
pub enum Message {
    /// A batch of findings of one file (always before its `Done`).
    Findings(Vec<FindingRow>),
    /// A file is finished.
    Done(FileRecord),
    /// Finished records of a file with personal data in them, for
    /// row-level dating (always before the file's `Done`).
    Records {
        /// The file's display path.
        path: Arc<str>,
        /// The records.
        records: Vec<RecordSummary>,
    },
    /// A file was left out by the profile's globs.
    Excluded,
    /// Values that appeared in a file on disk read again, and values that
    /// disappeared from it, since the previous scan: at most
    /// [`changes::CHANGES`]
    /// in one message, all before the file's `Stored`.
    Changes(Box<FileChanges>),
    /// A file on disk was read (after its other messages): its result for
    /// the state store.
    Stored(Box<StoredFile>),
    /// A file on disk was unchanged: its recorded messages were replayed
    /// (before this one) instead of reading it. It holds the file's row in
    /// the state store.
    Carried(i64),
    /// A part of the result of a file on disk being read, to store now
    /// (all before the file's `Stored`).
    Part(Box<crate::state::recording::PartReady>),
}

/// Some of the changes of one file on disk read again.
#[derive(Debug)]
pub struct FileChanges {
    /// The file on disk (as the state store keys it).
    pub path: Arc<str>,
    /// Values found where they were not before.
    pub appeared: Vec<Change>,
    /// Values no longer found where they were.
    pub disappeared: Vec<Change>,
}

/// A file read by this scan, as the sink keeps it.
#[derive(Debug)]
pub struct StoredFile {
    /// What the state store keeps.
    pub stored: crate::state::Stored,
    /// The file's row in the state store before this scan, if it had
    /// one.
    pub prior_row: Option<i64>,
}

/// Files of the state looked at together when the gone ones are found.
const GONE_PAGE: usize = 4096;

/// The state of incremental scans, as the sink updates it.
struct StateSink {
    store: StateStore,
    skip_key: String,
    /// The state's rows of the files on disk this scan read or carried,
    /// and the rows it wrote: the others are gone.
    seen: SeenRows,
    /// How many of those the state held before this scan: when that is
    /// every file it held, none is gone.
    known_seen: u64,
    /// Finding ids that appeared in and went from files still being read,
    /// by file: noted in the state once the file is stored.
    first_seen: HashMap<Arc<str>, (Vec<u64>, Vec<u64>)>,
    read: u64,
    carried: u64,
    /// Where the gone files are forgotten in a kept subject index.
    forgotten: Option<Forgotten>,
}

impl StateSink {
    /// Notes that the scan saw a file the state held before, at `row`.
    fn see(&mut self, row: i64) {
        if self.seen.insert(row) {
            self.known_seen += 1;
        }
    }
}

/// What a finished sink hands back (with the state store, its
/// transaction still open, for the scan to commit).
pub struct Finished {
    /// Totals for `scan.json`.
    pub totals: Totals,
    /// How many files were gone.
    pub files_removed: u64,
    /// Files read and carried forward.
    pub read: u64,
    /// Files carried forward unread.
    pub carried: u64,
    /// What changed since the previous scan.
    pub changes: ChangeCounts,
    /// What the triage decisions covered.
    pub triage: triage::TriageCounts,
}

/// Totals for `scan.json` and the summary table.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    /// Files seen (everything the walk reported except exclusions).
    pub files_seen: u64,
    /// Files fully checked.
    pub files_scanned: u64,
    /// Files read with gaps.
    pub files_partial: u64,
    /// Files skipped on purpose.
    pub files_skipped: u64,
    /// Files that could not be read.
    pub files_failed: u64,
    /// Files excluded by the profile.
    pub files_excluded: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes of files fully checked.
    pub bytes_fully_checked: u64,
    /// Size of all files seen.
    pub bytes_seen: u64,
    /// Inner files (archive entries, attachments) handled.
    pub inner_files: u64,
    /// Inner files not fully checked.
    pub inner_files_not_checked: u64,
    /// Findings per type.
    pub findings_by_type: BTreeMap<DataType, u64>,
    /// Findings of each custom detector, by id (also counted under
    /// `DataType::Custom` in `findings_by_type`).
    pub custom_findings: BTreeMap<&'static str, u64>,
    /// Findings per confidence.
    pub findings_by_confidence: BTreeMap<Confidence, u64>,
    /// Retention, categories and transfers.
    pub retention: RetentionTotals,
}

/// Retention totals for `scan.json`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct RetentionTotals {
    /// The reference time ages are counted to, RFC 3339.
    pub as_of: String,
    /// Rows in `retention_violations` (retention and blocked contacts).
    pub violations: u64,
    /// Files (on disk or inner) with at least one violation.
    pub files_in_violation: u64,
    /// Personal findings in data kept past its retention.
    pub overdue_findings: u64,
    /// Blocked contacts found in categories they are blocked from.
    pub blocked_contacts: u64,
    /// Files holding personal data that no category claims.
    pub undeclared_files: u64,
    /// Personal findings in those files.
    pub undeclared_findings: u64,
    /// Files holding personal data stored outside the EU/EEA.
    pub files_outside_eea: u64,
    /// Files holding personal data per category (`undeclared` included).
    pub files_by_category: BTreeMap<String, u64>,
}

impl Totals {
    /// All findings.
    pub fn findings(&self) -> u64 {
        self.findings_by_type.values().sum()
    }

    /// Findings that are personal data (all but organisation numbers).
    pub fn personal_findings(&self) -> u64 {
        self.findings_by_type
            .iter()
            .filter(|(t, _)| t.personal())
            .map(|(_, n)| n)
            .sum()
    }
}

#[derive(Default)]
struct Counts {
    per_type: [u64; DataType::ALL.len()],
    highest: Option<Confidence>,
    /// Ids of the custom detectors that found something here.
    custom: Vec<&'static str>,
    /// Special-category subtypes found here, sorted.
    special: Vec<&'static str>,
}

impl Counts {
    fn add(&mut self, row: &FindingRow) {
        self.per_type[row.ty.index()] += 1;
        self.highest = self.highest.max(Some(row.confidence));
        if row.ty == DataType::Custom && !self.custom.contains(&row.type_label) {
            self.custom.push(row.type_label);
        }
        if !row.subtype.is_empty()
            && let Err(at) = self.special.binary_search(&row.subtype)
        {
            self.special.insert(at, row.subtype);
        }
    }
    fn total(&self) -> u64 {
        self.per_type.iter().sum()
    }
    fn personal(&self) -> u64 {
        DataType::ALL
            .iter()
            .filter(|t| t.personal())
            .map(|t| self.per_type[t.index()])
            .sum()
    }
}

/// A blocked contact found in a file, judged when the file's category is
/// known.
struct BlockedHit {
    location: String,
    ty: DataType,
    value_masked: String,
}

#[derive(Default)]
struct FileCounts {
    file: Counts,
    columns: BTreeMap<String, Counts>,
    blocked: Vec<BlockedHit>,
    records: RecordBuffer,
}

/// How a completed file stands against the profile's policy.
struct Judged<'p> {
    category: Option<&'p Category>,
    region: Option<&'p Region>,
    age_days: Option<u64>,
    overdue_days: Option<u64>,
    violations: u64,
}

/// The output writer. Create it, feed it [`Message`]s, then finish it.
pub struct Sink {
    scan_id: String,
    reveal: bool,
    findings: TableWriter,
    data_map: TableWriter,
    errors: TableWriter,
    pending: HashMap<Arc<str>, FileCounts>,
    totals: Totals,
    state: StateSink,
    changes: Changes,
    policy: Arc<Policy>,
    violations: Violations,
    folders: Folders,
    out_dir: std::path::PathBuf,
    triage: Triage,
    /// Kept by category matching from file to file.
    claim_memo: ClaimMemo,
}

fn findings_columns(reveal: bool) -> Columns {
    let mut c: Columns = columns(&[
        ("scan_id", Kind::Str),
        ("finding_id", Kind::Str),
        ("path", Kind::Str),
        ("file_type", Kind::Str),
        ("location", Kind::Str),
        ("line", Kind::U64),
        ("column_name", Kind::Str),
        ("type", Kind::Str),
        ("subtype", Kind::Str),
        ("detail", Kind::Str),
        ("reason", Kind::Str),
        ("confidence", Kind::Str),
        ("value_masked", Kind::Str),
        ("value_hash", Kind::Str),
        ("triage", Kind::Str),
        ("triage_id", Kind::U64),
        ("file_size", Kind::U64),
        ("file_modified", Kind::Time),
    ]);
    if reveal {
        c.push(("value".into(), Kind::Str));
    }
    c
}

fn data_map_columns() -> Columns {
    let mut c: Columns = columns(&[
        ("scan_id", Kind::Str),
        ("path", Kind::Str),
        ("file_type", Kind::Str),
        ("column_name", Kind::Str),
        ("column_type", Kind::Str),
        ("column_values", Kind::U64),
        ("column_share", Kind::F64),
        ("total_findings", Kind::U64),
        ("personal_findings", Kind::U64),
        ("highest_confidence", Kind::Str),
        ("types", Kind::Str),
        ("special_categories", Kind::Str),
        ("category", Kind::Str),
        ("purpose", Kind::Str),
        ("legal_basis", Kind::Str),
        ("retention", Kind::Str),
        ("on_expiry", Kind::Str),
        ("age_days", Kind::U64),
        ("overdue_days", Kind::U64),
        ("violations", Kind::U64),
        ("region", Kind::Str),
        ("transfer", Kind::Str),
        ("outside_eea", Kind::Str),
    ]);
    c.extend(type_columns());
    c.extend(columns(&[
        ("file_size", Kind::U64),
        ("file_modified", Kind::Time),
        ("status", Kind::Str),
        ("encoding", Kind::Str),
        ("notes", Kind::Str),
    ]));
    c
}

/// One count column per type (`email` … `custom`), in [`DataType::ALL`]
/// order: what the data map and its folder roll-up end with.
pub fn type_columns() -> Columns {
    DataType::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), Kind::U64))
        .collect()
}

fn error_columns() -> Columns {
    columns(&[
        ("scan_id", Kind::Str),
        ("path", Kind::Str),
        ("file_type", Kind::Str),
        ("status", Kind::Str),
        ("reason", Kind::Str),
        ("file_size", Kind::U64),
        ("file_modified", Kind::Time),
    ])
}

impl Sink {
    /// Opens the output tables in `out_dir` (which must exist); files are
    /// judged against `policy`, and what files yield is kept in `state`
    /// under `skip_key`.
    pub fn create(
        out_dir: &Path,
        scan_id: &str,
        reveal: bool,
        policy: Arc<Policy>,
        state: StateStore,
        skip_key: &str,
    ) -> Result<Sink> {
        let totals = Totals {
            retention: RetentionTotals {
                as_of: table::rfc3339(policy.as_of),
                ..RetentionTotals::default()
            },
            ..Totals::default()
        };
        Ok(Sink {
            triage: Triage::new(state.triage_rules()?)?,
            claim_memo: ClaimMemo::default(),
            violations: Violations::create(out_dir, scan_id)?,
            folders: Folders::default(),
            policy,
            out_dir: out_dir.to_path_buf(),
            scan_id: scan_id.to_string(),
            reveal,
            // A file's path, type and confidence repeat on each finding.
            findings: TableWriter::create_with(
                out_dir,
                "findings",
                findings_columns(reveal),
                TextPages::Dictionary,
            )?,
            data_map: TableWriter::create(out_dir, "data_map", data_map_columns())?,
            errors: TableWriter::create(out_dir, "scan_errors", error_columns())?,
            pending: HashMap::default(),
            totals,
            changes: Changes::create(out_dir, scan_id, state.has_previous_scan())?,
            state: StateSink {
                store: state,
                skip_key: skip_key.to_string(),
                seen: SeenRows::default(),
                known_seen: 0,
                first_seen: HashMap::default(),
                read: 0,
                carried: 0,
                forgotten: None,
            },
        })
    }

    /// Forgets every gone file in `forgotten` (a kept subject index's
    /// set) as it is found, so no list of them is held.
    pub fn with_forgotten(mut self, forgotten: Option<Forgotten>) -> Sink {
        self.state.forgotten = forgotten;
        self
    }

    /// Handles one message.
    pub fn handle(&mut self, msg: Message) -> Result<()> {
        match msg {
            Message::Findings(rows) => {
                // A message's rows are mostly of one file: its counts are
                // looked up once a run of rows, not once a row.
                let mut rows = rows.into_iter().peekable();
                while let Some(path) = rows.peek().map(|row| row.path.clone()) {
                    let mut counts = self.pending.remove(&path).unwrap_or_default();
                    while let Some(row) = rows.next_if(|row| row.path == path) {
                        self.finding(&row, &mut counts)?;
                    }
                    self.pending.insert(path, counts);
                }
                Ok(())
            }
            Message::Done(record) => self.done(record),
            Message::Records { path, records } => {
                let counts = self.pending.entry(path).or_default();
                counts
                    .records
                    .extend(&self.out_dir, records)
                    .map_err(|source| crate::Error::Output {
                        path: self.out_dir.clone(),
                        source,
                    })
            }
            Message::Excluded => {
                self.totals.files_excluded += 1;
                Ok(())
            }
            Message::Changes(file) => {
                let FileChanges {
                    path,
                    appeared,
                    disappeared,
                } = *file;
                self.changed(path, appeared, disappeared)
            }
            Message::Stored(file) => {
                let state = &mut self.state;
                let path = file.stored.path.as_str();
                if let Some(row) = file.prior_row {
                    state.see(row);
                }
                state.read += 1;
                let row = state.store.store(&file.stored, &state.skip_key, &self.scan_id)?;
                state.seen.insert(row);
                if let Some((appeared, gone)) = state.first_seen.remove(path) {
                    state.store.note_changes(path, &appeared, &gone, &self.scan_id)?;
                }
                Ok(())
            }
            Message::Carried(row) => {
                self.state.see(row);
                self.state.carried += 1;
                Ok(())
            }
            Message::Part(part) => self.state.store.store_part(&part),
        }
    }

    /// Takes changes of the file on disk `path` (see [`take_changes`]).
    fn changed(&mut self, path: Arc<str>, appeared: Vec<Change>, disappeared: Vec<Change>) -> Result<()> {
        let first_seen = &mut self.state.first_seen;
        take_changes(
            &mut self.changes,
            &mut self.triage,
            first_seen,
            path,
            appeared,
            disappeared,
        )
    }

    fn finding(&mut self, row: &FindingRow, counts: &mut FileCounts) -> Result<()> {
        let id = triage::finding_id(&row.path, &row.location, row.type_label, &row.value_hash);
        let decision = self.triage.judge(id, &row.path, row.type_label, &row.value_hash);
        if let Some((_, Decision::FalsePositive)) = decision {
            return Ok(());
        }
        let (file_type, size, modified) = (row.file_type, row.file_size, row.file_modified);
        counts.file.add(row);
        if let Some(blocked) = &self.policy.blocked
            && matches!(row.ty, DataType::Email | DataType::Phone)
            && blocked.contains(&row.value_hash)
        {
            counts.blocked.push(BlockedHit {
                location: row.location.clone(),
                ty: row.ty,
                value_masked: row.value_masked.clone(),
            });
        }
        if let Some(col) = &row.column_name {
            match counts.columns.get_mut(col) {
                Some(c) => c.add(row),
                None => {
                    let mut c = Counts::default();
                    c.add(row);
                    counts.columns.insert(col.clone(), c);
                }
            }
        }
        *self.totals.findings_by_type.entry(row.ty).or_default() += 1;
        if row.ty == DataType::Custom {
            *self.totals.custom_findings.entry(row.type_label).or_default() += 1;
        }
        *self
            .totals
            .findings_by_confidence
            .entry(row.confidence)
            .or_default() += 1;
        let id_text = triage::IdText::new(id);
        // An array, not a vector: one allocation less a finding.
        let cells = [
            Cell::from(self.scan_id.as_str()),
            Cell::from(id_text.as_str()),
            Cell::from(&*row.path),
            Cell::from(file_type),
            Cell::from(&row.location),
            Cell::from(row.line),
            Cell::from(row.column_name.as_deref()),
            Cell::from(row.type_label),
            Cell::from((!row.subtype.is_empty()).then_some(row.subtype)),
            Cell::from(&row.detail),
            Cell::from(row.reason),
            Cell::from(row.confidence.as_str()),
            Cell::from(&row.value_masked),
            Cell::from(&row.value_hash),
            Cell::from(decision.map(|(_, d)| d.as_str())),
            Cell::from(decision.map(|(id, _)| id as u64)),
            Cell::from(size),
            modified.map_or(Cell::Null, Cell::Time),
        ];
        if self.reveal {
            let mut revealed = Vec::from(cells);
            revealed.push(Cell::from(row.value.as_deref()));
            return self.findings.push(&revealed);
        }
        self.findings.push(&cells)
    }

    fn data_map_row(
        &mut self,
        r: &FileRecord,
        column: Option<&str>,
        counts: &Counts,
        judged: &Judged<'_>,
    ) -> Result<()> {
        let summary = column.and_then(|c| {
            let i = r.columns.binary_search_by(|(n, _)| n.as_str().cmp(c)).ok()?;
            Some(&r.columns[i].1)
        });
        let types: Vec<&str> = DataType::ALL
            .iter()
            .filter(|&&t| counts.per_type[t.index()] > 0 && t != DataType::Custom)
            .map(|t| t.as_str())
            .chain(counts.custom.iter().copied())
            .collect();
        // Sized for the whole row: growing it was 7% of the sink's time.
        let mut cells = Vec::with_capacity(self.data_map.width());
        cells.extend([
            Cell::from(self.scan_id.as_str()),
            Cell::from(&*r.path),
            Cell::from(r.file_type),
            Cell::from(column),
            Cell::from(summary.and_then(|s| s.ty).map(DataType::as_str)),
            Cell::from(summary.map(|s| s.values)),
            summary.map_or(Cell::Null, |s| Cell::F64((s.share * 1000.0).round() / 1000.0)),
            Cell::U64(counts.total()),
            Cell::U64(counts.personal()),
            Cell::from(counts.highest.map(Confidence::as_str)),
            Cell::from(types.join(",")),
            Cell::from((!counts.special.is_empty()).then(|| counts.special.join(","))),
        ]);
        let c = judged.category;
        let name = c
            .map(|c| c.name.as_str())
            .or((counts.personal() > 0).then_some(UNDECLARED));
        cells.extend([
            Cell::from(name),
            Cell::from(c.map(|c| c.purpose.as_str())),
            Cell::from(c.map(|c| c.legal_basis.as_str())),
            Cell::from(c.map(|c| c.retention.to_string())),
            Cell::from(c.map(|c| c.action.as_str())),
            Cell::from(judged.age_days),
            Cell::from(judged.overdue_days),
            Cell::U64(if column.is_none() { judged.violations } else { 0 }),
            Cell::from(judged.region.map(|r| r.code.as_str())),
            Cell::from(judged.region.map(|r| r.transfer.as_str())),
            Cell::from(
                judged
                    .region
                    .map(|r| if r.transfer.outside_eea() { "yes" } else { "no" }),
            ),
        ]);
        cells.extend(counts.per_type.iter().map(|&n| Cell::U64(n)));
        let notes = match &r.status {
            Status::Partial(gaps) => gaps.iter().chain(&r.notes).cloned().collect::<Vec<_>>(),
            _ => r.notes.clone(),
        };
        cells.extend([
            Cell::from(r.size),
            r.modified.map_or(Cell::Null, Cell::Time),
            Cell::from(r.status.as_str()),
            Cell::from(r.encoding),
            Cell::from((!notes.is_empty()).then(|| notes.join("; "))),
        ]);
        self.data_map.push(&cells)
    }

    fn done(&mut self, r: FileRecord) -> Result<()> {
        let mut counts = self.pending.remove(&r.path).unwrap_or_default();
        let t = &mut self.totals;
        if r.member {
            t.inner_files += 1;
            t.inner_files_not_checked += u64::from(r.status != Status::Scanned);
        } else {
            t.files_seen += 1;
            t.bytes_read += r.bytes_read;
            t.bytes_seen += r.size.unwrap_or(0);
            match &r.status {
                Status::Scanned => {
                    t.files_scanned += 1;
                    t.bytes_fully_checked += r.size.unwrap_or(r.bytes_read);
                }
                Status::Partial(_) => t.files_partial += 1,
                Status::Skipped(_) => t.files_skipped += 1,
                Status::Failed(_) => t.files_failed += 1,
            }
        }
        if matches!(r.status, Status::Scanned | Status::Partial(_)) {
            let policy = Arc::clone(&self.policy);
            let judged = self.judge(&policy, &r, &mut counts)?;
            self.data_map_row(&r, None, &counts.file, &judged)?;
            for (col, c) in &counts.columns {
                self.data_map_row(&r, Some(col), c, &judged)?;
            }
        }
        let Some(reason) = r.status.reason() else {
            return Ok(());
        };
        self.errors.push(&[
            Cell::from(self.scan_id.as_str()),
            Cell::from(&*r.path),
            Cell::from(r.file_type),
            Cell::from(r.status.as_str()),
            Cell::from(reason),
            Cell::from(r.size),
            r.modified.map_or(Cell::Null, Cell::Time),
        ])
    }

    /// Judges a readable file against the policy: its category, region and
    /// age; writes its violations and counts it in its folder.
    fn judge<'p>(
        &mut self,
        policy: &'p Policy,
        r: &FileRecord,
        counts: &mut FileCounts,
    ) -> Result<Judged<'p>> {
        let mut column_names: Vec<&str> = r.columns.iter().map(|(n, _)| n.as_str()).collect();
        column_names.extend(counts.columns.keys().map(String::as_str));
        let types = DataType::ALL
            .iter()
            .filter(|t| counts.file.per_type[t.index()] > 0)
            .fold(0, |m, t| m | t.bit());
        let facts = FileFacts {
            path: &r.path,
            file_type: r.file_type,
            types,
            columns: &column_names,
        };
        let position = policy.category_of(&facts, &mut self.claim_memo);
        let category = position.map(|i| &policy.categories[i]);
        let date_ids: &[u16] = position.map_or(&[], |i| &policy.category_dates[i]);
        let records = std::mem::take(&mut counts.records);
        let row_level = records.has_dates_in(date_ids);
        let region = policy.regions.of(&r.path);
        let personal = counts.file.personal();
        let age_days = r.modified.map(|m| retention::age_days(policy.as_of, m));
        let overdue = category
            .zip(r.modified)
            .and_then(|(c, m)| retention::overdue(c, policy.as_of, m));
        let before = self.violations.rows();
        let t = &mut self.totals.retention;
        if personal > 0 {
            let name = category.map_or(UNDECLARED, |c| c.name.as_str());
            *t.files_by_category.entry(name.to_string()).or_default() += 1;
            if category.is_none() {
                t.undeclared_files += 1;
                t.undeclared_findings += personal;
            }
            if region.is_some_and(|r| r.transfer.outside_eea()) {
                t.files_outside_eea += 1;
            }
        }
        if let Some(c) = category
            && personal > 0
        {
            if row_level {
                let (violations, t) = (&mut self.violations, &mut self.totals.retention);
                records.drain(|rec| {
                    let (dated, source) = match rec.date_in(date_ids) {
                        Some((id, date)) => {
                            (Some(date), format!("column {}", policy.date_columns[id as usize]))
                        }
                        None => (r.modified, "modified time (no date in the row)".to_string()),
                    };
                    let Some(age) = dated.and_then(|d| retention::overdue(c, policy.as_of, d)) else {
                        return Ok(());
                    };
                    t.overdue_findings += rec.personal();
                    violations.push(Violation {
                        path: &r.path,
                        file_type: r.file_type,
                        location: &rec.label,
                        kind: ViolationKind::Retention,
                        category: c,
                        dated,
                        age_source: &source,
                        age: Some(age),
                        per_type: &rec.per_type.map(u64::from),
                        value_masked: None,
                    })
                })?;
            } else if let Some(age) = overdue {
                t.overdue_findings += personal;
                self.violations.push(Violation {
                    path: &r.path,
                    file_type: r.file_type,
                    location: "file",
                    kind: ViolationKind::Retention,
                    category: c,
                    dated: r.modified,
                    age_source: "modified time",
                    age: Some(age),
                    per_type: &counts.file.per_type,
                    value_masked: None,
                })?;
            }
            if policy.blocked.as_ref().is_some_and(|b| b.applies_to(&c.name)) {
                for hit in &counts.blocked {
                    let mut per_type = [0u64; DataType::ALL.len()];
                    per_type[hit.ty.index()] = 1;
                    self.totals.retention.blocked_contacts += 1;
                    self.violations.push(Violation {
                        path: &r.path,
                        file_type: r.file_type,
                        location: &hit.location,
                        kind: ViolationKind::BlockedContact,
                        category: c,
                        dated: None,
                        age_source: "",
                        age: None,
                        per_type: &per_type,
                        value_masked: Some(&hit.value_masked),
                    })?;
                }
            }
        }
        let violations = self.violations.rows() - before;
        self.totals.retention.files_in_violation += u64::from(violations > 0);
        if violations > 0 {
            self.changes.violating(&r.path)?;
        }
        self.folders.add(FileShare {
            path: &r.path,
            per_type: &counts.file.per_type,
            personal,
            category: category
                .map(|c| c.name.as_str())
                .or((personal > 0).then_some(UNDECLARED)),
            special: &counts.file.special,
            modified: r.modified,
            violations,
            region: region.map(|r| r.code.as_str()),
            outside_eea: personal > 0 && region.is_some_and(|r| r.transfer.outside_eea()),
        });
        Ok(Judged {
            category,
            region,
            age_days,
            overdue_days: overdue.map(|o| o.1),
            violations,
        })
    }

    /// Drops the files the state holds that this scan did not see (they
    /// are gone, or can no longer be read): what they held disappeared,
    /// and a kept subject index forgets them. Returns how many.
    fn remove_gone(&mut self) -> Result<u64> {
        let mut gone = 0;
        // Every file the state held was seen: no need to list them all
        // (a quarter of the tail of a 100,000-file rescan).
        if self.state.known_seen == self.state.store.previous_files() {
            return Ok(gone);
        }
        // The state's files are paged through, so a share of millions of
        // files is never listed whole.
        let mut after = i64::MIN;
        loop {
            let page = self.state.store.paths_after(after, GONE_PAGE)?;
            let Some(&(last, _)) = page.last() else {
                return Ok(gone);
            };
            after = last;
            for (row, path) in page {
                if !self.state.seen.contains(row) {
                    self.forget_gone(&path)?;
                    gone += 1;
                }
            }
        }
    }

    /// Reports what the gone file `path` held as disappeared and drops it
    /// from the state.
    fn forget_gone(&mut self, path: &str) -> Result<()> {
        let recording = self.state.store.recording(path)?;
        let key: Arc<str> = Arc::from(path);
        let mut failed = Ok(());
        let Sink {
            changes,
            triage,
            state,
            ..
        } = self;
        let mut emit = |appeared, disappeared| {
            if failed.is_ok() {
                let first_seen = &mut state.first_seen;
                failed = take_changes(changes, triage, first_seen, key.clone(), appeared, disappeared);
            }
        };
        let mut batches = changes::Batches::new(&mut emit);
        let held = recording
            .as_deref()
            .and_then(|blob| Held::of(blob, &state.store, path));
        recording::each_finding(held.as_ref(), &mut |row| batches.push(row, false));
        batches.finish();
        failed?;
        // Its row goes, and with it when its findings appeared: the ids
        // gathered for noting that are dropped.
        self.state.store.remove(path)?;
        self.state.first_seen.remove(&key);
        match &self.state.forgotten {
            Some(index) => index.forget(path).map_err(crate::Error::Index),
            None => Ok(()),
        }
    }

    /// Writes the remaining row groups and renames every table into place;
    /// forgets gone files in the state store, which it hands back with its
    /// transaction open.
    pub fn finish(mut self) -> Result<(Finished, StateStore)> {
        let removed = self.remove_gone()?;
        self.totals.retention.violations = self.violations.rows();
        // The two big tables are finished on threads of their own, so
        // their waits overlap: each waits for its Parquet thread to encode
        // the last row group, then for the disk to take both its files.
        let (findings, data_map) = (self.findings, self.data_map);
        let (folders, violations, errors, changes) =
            (self.folders, self.violations, self.errors, self.changes);
        let (out_dir, scan_id) = (&self.out_dir, &self.scan_id);
        let changes = std::thread::scope(|scope| {
            let findings = scope.spawn(|| findings.commit());
            let data_map = scope.spawn(|| data_map.commit());
            let rest = folders
                .write(out_dir, scan_id)
                .and_then(|()| violations.commit())
                .and_then(|()| errors.commit())
                .and_then(|()| changes.commit());
            let joined = |t: std::thread::ScopedJoinHandle<'_, Result<()>>| {
                t.join().expect("table commit does not panic")
            };
            joined(findings).and(joined(data_map)).and(rest)
        })?;
        let finished = Finished {
            triage: self.triage.counts(),
            totals: self.totals,
            files_removed: removed,
            read: self.state.read,
            carried: self.state.carried,
            changes,
        };
        Ok((finished, self.state.store))
    }
}

/// Takes changes of the file on disk `path` into the change report:
/// false positives are left out of it, and the ids of all are kept in
/// `first_seen` for noting when each finding appeared (`findings
/// --baseline`) once the file is stored.
fn take_changes(
    report: &mut Changes,
    triage: &mut Triage,
    first_seen: &mut HashMap<Arc<str>, (Vec<u64>, Vec<u64>)>,
    path: Arc<str>,
    appeared: Vec<Change>,
    disappeared: Vec<Change>,
) -> Result<()> {
    if !report.compared() {
        return Ok(());
    }
    let (appeared_ids, gone_ids) = first_seen.entry(path).or_default();
    let mut kept = |changes: Vec<Change>, ids: &mut Vec<u64>| -> Vec<Change> {
        let mut kept = Vec::with_capacity(changes.len());
        for c in changes {
            let id = triage::finding_id(&c.path, &c.location, c.type_label, &c.value_hash);
            ids.push(id);
            let decision = triage.lookup(id, &c.path, c.type_label, &c.value_hash);
            if decision.map(|r| r.decision) != Some(Decision::FalsePositive) {
                kept.push(c);
            }
        }
        kept
    };
    let appeared = kept(appeared, appeared_ids);
    let disappeared = kept(disappeared, gone_ids);
    report.add(appeared, disappeared)
}
