//! The scan history: one Parquet partition per scan,
//! `OUT/history/scan_id=<id>/summary.parquet`, holding one row with that
//! scan's summary, so trends over nights load in one query
//! (`SELECT * FROM read_parquet('OUT/history/*/*.parquet',
//! hive_partitioning = true)` in DuckDB; the scan id comes from the folder
//! name). `datakart history` prints the last scans as a table.

use crate::Result;
use crate::scan::ScanSummary;
use crate::sink::table::{Cell, Columns, Kind, TableWriter, columns};
use polars::prelude::{AnyValue, DataFrame, ParquetReader, SerReader};
use std::path::{Path, PathBuf};

/// The history folder inside an output folder.
pub const HISTORY_DIR: &str = "history";

fn history_columns() -> Vec<(String, Kind)> {
    use Kind::{F64, Str, U64};
    columns(&[
        ("started_at", Str),
        ("finished_at", Str),
        ("duration_seconds", F64),
        ("mode", Str),
        ("files_seen", U64),
        ("files_read", U64),
        ("files_carried", U64),
        ("files_removed", U64),
        ("files_failed", U64),
        ("files_partial", U64),
        ("bytes_read", U64),
        ("findings", U64),
        ("personal_findings", U64),
        ("violations", U64),
        ("files_in_violation", U64),
        ("appeared", U64),
        ("disappeared", U64),
        ("moved", U64),
        ("newly_violating", U64),
    ])
}

/// The partition folder of one scan.
pub fn partition(out_dir: &Path, scan_id: &str) -> PathBuf {
    out_dir.join(HISTORY_DIR).join(format!("scan_id={scan_id}"))
}

/// Writes the scan's partition (atomically, like every output).
pub fn write(out_dir: &Path, s: &ScanSummary) -> Result<()> {
    let dir = partition(out_dir, &s.scan_id);
    std::fs::create_dir_all(&dir).map_err(|source| crate::Error::Output {
        path: dir.clone(),
        source,
    })?;
    let mut table = TableWriter::create_files(None, Some(dir.join("summary.parquet")), history_columns())?;
    table.push(&[
        Cell::from(s.started_at.as_str()),
        Cell::from(s.finished_at.as_str()),
        Cell::F64(s.duration_seconds),
        Cell::from(s.incremental.mode),
        Cell::U64(s.files.seen),
        Cell::U64(s.incremental.files_read),
        Cell::U64(s.incremental.files_carried),
        Cell::U64(s.incremental.files_removed),
        Cell::U64(s.files.failed),
        Cell::U64(s.files.partial),
        Cell::U64(s.bytes.read),
        Cell::U64(s.findings.total),
        Cell::U64(s.findings.personal),
        Cell::U64(s.retention.violations),
        Cell::U64(s.retention.files_in_violation),
        Cell::U64(s.changes.appeared),
        Cell::U64(s.changes.disappeared),
        Cell::U64(s.changes.moved),
        Cell::U64(s.changes.newly_violating),
    ])?;
    table.commit()
}

/// The columns [`read`] returns: the scan id, then the partition's.
pub fn read_columns() -> Columns {
    let mut columns = columns(&[("scan_id", Kind::Str)]);
    columns.extend(history_columns());
    columns
}

/// The scans in the history of `out_dir`, oldest first, as rows of
/// [`read_columns`].
pub fn read(out_dir: &Path) -> Result<Vec<Vec<Cell<'static>>>> {
    let mut rows = Vec::new();
    let Ok(listing) = std::fs::read_dir(out_dir.join(HISTORY_DIR)) else {
        return Ok(rows);
    };
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(scan_id) = name.strip_prefix("scan_id=") else {
            continue;
        };
        let path = entry.path().join("summary.parquet");
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        let frame: DataFrame = ParquetReader::new(file)
            .finish()
            .map_err(|e| crate::Error::Parquet {
                path: path.clone(),
                message: e.to_string(),
            })?;
        let mut row = vec![Cell::from(scan_id.to_string())];
        for (name, kind) in history_columns() {
            let value = frame
                .column(&name)
                .and_then(|c| c.get(0))
                .unwrap_or(AnyValue::Null);
            row.push(match (kind, value) {
                (_, AnyValue::Null) => Cell::Null,
                (Kind::U64, v) => v.extract::<u64>().map_or(Cell::Null, Cell::U64),
                (Kind::F64, v) => v.extract::<f64>().map_or(Cell::Null, Cell::F64),
                (_, v) => Cell::from(v.get_str().map(str::to_string)),
            });
        }
        rows.push(row);
    }
    // Column 1 is `started_at`, RFC 3339: text order is time order.
    rows.sort_by_key(|r| crate::sink::table::cell_text(&r[1]));
    Ok(rows)
}
