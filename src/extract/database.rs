//! Database files read directly: SQLite databases (every table, located as
//! `table kunder.epost row 42`) and Parquet files (every string and
//! integer column, the file stem as the table name).
//!
//! SQLite files are opened read-only and immutable, so a scan never takes
//! a lock on, or writes a journal beside, a database in use. Parquet is
//! read in slices of rows with only the string and integer columns, so
//! memory stays bounded by the slice, not the file. Integers are written
//! the way [`super::numbers`] describes (lost leading zeros of identity
//! numbers restored).

use super::numbers::{float_text, integer_text};
use super::{Blob, ExtractError, Extracted, Origin, Unit, UnitSink, time_gap};
use polars::prelude::*;
use rusqlite::types::ValueRef;
use std::io::Read;
use std::path::Path;

/// Rows between two looks at the clock.
const CLOCK_EVERY: u64 = 4096;
/// Parquet rows read per slice.
const SLICE_ROWS: usize = 65_536;

/// An `immutable=1` URI for a path (percent-encoding what URIs reserve).
fn sqlite_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{b:02X}")),
            _ => uri.push(b as char),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Extracts every table of an SQLite database.
pub fn extract_sqlite(path: &Path, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    use rusqlite::OpenFlags;
    let invalid = |e: rusqlite::Error| ExtractError::Failed(format!("invalid SQLite database: {e}"));
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(sqlite_uri(path), flags).map_err(invalid)?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(invalid)?;
    let mut out = Extracted {
        bytes_read: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        ..Extracted::default()
    };
    for table in tables {
        if let Err(e) = sqlite_table(&conn, &table, sink, &mut out) {
            out.gaps.push(format!("table {table}: unreadable: {e}"));
        }
        if sink.expired() {
            out.gaps.push(time_gap(
                sink.limits(),
                &format!("table {table} and the tables after it"),
            ));
            break;
        }
    }
    Ok(out)
}

fn sqlite_table(
    conn: &rusqlite::Connection,
    table: &str,
    sink: &mut dyn UnitSink,
    out: &mut Extracted,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {}", quote_ident(table)))?;
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query([])?;
    let mut row_number = 0u64;
    while let Some(row) = rows.next()? {
        row_number += 1;
        for (i, column) in columns.iter().enumerate() {
            let text = match row.get_ref(i)? {
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Integer(n) => integer_text(n),
                ValueRef::Real(f) => float_text(f),
                // A blob that is text (some tools store strings as blobs).
                ValueRef::Blob(b) if !b.contains(&0) => match std::str::from_utf8(b) {
                    Ok(s) => s.to_string(),
                    Err(_) => continue,
                },
                ValueRef::Blob(_) | ValueRef::Null => continue,
            };
            sink.unit(Unit::whole(
                &text,
                Origin::Table {
                    table,
                    column,
                    row: row_number,
                },
            ));
        }
        if row_number.is_multiple_of(CLOCK_EVERY) && sink.expired() {
            out.gaps.push(time_gap(
                sink.limits(),
                &format!("table {table} after row {row_number}"),
            ));
            return Ok(());
        }
    }
    Ok(())
}

/// Whether a Parquet column is read: strings and integers hold the
/// identifiers; floats, booleans, dates and binary do not.
fn readable(dtype: &ArrowDataType) -> bool {
    matches!(
        dtype,
        ArrowDataType::Utf8
            | ArrowDataType::LargeUtf8
            | ArrowDataType::Utf8View
            | ArrowDataType::Int32
            | ArrowDataType::Int64
            | ArrowDataType::UInt32
            | ArrowDataType::UInt64
    )
}

/// Opens Parquet bytes for polars: a file on disk is read in place, an
/// inner file from memory.
pub fn extract_parquet(
    data: Box<dyn Blob>,
    disk_path: Option<&Path>,
    table: &str,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let read_fail = |e: std::io::Error| ExtractError::read(&e);
    match disk_path {
        Some(path) => parquet_columns(std::fs::File::open(path).map_err(read_fail)?, table, sink),
        None => {
            let mut bytes = Vec::new();
            let mut data = data;
            data.read_to_end(&mut bytes).map_err(read_fail)?;
            parquet_columns(std::io::Cursor::new(bytes), table, sink)
        }
    }
}

/// Extracts the string and integer columns of a Parquet file.
fn parquet_columns<R: polars::io::mmap::MmapBytesReader>(
    mut cursor: R,
    table: &str,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut out = Extracted {
        bytes_read: cursor.seek(std::io::SeekFrom::End(0)).unwrap_or(0),
        ..Extracted::default()
    };
    let invalid = |e: PolarsError| ExtractError::Failed(format!("invalid Parquet file: {e}"));
    let mut probe = ParquetReader::new(&mut cursor);
    let schema = probe.schema().map_err(invalid)?;
    let rows = probe.num_rows().map_err(invalid)?;
    let mut projection = Vec::new();
    let mut left_out = Vec::new();
    for (i, field) in schema.iter_values().enumerate() {
        if readable(field.dtype()) {
            projection.push(i);
        } else if !matches!(
            field.dtype(),
            ArrowDataType::Boolean | ArrowDataType::Float32 | ArrowDataType::Float64
        ) {
            left_out.push(field.name.to_string());
        }
    }
    if !left_out.is_empty() {
        out.notes.push(format!(
            "columns of other types not read: {}",
            left_out.join(", ")
        ));
    }
    if projection.is_empty() {
        return Ok(out);
    }
    let mut offset = 0usize;
    while offset < rows {
        if sink.expired() {
            out.gaps
                .push(time_gap(sink.limits(), &format!("rows {} to {rows}", offset + 1)));
            break;
        }
        let frame = ParquetReader::new(&mut cursor)
            .with_projection(Some(projection.clone()))
            .with_slice(Some((offset, SLICE_ROWS)))
            .read_parallel(ParallelStrategy::None)
            .finish()
            .map_err(invalid)?;
        if frame.height() == 0 {
            break;
        }
        for column in frame.columns() {
            let name = column.name().to_string();
            let series = column.as_materialized_series();
            let emit = |row: usize, text: &str, sink: &mut dyn UnitSink| {
                sink.unit(Unit::whole(
                    text,
                    Origin::Table {
                        table,
                        column: &name,
                        row: (offset + row + 1) as u64,
                    },
                ));
            };
            if let Ok(strings) = series.str() {
                for (row, value) in strings.iter().enumerate() {
                    if let Some(v) = value {
                        emit(row, v, sink);
                    }
                }
            } else {
                let ints = series.cast(&DataType::Int64).map_err(invalid)?;
                for (row, value) in ints.i64().map_err(invalid)?.iter().enumerate() {
                    if let Some(v) = value {
                        emit(row, &integer_text(v), sink);
                    }
                }
            }
        }
        offset += frame.height();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_reserved_characters() {
        assert_eq!(
            sqlite_uri(Path::new("/a/b?#%.db")),
            "file:/a/b%3F%23%25.db?immutable=1"
        );
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }
}
