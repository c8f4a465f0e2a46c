//! One output table written twice, as CSV and as Parquet, row by row in
//! bounded memory: CSV rows stream straight out; Parquet rows are buffered
//! per column and written as a row group every [`ROW_GROUP`] rows. Both
//! files are atomic: they appear only on [`TableWriter::commit`].

use crate::atomic::AtomicFile;
use crate::{Error, Result};
use polars::prelude::{
    Column, DataFrame, DataType as PlType, Field, IntoColumn, NamedFrom, ParquetWriter, Schema, Series,
    TimeUnit, TimeZone,
};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Rows per Parquet row group.
pub const ROW_GROUP: usize = 65_536;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text (nullable).
    Str,
    /// Unsigned integer (nullable).
    U64,
    /// UTC timestamp in microseconds (nullable); RFC 3339 in CSV.
    Time,
    /// Floating-point number (nullable), for shares and ratios.
    F64,
}

/// Column names and kinds, as a table is created with.
pub type Columns = Vec<(String, Kind)>;

/// Columns from a literal list of (name, kind).
pub fn columns(spec: &[(&str, Kind)]) -> Columns {
    spec.iter().map(|(n, k)| (n.to_string(), *k)).collect()
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Str(String),
    /// Integer.
    U64(u64),
    /// Microseconds since the Unix epoch, UTC.
    Time(i64),
    /// A share or ratio.
    F64(f64),
    /// Missing.
    Null,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Str(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Str(s)
    }
}
impl From<u64> for Cell {
    fn from(v: u64) -> Cell {
        Cell::U64(v)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Null, Into::into)
    }
}

enum Buffer {
    Str(Vec<Option<String>>),
    U64(Vec<Option<u64>>),
    Time(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
}

fn pl_type(kind: Kind) -> PlType {
    match kind {
        Kind::Str => PlType::String,
        Kind::U64 => PlType::UInt64,
        Kind::Time => PlType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        Kind::F64 => PlType::Float64,
    }
}

/// Formats microseconds since the epoch as RFC 3339 UTC (`…Z`).
pub fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The Parquet half of a table: the file and its batched writer.
struct ParquetOut {
    file: AtomicFile,
    writer: polars::io::parquet::write::BatchedWriter<File>,
}

/// Writes one table as `<stem>.csv` and `<stem>.parquet` (or either alone).
pub struct TableWriter {
    columns: Vec<(String, Kind)>,
    csv: Option<csv::Writer<AtomicFile>>,
    parquet: Option<ParquetOut>,
    buffers: Vec<Buffer>,
    rows: usize,
    total: u64,
    csv_path: PathBuf,
    parquet_path: PathBuf,
    /// The last timestamp formatted, as rows of one file repeat it.
    last_time: (i64, String),
}

impl TableWriter {
    /// Starts `<dir>/<stem>.csv` and `<dir>/<stem>.parquet`.
    pub fn create(dir: &Path, stem: &str, columns: Vec<(String, Kind)>) -> Result<TableWriter> {
        let csv_path = dir.join(format!("{stem}.csv"));
        let parquet_path = dir.join(format!("{stem}.parquet"));
        TableWriter::create_files(Some(csv_path), Some(parquet_path), columns)
    }

    /// Starts a table written to the given CSV and/or Parquet file.
    pub fn create_files(
        csv_path: Option<PathBuf>,
        parquet_path: Option<PathBuf>,
        columns: Vec<(String, Kind)>,
    ) -> Result<TableWriter> {
        let csv = match &csv_path {
            Some(path) => {
                let mut csv = csv::Writer::from_writer(AtomicFile::create(path)?);
                csv.write_record(columns.iter().map(|(n, _)| n.as_str()))
                    .map_err(|e| write_err(path, e))?;
                Some(csv)
            }
            None => None,
        };
        let parquet = match &parquet_path {
            Some(path) => {
                let file = AtomicFile::create(path)?;
                let handle = file.clone_handle().map_err(|source| Error::Output {
                    path: path.clone(),
                    source,
                })?;
                let schema = Schema::from_iter(
                    columns
                        .iter()
                        .map(|(n, k)| Field::new(n.as_str().into(), pl_type(*k))),
                );
                let writer = ParquetWriter::new(handle)
                    .batched(&schema)
                    .map_err(|e| write_err(path, e))?;
                Some(ParquetOut { file, writer })
            }
            None => None,
        };
        let buffers = columns
            .iter()
            .map(|(_, k)| match k {
                Kind::Str => Buffer::Str(Vec::new()),
                Kind::U64 => Buffer::U64(Vec::new()),
                Kind::Time => Buffer::Time(Vec::new()),
                Kind::F64 => Buffer::F64(Vec::new()),
            })
            .collect();
        Ok(TableWriter {
            columns,
            csv,
            parquet,
            buffers,
            rows: 0,
            total: 0,
            csv_path: csv_path.unwrap_or_default(),
            parquet_path: parquet_path.unwrap_or_default(),
            last_time: (i64::MIN, String::new()),
        })
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.total
    }

    /// Appends a row; cells must match the columns in number and kind.
    pub fn push(&mut self, row: Vec<Cell>) -> Result<()> {
        debug_assert_eq!(row.len(), self.columns.len());
        if let Some(csv) = &mut self.csv {
            for cell in &row {
                let written = match cell {
                    Cell::Str(s) => csv.write_field(s),
                    Cell::U64(v) => csv.write_field(v.to_string()),
                    Cell::Time(t) => {
                        if self.last_time.0 != *t {
                            self.last_time = (*t, rfc3339(*t));
                        }
                        csv.write_field(&self.last_time.1)
                    }
                    Cell::F64(v) => csv.write_field(v.to_string()),
                    Cell::Null => csv.write_field(""),
                };
                written.map_err(|e| write_err(&self.csv_path, e))?;
            }
            csv.write_record(None::<&[u8]>)
                .map_err(|e| write_err(&self.csv_path, e))?;
        }
        if self.parquet.is_none() {
            self.total += 1;
            return Ok(());
        }
        for (buf, cell) in self.buffers.iter_mut().zip(row) {
            match (buf, cell) {
                (Buffer::Str(v), Cell::Str(s)) => v.push(Some(s)),
                (Buffer::Str(v), _) => v.push(None),
                (Buffer::U64(v), Cell::U64(x)) => v.push(Some(x)),
                (Buffer::U64(v), _) => v.push(None),
                (Buffer::Time(v), Cell::Time(t)) => v.push(Some(t)),
                (Buffer::Time(v), _) => v.push(None),
                (Buffer::F64(v), Cell::F64(x)) => v.push(Some(x)),
                (Buffer::F64(v), _) => v.push(None),
            }
        }
        self.rows += 1;
        self.total += 1;
        if self.rows >= ROW_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    fn flush_group(&mut self) -> Result<()> {
        let Some(parquet) = &mut self.parquet else {
            return Ok(());
        };
        if self.rows == 0 {
            return Ok(());
        }
        let height = self.rows;
        let mut cols: Vec<Column> = Vec::with_capacity(self.columns.len());
        for ((name, kind), buf) in self.columns.iter().zip(self.buffers.iter_mut()) {
            let name = name.as_str().into();
            let series = match buf {
                Buffer::Str(v) => Series::new(name, std::mem::take(v)),
                Buffer::U64(v) => Series::new(name, std::mem::take(v)),
                Buffer::F64(v) => Series::new(name, std::mem::take(v)),
                Buffer::Time(v) => Series::new(name, std::mem::take(v))
                    .cast(&pl_type(*kind))
                    .map_err(|e| write_err(&self.parquet_path, e))?,
            };
            cols.push(series.into_column());
        }
        let df = DataFrame::new(height, cols).map_err(|e| write_err(&self.parquet_path, e))?;
        parquet
            .writer
            .write_batch(&df)
            .map_err(|e| write_err(&self.parquet_path, e))?;
        self.rows = 0;
        Ok(())
    }

    /// Finishes both files and renames them into place.
    pub fn commit(mut self) -> Result<()> {
        self.flush_group()?;
        if let Some(parquet) = self.parquet.take() {
            parquet
                .writer
                .finish()
                .map_err(|e| write_err(&self.parquet_path, e))?;
            drop(parquet.writer);
            parquet.file.commit()?;
        }
        if let Some(csv) = self.csv.take() {
            let file = csv
                .into_inner()
                .map_err(|e| write_err(&self.csv_path, e.error()))?;
            file.commit()?;
        }
        Ok(())
    }
}

/// The rows of a table as a JSON array of objects keyed by column name
/// (timestamps as RFC 3339 text, missing cells as null).
pub fn json_rows(columns: &[(String, Kind)], rows: &[Vec<Cell>]) -> serde_json::Value {
    let object = |row: &Vec<Cell>| {
        let fields = columns.iter().zip(row).map(|((name, _), cell)| {
            let value = match cell {
                Cell::Str(s) => serde_json::Value::from(s.as_str()),
                Cell::U64(v) => serde_json::Value::from(*v),
                Cell::Time(t) => serde_json::Value::from(rfc3339(*t)),
                Cell::F64(v) => serde_json::Value::from(*v),
                Cell::Null => serde_json::Value::Null,
            };
            (name.clone(), value)
        });
        serde_json::Value::Object(fields.collect())
    };
    serde_json::Value::Array(rows.iter().map(object).collect())
}

/// The text of a cell as written in CSV.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Str(s) => s.clone(),
        Cell::U64(v) => v.to_string(),
        Cell::Time(t) => rfc3339(*t),
        Cell::F64(v) => v.to_string(),
        Cell::Null => String::new(),
    }
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
