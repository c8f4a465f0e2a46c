//! The subject commands' results as table rows: search hits, the access
//! export (optionally with values re-read from the files), the erasure
//! plan and the breach-impact list. One column set per table, shared by
//! the CSV, JSON and Parquet forms.

use super::impact::Impact;
use super::subject::SubjectHit;
use crate::category::Recorded;
use crate::keyed_hash::Hasher;
use crate::profile::Profile;
use crate::sink::table::{Cell, Columns, Kind, columns};
use std::collections::HashMap;
use std::path::Path;

/// Column names and kinds of a table.
/// Columns of a search hit (and of the access export).
pub fn hit_columns() -> Columns {
    columns(&[
        ("path", Kind::Str),
        ("location", Kind::Str),
        ("line", Kind::U64),
        ("column_name", Kind::Str),
        ("type", Kind::Str),
        ("subtype", Kind::Str),
        ("confidence", Kind::Str),
        ("value_masked", Kind::Str),
        ("value_hash", Kind::Str),
        ("match", Kind::Str),
        ("record", Kind::Str),
        ("file_type", Kind::Str),
        ("file_modified", Kind::Time),
        ("file_size", Kind::U64),
    ])
}

/// One hit's cells, in [`hit_columns`] order.
pub fn hit_cells(h: &SubjectHit) -> Vec<Cell<'_>> {
    vec![
        Cell::from(h.path.as_str()),
        Cell::from(h.location.as_str()),
        Cell::from(h.line),
        Cell::from(h.column.clone()),
        Cell::from(h.type_label.as_str()),
        Cell::from((!h.subtype.is_empty()).then(|| h.subtype.clone())),
        Cell::from(h.confidence),
        Cell::from(h.value_masked.as_str()),
        Cell::from(h.value_hash.as_str()),
        Cell::from(h.matched.as_str()),
        Cell::from(h.record.as_str()),
        Cell::from(h.file_type.as_str()),
        h.file_modified.map_or(Cell::Null, Cell::Time),
        Cell::from(h.file_size),
    ]
}

/// How a source file stands at export time compared with the scan.
fn file_state(h: &SubjectHit) -> &'static str {
    match std::fs::metadata(&h.source) {
        Err(_) => "vanished since the scan",
        Ok(m) => {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_micros() as i64);
            if Some(m.len()) == h.file_size && modified == h.file_modified {
                "unchanged"
            } else {
                "changed since the scan"
            }
        }
    }
}

/// The access export: hit columns plus `file_status` (`unchanged`,
/// `changed since the scan`, `vanished since the scan`), and with
/// `reveal` a `value` column holding the value re-read from the file now.
/// A value is shown only where the file still holds a value with the same
/// keyed hash at the same location; otherwise `file_status` says it is no
/// longer there.
pub fn export_table<'h>(
    hits: &'h [SubjectHit],
    reveal: Option<(&Profile, &Hasher)>,
) -> (Columns, Vec<Vec<Cell<'h>>>) {
    let mut cols = hit_columns();
    cols.push(("file_status".into(), Kind::Str));
    if reveal.is_some() {
        cols.push(("value".into(), Kind::Str));
    }
    // Values re-read per source file: (inner path, location, hash) → value.
    let mut reread: HashMap<&str, HashMap<(String, String, String), String>> = HashMap::new();
    let mut rows = Vec::with_capacity(hits.len());
    for h in hits {
        let state = file_state(h);
        let mut cells = hit_cells(h);
        let Some((profile, hasher)) = reveal else {
            cells.push(Cell::from(state));
            rows.push(cells);
            continue;
        };
        let values = reread.entry(h.source.as_str()).or_insert_with(|| {
            crate::scan::reread(Path::new(&h.source), profile, hasher)
                .into_iter()
                .filter_map(|r| {
                    let inner = r.path.strip_prefix(&*r.source).unwrap_or(&r.path).to_string();
                    Some(((inner, r.location, r.value_hash), r.value?))
                })
                .collect()
        });
        let inner = h
            .path
            .strip_prefix(h.source.as_str())
            .unwrap_or(&h.path)
            .to_string();
        let value = values.get(&(inner, h.location.clone(), h.value_hash.clone()));
        let status = match (state, value) {
            ("vanished since the scan", _) | (_, Some(_)) => state.to_string(),
            _ => format!("{state}; the value is no longer at this location"),
        };
        cells.push(Cell::from(status));
        cells.push(Cell::from(value.cloned()));
        rows.push(cells);
    }
    (cols, rows)
}

/// The folder or system a hit is erased in: a database (SQL dump, SQLite,
/// Parquet) is its own system; any other file is grouped by its folder.
pub fn erase_group(h: &SubjectHit) -> String {
    if matches!(h.file_type.as_str(), "sql" | "sqlite" | "parquet") {
        return h.source.clone();
    }
    match Path::new(&h.source).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".into(),
    }
}

/// The erasure plan: per location, the folder or system, the category
/// claiming the file, its purpose, legal basis and retention, and the
/// action (`erase`, `keep: legal obligation`, or `review: no category`).
/// Rows are ordered by folder, then path and position.
pub fn erase_plan<'h>(
    hits: &'h [SubjectHit],
    recorded: &'h HashMap<String, Recorded>,
) -> (Columns, Vec<Vec<Cell<'h>>>) {
    let cols = columns(&[
        ("folder", Kind::Str),
        ("path", Kind::Str),
        ("location", Kind::Str),
        ("type", Kind::Str),
        ("value_masked", Kind::Str),
        ("match", Kind::Str),
        ("category", Kind::Str),
        ("purpose", Kind::Str),
        ("legal_basis", Kind::Str),
        ("retention", Kind::Str),
        ("on_expiry", Kind::Str),
        ("action", Kind::Str),
    ]);
    let mut ordered: Vec<(String, &SubjectHit)> = hits.iter().map(|h| (erase_group(h), h)).collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    let rows = ordered
        .into_iter()
        .map(|(group, h)| {
            let c = recorded.get(&h.path);
            vec![
                Cell::from(group),
                Cell::from(h.path.as_str()),
                Cell::from(h.location.as_str()),
                Cell::from(h.type_label.as_str()),
                Cell::from(h.value_masked.as_str()),
                Cell::from(h.matched.as_str()),
                Cell::from(c.map(|c| c.name.clone())),
                Cell::from(c.map(|c| c.purpose.clone())),
                Cell::from(c.map(|c| c.legal_basis.clone())),
                Cell::from(c.map(|c| c.retention.clone())),
                Cell::from(c.map(|c| c.on_expiry.clone())),
                Cell::from(c.map_or("review: no category claims this file", Recorded::erasure)),
            ]
        })
        .collect();
    (cols, rows)
}

/// The affected-people table of a breach impact: one row per person.
pub fn impact_table(impact: &Impact) -> (Columns, Vec<Vec<Cell<'static>>>) {
    let cols = columns(&[
        ("subject", Kind::U64),
        ("identifiers", Kind::Str),
        ("types", Kind::Str),
        ("special_categories", Kind::Str),
        ("files", Kind::U64),
        ("paths", Kind::Str),
    ]);
    let join = |set: &std::collections::BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
    let rows = impact
        .affected
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Cell::U64(i as u64 + 1),
                Cell::from(p.identifiers.join("; ")),
                Cell::from(join(&p.types)),
                Cell::from(join(&p.special_categories)),
                Cell::U64(p.files.len() as u64),
                Cell::from(join(&p.files)),
            ]
        })
        .collect();
    (cols, rows)
}
