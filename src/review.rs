//! Reviewing findings: the last scan's findings of an output folder with
//! their triage decision and the scan each was first seen in, so an
//! auditor can work through what is open, or only through what is new
//! since a chosen scan (`datakart findings --baseline SCAN_ID`).
//!
//! A finding's first scan comes from the state store: every finding that
//! appeared after the folder's first scan is noted with the scan it
//! appeared in (and forgotten when it disappears); a finding without a
//! note has been there since the first scan. A finding whose file was
//! renamed, or whose place in its file moved, is a new finding at its new
//! place.

use crate::sink::table::{Cell, Columns, Kind, columns};
use crate::state::first_seen::FirstSeen;
use crate::state::{db_error, open_existing};
use crate::triage::{Decision, parse_id};
use crate::{Error, Result};
use rustc_hash::FxHashMap;
use std::path::Path;

/// Which findings to list, by their triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every finding in the findings table.
    Any,
    /// Findings no decision covers.
    Open,
    /// Findings marked `accepted`.
    Accepted,
    /// Findings marked `resolved`.
    Resolved,
}

impl Status {
    fn admits(self, triage: &str) -> bool {
        match self {
            Status::Any => true,
            Status::Open => triage.is_empty(),
            Status::Accepted => triage == Decision::Accepted.as_str(),
            Status::Resolved => triage == Decision::Resolved.as_str(),
        }
    }
}

/// The columns [`list`] returns.
pub fn review_columns() -> Columns {
    columns(&[
        ("finding_id", Kind::Str),
        ("first_seen", Kind::Str),
        ("triage", Kind::Str),
        ("path", Kind::Str),
        ("location", Kind::Str),
        ("type", Kind::Str),
        ("confidence", Kind::Str),
        ("value_masked", Kind::Str),
        ("value_hash", Kind::Str),
    ])
}

/// The scans of an output folder, oldest first, and when findings
/// appeared.
struct Seen {
    scans: Vec<String>,
    appeared: FxHashMap<u64, usize>,
}

impl Seen {
    fn read(out_dir: &Path) -> Result<Seen> {
        let (conn, path) = open_existing(out_dir, false)?;
        let fail = |e: rusqlite::Error| db_error(&path, e);
        let scans: Vec<String> = conn
            .prepare("SELECT scan_id FROM scans ORDER BY started_at, scan_id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(fail)?;
        let at: FxHashMap<&str, usize> = scans.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
        let mut appeared = FxHashMap::default();
        let exists = |table: &str| -> Result<bool> {
            conn.query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(fail)
        };
        // Rows of the per-finding table of earlier versions first: a
        // file's row, written since, says better.
        if exists(crate::state::LEGACY_APPEARED)? {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT finding_id, scan_id FROM {}",
                    crate::state::LEGACY_APPEARED
                ))
                .map_err(fail)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(fail)?;
            for row in rows {
                let (id, scan) = row.map_err(fail)?;
                if let Some(&i) = at.get(scan.as_str()) {
                    appeared.insert(id as u64, i);
                }
            }
        }
        if exists("first_seen")? {
            let mut stmt = conn.prepare("SELECT findings FROM first_seen").map_err(fail)?;
            let blobs = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).map_err(fail)?;
            for blob in blobs {
                let Some(seen) = FirstSeen::decode(&blob.map_err(fail)?) else {
                    continue;
                };
                seen.each(|id, scan| {
                    if let Some(&i) = at.get(scan) {
                        appeared.insert(id, i);
                    }
                });
            }
        }
        Ok(Seen { scans, appeared })
    }

    /// The position of scan `id`, or of the scan before the last for
    /// `previous`.
    fn position(&self, id: &str) -> Result<usize> {
        let found = if id == "previous" {
            self.scans.len().checked_sub(2)
        } else {
            self.scans.iter().position(|s| s == id)
        };
        found.ok_or_else(|| {
            let known = self.scans.iter().rev().take(5).cloned().collect::<Vec<_>>();
            Error::Query(format!(
                "no scan {id:?} in this folder's state; latest scans: {}",
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ))
        })
    }
}

/// One row of the last scan's `findings.csv`, as [`each_finding`] hands
/// it over: the columns review and triage need.
pub struct FindingFields<'a> {
    /// `finding_id`.
    pub finding_id: &'a str,
    /// `triage` (empty when no decision covers it).
    pub triage: &'a str,
    /// `path`.
    pub path: &'a str,
    /// `location`.
    pub location: &'a str,
    /// `type`.
    pub type_label: &'a str,
    /// `confidence`.
    pub confidence: &'a str,
    /// `value_masked`.
    pub value_masked: &'a str,
    /// `value_hash`.
    pub value_hash: &'a str,
}

/// Calls `f` with each row of the last scan's `findings.csv` in `out_dir`
/// until it returns false.
pub fn each_finding(out_dir: &Path, mut f: impl FnMut(&FindingFields<'_>) -> bool) -> Result<()> {
    let path = out_dir.join("findings.csv");
    let fail = |e: csv::Error| Error::Report(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(fail)?;
    let headers = reader.headers().map_err(fail)?.clone();
    let names = [
        "finding_id",
        "triage",
        "path",
        "location",
        "type",
        "confidence",
        "value_masked",
        "value_hash",
    ];
    let at: Vec<usize> = names
        .iter()
        .map(|name| {
            headers.iter().position(|h| h == *name).ok_or_else(|| {
                Error::Report(format!(
                    "{} has no {name} column: it was written by an older datakart; scan again",
                    path.display()
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(fail)? {
        let field = |k: usize| record.get(at[k]).unwrap_or("");
        let fields = FindingFields {
            finding_id: field(0),
            triage: field(1),
            path: field(2),
            location: field(3),
            type_label: field(4),
            confidence: field(5),
            value_masked: field(6),
            value_hash: field(7),
        };
        if !f(&fields) {
            break;
        }
    }
    Ok(())
}

/// The findings of the last scan of `out_dir` with triage `status`, as
/// rows of [`review_columns`]; with `baseline`, only those first seen
/// after that scan (a scan id, or `previous` for the scan before the
/// last). At most `limit` rows (0: all).
pub fn list(
    out_dir: &Path,
    status: Status,
    baseline: Option<&str>,
    limit: usize,
) -> Result<Vec<Vec<Cell<'static>>>> {
    let seen = Seen::read(out_dir)?;
    let after = baseline.map(|b| seen.position(b)).transpose()?;
    let mut rows = Vec::new();
    let text = |v: &str| Cell::from((!v.is_empty()).then(|| v.to_string()));
    each_finding(out_dir, |f| {
        if !status.admits(f.triage) {
            return true;
        }
        let first = parse_id(f.finding_id)
            .and_then(|id| seen.appeared.get(&id).copied())
            .unwrap_or(0);
        if after.is_some_and(|a| first <= a) {
            return true;
        }
        rows.push(vec![
            text(f.finding_id),
            Cell::from(seen.scans.get(first).cloned()),
            text(f.triage),
            text(f.path),
            text(f.location),
            text(f.type_label),
            text(f.confidence),
            text(f.value_masked),
            text(f.value_hash),
        ]);
        limit == 0 || rows.len() < limit
    })?;
    Ok(rows)
}
