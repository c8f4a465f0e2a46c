//! The `retention_violations` table: personal data kept past the period
//! its category allows (a whole file, or one row of structured data dated
//! by its date column), and blocked contacts found in marketing data.

use super::table::{Cell, Kind, TableWriter, columns};
use crate::Result;
use crate::category::Category;
use crate::model::DataType;
use std::path::Path;

/// Why a row is a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// Kept past the category's retention.
    Retention,
    /// A contact on the block list, in a category it is blocked from.
    BlockedContact,
}

/// One violation.
#[derive(Debug, Clone, Copy)]
pub struct Violation<'a> {
    /// File path as displayed.
    pub path: &'a str,
    /// Format of the file.
    pub file_type: &'a str,
    /// `file` for a whole file, else the row or finding location.
    pub location: &'a str,
    /// Retention or blocked contact.
    pub kind: ViolationKind,
    /// The category claiming the file.
    pub category: &'a Category,
    /// The date the age is counted from (µs since the epoch).
    pub dated: Option<i64>,
    /// Where that date came from (`modified time`, `column sist_kontakt`).
    pub age_source: &'a str,
    /// Age and overdue days, for retention violations.
    pub age: Option<(u64, u64)>,
    /// Personal findings per type ([`DataType::index`] order).
    pub per_type: &'a [u64],
    /// The blocked contact, masked.
    pub value_masked: Option<&'a str>,
}

/// Writes `retention_violations.csv` and `.parquet`.
pub struct Violations {
    table: TableWriter,
    scan_id: String,
}

impl Violations {
    /// Starts the table in `out_dir`.
    pub fn create(out_dir: &Path, scan_id: &str) -> Result<Violations> {
        let columns = columns(&[
            ("scan_id", Kind::Str),
            ("path", Kind::Str),
            ("file_type", Kind::Str),
            ("location", Kind::Str),
            ("violation", Kind::Str),
            ("category", Kind::Str),
            ("purpose", Kind::Str),
            ("legal_basis", Kind::Str),
            ("retention", Kind::Str),
            ("retention_days", Kind::U64),
            ("dated", Kind::Time),
            ("age_source", Kind::Str),
            ("age_days", Kind::U64),
            ("overdue_days", Kind::U64),
            ("types", Kind::Str),
            ("type_counts", Kind::Str),
            ("personal_findings", Kind::U64),
            ("value_masked", Kind::Str),
            ("action", Kind::Str),
        ]);
        Ok(Violations {
            table: TableWriter::create(out_dir, "retention_violations", columns)?,
            scan_id: scan_id.to_string(),
        })
    }

    /// Appends one violation.
    pub fn push(&mut self, v: Violation<'_>) -> Result<()> {
        let personal = DataType::ALL.iter().filter(|t| t.personal());
        let types: Vec<&str> = personal
            .clone()
            .filter(|t| v.per_type[t.index()] > 0)
            .map(|t| t.as_str())
            .collect();
        let counts: Vec<String> = personal
            .clone()
            .filter(|t| v.per_type[t.index()] > 0)
            .map(|t| format!("{}={}", t.as_str(), v.per_type[t.index()]))
            .collect();
        let total: u64 = personal.map(|t| v.per_type[t.index()]).sum();
        let (violation, action) = match v.kind {
            ViolationKind::Retention => ("retention", v.category.action.as_str()),
            ViolationKind::BlockedContact => ("blocked contact", "remove from list"),
        };
        self.table.push(&[
            Cell::from(self.scan_id.as_str()),
            Cell::from(v.path),
            Cell::from(v.file_type),
            Cell::from(v.location),
            Cell::from(violation),
            Cell::from(v.category.name.as_str()),
            Cell::from(v.category.purpose.as_str()),
            Cell::from(v.category.legal_basis.as_str()),
            Cell::from(v.category.retention.to_string()),
            Cell::U64(v.category.retention.days()),
            v.dated.map_or(Cell::Null, Cell::Time),
            Cell::from((!v.age_source.is_empty()).then_some(v.age_source)),
            Cell::from(v.age.map(|a| a.0)),
            Cell::from(v.age.map(|a| a.1)),
            Cell::from(types.join(",")),
            Cell::from(counts.join(",")),
            Cell::U64(total),
            Cell::from(v.value_masked),
            Cell::from(action),
        ])
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.table.rows()
    }

    /// Renames both files into place.
    pub fn commit(self) -> Result<()> {
        self.table.commit()
    }
}
