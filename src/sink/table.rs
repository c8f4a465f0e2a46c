//! One output table written twice, as CSV and as Parquet, row by row in
//! bounded memory: CSV rows stream straight out; Parquet rows are buffered
//! per column and written as a row group every [`ROW_GROUP`] rows. Both
//! files are atomic: they appear only on [`TableWriter::commit`].

use crate::atomic::AtomicFile;
use crate::handoff::Handoff;
use crate::{Error, Result};
use polars::prelude::{
    ChunkedBuilder, Float64Type, Int64Type, IntoSeries, PlSmallStr, PrimitiveChunkedBuilder,
    StringChunkedBuilder, UInt64Type,
};
use polars::prelude::{
    Column, CompatLevel, DataFrame, DataType as PlType, Field, IntoColumn, PolarsError, PolarsResult, Schema,
    SchemaExt, Series, TimeUnit, TimeZone,
};
use polars_parquet::parquet::error::ParquetError;
use polars_parquet::write::{
    CompressionOptions, Compressor, DynIter, DynStreamingIterator, Encoding, FallibleStreamingIterator,
    FileWriter, ParquetType, StatisticsOptions, Version, WriteOptions, ZstdLevel, array_to_columns,
    get_dtype_encoding,
};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Rows per Parquet row group: the rows a table buffers. A findings row
/// group of 65,536 rows held about 34 MB while being encoded; a quarter of
/// that leaves room for everything else under a scan's 300 MB bound.
pub const ROW_GROUP: usize = 16_384;

/// How a column's pages are written: as polars writes them (format
/// version 1, min, max and null count statistics, 1 MiB pages) but with
/// zstd at level 1, and without the minimum and maximum of text columns.
/// polars' default level, 3, was the sink thread's largest single cost on
/// a dense scan (4.7% of all CPU; level 1: 1.8%, and files no larger). The
/// rows of a table are in the order files were read, so a row group's
/// lowest and highest path or value say nothing a reader could skip row
/// groups by, and comparing every text to find them was a fifth of the
/// Parquet thread's instructions on a rescan.
fn write_options(kind: Kind) -> WriteOptions {
    let text = kind == Kind::Str;
    WriteOptions {
        statistics: StatisticsOptions {
            min_value: !text,
            max_value: !text,
            ..StatisticsOptions::default()
        },
        version: Version::V1,
        compression: CompressionOptions::Zstd(ZstdLevel::try_new(1).ok()),
        data_page_size: None,
    }
}

/// How the text columns of a table are encoded in Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPages {
    /// Plainly, for tables of a row per file or folder, whose texts are
    /// short or differ from row to row. polars tries a dictionary for
    /// every text column of every row group, hashing each value to
    /// estimate the distinct ones and again to build it: about 40% of the
    /// Parquet thread's instructions on a rescan of 100,000 unchanged
    /// files, while zstd finds the same repeats in plain pages (the data
    /// map's file was no larger).
    Plain,
    /// With a dictionary where polars finds one pays, for tables whose
    /// rows repeat long texts: each finding repeats its file's path. The
    /// findings of a million-finding scan took 2.8% more CPU and 6.7% more
    /// space when plain.
    Dictionary,
}

/// How a column's pages are encoded: numbers and times as polars writes
/// them (a dictionary when it pays: most counts of a data-map row are 0,
/// and a column of them is a few bytes), text as `text` says.
fn encoding(kind: Kind, text: TextPages) -> Vec<Encoding> {
    match (kind, text) {
        (Kind::Str, TextPages::Plain) => vec![Encoding::Plain],
        _ => get_dtype_encoding(&pl_type(kind).to_arrow(CompatLevel::newest())),
    }
}

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

/// One cell of a row. Text is borrowed where the caller has it, so a row
/// costs no allocation per text cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text.
    Str(Cow<'a, str>),
    /// Integer.
    U64(u64),
    /// Microseconds since the Unix epoch, UTC.
    Time(i64),
    /// A share or ratio.
    F64(f64),
    /// Missing.
    Null,
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::Str(Cow::Borrowed(s))
    }
}
impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Cell<'a> {
        Cell::Str(Cow::Borrowed(s))
    }
}
impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Str(Cow::Owned(s))
    }
}
impl From<u64> for Cell<'_> {
    fn from(v: u64) -> Self {
        Cell::U64(v)
    }
}
impl<'a, T: Into<Cell<'a>>> From<Option<T>> for Cell<'a> {
    fn from(v: Option<T>) -> Cell<'a> {
        v.map_or(Cell::Null, Into::into)
    }
}

impl Cell<'_> {
    /// The same cell owning its text, to outlive what it borrowed.
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Str(s) => Cell::Str(Cow::Owned(s.into_owned())),
            Cell::U64(v) => Cell::U64(v),
            Cell::Time(t) => Cell::Time(t),
            Cell::F64(v) => Cell::F64(v),
            Cell::Null => Cell::Null,
        }
    }
}

/// A column's cells of the row group being gathered, in Arrow form.
enum Buffer {
    Str(StringChunkedBuilder),
    U64(PrimitiveChunkedBuilder<UInt64Type>),
    Time(PrimitiveChunkedBuilder<Int64Type>),
    F64(PrimitiveChunkedBuilder<Float64Type>),
}

impl Buffer {
    /// An empty buffer for `capacity` cells: the height of the table's
    /// last row group, so a big table's buffers are not grown again, cell
    /// by cell, for every group (growing them was a tenth of the sink's
    /// time on a rescan of 100,000 files).
    fn new(kind: Kind, capacity: usize) -> Buffer {
        let name = PlSmallStr::EMPTY;
        match kind {
            Kind::Str => Buffer::Str(StringChunkedBuilder::new(name, capacity)),
            Kind::U64 => Buffer::U64(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::Time => Buffer::Time(PrimitiveChunkedBuilder::new(name, capacity)),
            Kind::F64 => Buffer::F64(PrimitiveChunkedBuilder::new(name, capacity)),
        }
    }

    /// The cells as a named series of the column's type.
    fn finish(self, name: PlSmallStr, kind: Kind) -> polars::prelude::PolarsResult<Series> {
        let series = match self {
            Buffer::Str(b) => b.finish().into_series(),
            Buffer::U64(b) => b.finish().into_series(),
            Buffer::F64(b) => b.finish().into_series(),
            Buffer::Time(b) => b.finish().into_series().cast(&pl_type(kind))?,
        };
        Ok(series.with_name(name))
    }
}

fn pl_type(kind: Kind) -> PlType {
    match kind {
        Kind::Str => PlType::String,
        Kind::U64 => PlType::UInt64,
        Kind::Time => PlType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        Kind::F64 => PlType::Float64,
    }
}

/// Formats microseconds since the epoch as RFC 3339 UTC (`…Z`), to the
/// second.
pub fn rfc3339(micros: i64) -> String {
    let mut out = String::with_capacity(20);
    push_rfc3339(&mut out, micros);
    out
}

/// Appends [`rfc3339`] of `micros` to `out`. Years 0–9999 are formatted by
/// hand (every data-map row has a timestamp, and chrono's formatter
/// interprets its pattern each time); others go through chrono.
pub fn push_rfc3339(out: &mut String, micros: i64) {
    let secs = micros.div_euclid(1_000_000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        if let Some(t) = chrono::DateTime::from_timestamp_micros(micros) {
            use std::fmt::Write;
            let _ = write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%SZ"));
        }
        return;
    }
    let digits = |out: &mut String, v: i64, width: u32| {
        for i in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10i64.pow(i) % 10) as u8));
        }
    };
    digits(out, year, 4);
    out.push('-');
    digits(out, month, 2);
    out.push('-');
    digits(out, day, 2);
    out.push('T');
    digits(out, rest / 3600, 2);
    out.push(':');
    digits(out, rest / 60 % 60, 2);
    out.push(':');
    digits(out, rest % 60, 2);
    out.push('Z');
}

/// Appends `field` to `out` as one CSV field (RFC 4180, as the csv crate
/// writes it): in double quotes, with its quotes doubled, when it holds a
/// comma, a quote or a line break; as it is otherwise. The tables write
/// their lines with this rather than through the csv crate, which keeps
/// state per field: a 44-column data-map row cost twice as much.
fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if !field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The Parquet half of a table: a thread of its own that turns each row
/// group's buffers into columns, encodes and compresses them and writes
/// them to the file, while the sink gathers the next group. On a dense
/// rescan the sink sets the pace, and this was a sixth of its time (zstd
/// alone 16%). The hand-over waits until the thread has taken the
/// previous group, so at most one group is encoded while the next fills.
/// The file is renamed into place only after [`ToParquet::End`]: a table
/// dropped unfinished (a failed scan) leaves no Parquet file.
struct ParquetOut {
    /// The thread, and the result of its commit.
    stage: Handoff<ToParquet, Result<()>>,
    /// The Parquet file, for errors.
    path: PathBuf,
}

/// What the Parquet thread is handed.
enum ToParquet {
    /// A row group's buffers and its number of rows.
    Group(Vec<Buffer>, usize),
    /// The table is complete: finish the file and rename it into place.
    End,
}

impl ParquetOut {
    /// Starts `path` and its writing thread.
    fn create(path: &Path, columns: &[(String, Kind)], text: TextPages) -> Result<ParquetOut> {
        let file = SharedFile(Arc::new(Mutex::new(AtomicFile::create(path)?)));
        let schema = Schema::from_iter(
            columns
                .iter()
                .map(|(n, k)| Field::new(n.as_str().into(), pl_type(*k))),
        );
        // The file's own options only decide what its footer holds (an
        // index of the pages' statistics): each column is written with its
        // own (`write_options`, `encoding`).
        let mut writer = FileWriter::try_new(
            file.clone(),
            schema.to_arrow(CompatLevel::newest()),
            write_options(Kind::U64),
        )
        .map_err(|e| write_err(path, e))?;
        let plans: Vec<Plan> = columns
            .iter()
            .zip(writer.parquet_schema().fields())
            .map(|((_, k), field)| Plan {
                field: field.clone(),
                options: write_options(*k),
                encoding: encoding(*k, text),
            })
            .collect();
        let (columns, target) = (columns.to_vec(), path.to_path_buf());
        let stage = Handoff::spawn("datakart-parquet", 0, move |received| -> Result<()> {
            for message in received {
                match message {
                    ToParquet::Group(buffers, height) => {
                        let df = group_frame(&columns, buffers, height).map_err(|e| write_err(&target, e))?;
                        write_group(&mut writer, &df, &plans).map_err(|e| write_err(&target, e))?;
                    }
                    ToParquet::End => {
                        // The footer, with the Arrow schema as polars writes it.
                        writer.end(None).map_err(|e| write_err(&target, e))?;
                        drop(writer);
                        let file = Arc::try_unwrap(file.0)
                            .ok()
                            .expect("the Parquet writer, the file's only other holder, is dropped");
                        return file.into_inner().unwrap_or_else(|e| e.into_inner()).commit();
                    }
                }
            }
            // Dropped unfinished: the temporary file goes.
            Ok(())
        })
        .map_err(|e| write_err(path, e))?;
        Ok(ParquetOut {
            stage,
            path: path.to_path_buf(),
        })
    }

    /// Hands one row group's buffers to the thread.
    fn send(&mut self, buffers: Vec<Buffer>, height: usize) -> Result<()> {
        self.hand(ToParquet::Group(buffers, height))
    }

    /// Ends the file: waits for the thread to write what it was given,
    /// finish the file and rename it into place.
    fn finish(&mut self) -> Result<()> {
        self.hand(ToParquet::End)?;
        self.join()
    }

    fn hand(&mut self, message: ToParquet) -> Result<()> {
        match self.stage.send(message) {
            Ok(()) => Ok(()),
            // The thread stopped on an error: that error is the answer.
            Err(_) => self
                .join()
                .and(Err(write_err(&self.path, "the Parquet writer stopped"))),
        }
    }

    /// Waits for the thread; its result.
    fn join(&mut self) -> Result<()> {
        match self.stage.finish() {
            Some(result) => result.expect("the Parquet thread does not panic"),
            None => Err(write_err(&self.path, "the Parquet writer stopped")),
        }
    }
}

/// A row group's buffers as a frame of named, typed columns.
fn group_frame(columns: &[(String, Kind)], buffers: Vec<Buffer>, height: usize) -> PolarsResult<DataFrame> {
    let cols = columns
        .iter()
        .zip(buffers)
        .map(|((name, kind), buf)| Ok(buf.finish(name.as_str().into(), *kind)?.into_column()))
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(height, cols)
}

/// How one column is written: its Parquet field, options and encoding,
/// settled when the file is started.
struct Plan {
    field: ParquetType,
    options: WriteOptions,
    encoding: Vec<Encoding>,
}

/// Encodes, compresses and writes `df` as one row group, as polars' own
/// writer does but with each column written by its [`Plan`].
fn write_group(writer: &mut FileWriter<SharedFile>, df: &DataFrame, plans: &[Plan]) -> PolarsResult<()> {
    for batch in df.iter_chunks(CompatLevel::newest(), false) {
        let rows = batch.len() as u64;
        let mut columns = Vec::with_capacity(plans.len());
        for (array, plan) in batch.into_arrays().into_iter().zip(plans) {
            for pages in array_to_columns(array, plan.field.clone(), plan.options, &plan.encoding)? {
                let pages = pages.map(|page| page.map_err(|e| ParquetError::OutOfSpec(e.to_string())));
                let compressed = Compressor::new(DynIter::new(pages), plan.options.compression, Vec::new())
                    .map_err(|e| PolarsError::ComputeError(e.to_string().into()));
                columns.push(Ok(DynStreamingIterator::new(compressed)));
            }
        }
        writer.write(rows, DynIter::new(columns.into_iter()))?;
    }
    Ok(())
}

/// The Parquet writer's way into its atomic file; the thread holds a
/// second handle to take the file back for its commit once the writer is
/// done. polars writes the fields of page headers and metadata one by
/// one: straight to the file that was 44,000 write calls of a few bytes
/// for the tables of a 100,000-file rescan; through the file's buffer
/// they are a few dozen.
#[derive(Clone)]
struct SharedFile(Arc<Mutex<AtomicFile>>);

impl SharedFile {
    fn lock(&self) -> std::sync::MutexGuard<'_, AtomicFile> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.lock().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.lock().flush()
    }
}

/// Writes one table as `<stem>.csv` and `<stem>.parquet` (or either alone).
pub struct TableWriter {
    columns: Vec<(String, Kind)>,
    csv: Option<CsvOut>,
    parquet: Option<ParquetOut>,
    buffers: Vec<Buffer>,
    rows: usize,
    total: u64,
}

/// The CSV half of a table: the file, written a whole line at a time.
struct CsvOut {
    file: AtomicFile,
    path: PathBuf,
    /// The line being assembled, reused from row to row.
    line: Vec<u8>,
    /// The last timestamp formatted, as rows of one file repeat it.
    last_time: (i64, String),
}

impl CsvOut {
    /// Starts the file at `path` with its header line.
    fn create(path: &Path, columns: &[(String, Kind)]) -> Result<CsvOut> {
        let mut csv = CsvOut {
            file: AtomicFile::create(path)?,
            path: path.to_path_buf(),
            line: Vec::new(),
            last_time: (i64::MIN, String::new()),
        };
        let header: Vec<Cell<'_>> = columns.iter().map(|(name, _)| Cell::from(name)).collect();
        csv.write(&header)?;
        Ok(csv)
    }

    /// Writes `row` as one line.
    fn write(&mut self, row: &[Cell<'_>]) -> Result<()> {
        let line = &mut self.line;
        line.clear();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push(b',');
            }
            match cell {
                Cell::Str(s) => push_csv_field(line, s.as_bytes()),
                // Most counts of a data-map row are 0: one byte, not a
                // formatter and a copy (a fifth of the CSV's instructions).
                Cell::U64(v) if *v < 10 => line.push(b'0' + *v as u8),
                Cell::U64(v) => line.extend_from_slice(itoa::Buffer::new().format(*v).as_bytes()),
                Cell::Time(t) => {
                    if self.last_time.0 != *t {
                        self.last_time.0 = *t;
                        self.last_time.1.clear();
                        push_rfc3339(&mut self.last_time.1, *t);
                    }
                    line.extend_from_slice(self.last_time.1.as_bytes())
                }
                Cell::F64(v) => line.extend_from_slice(v.to_string().as_bytes()),
                Cell::Null => {}
            }
        }
        line.push(b'\n');
        self.file.write_all(line).map_err(|e| write_err(&self.path, e))
    }
}

impl TableWriter {
    /// Starts `<dir>/<stem>.csv` and `<dir>/<stem>.parquet`, its text
    /// written plainly ([`TextPages::Plain`]).
    pub fn create(dir: &Path, stem: &str, columns: Vec<(String, Kind)>) -> Result<TableWriter> {
        TableWriter::create_with(dir, stem, columns, TextPages::Plain)
    }

    /// [`TableWriter::create`] with its text columns encoded as `text` says.
    pub fn create_with(
        dir: &Path,
        stem: &str,
        columns: Vec<(String, Kind)>,
        text: TextPages,
    ) -> Result<TableWriter> {
        let csv_path = dir.join(format!("{stem}.csv"));
        let parquet_path = dir.join(format!("{stem}.parquet"));
        TableWriter::open(Some(csv_path), Some(parquet_path), columns, text)
    }

    /// Starts a table written to the given CSV and/or Parquet file, its
    /// text written plainly.
    pub fn create_files(
        csv_path: Option<PathBuf>,
        parquet_path: Option<PathBuf>,
        columns: Vec<(String, Kind)>,
    ) -> Result<TableWriter> {
        TableWriter::open(csv_path, parquet_path, columns, TextPages::Plain)
    }

    fn open(
        csv_path: Option<PathBuf>,
        parquet_path: Option<PathBuf>,
        columns: Vec<(String, Kind)>,
        text: TextPages,
    ) -> Result<TableWriter> {
        let csv = csv_path.map(|path| CsvOut::create(&path, &columns)).transpose()?;
        let parquet = parquet_path
            .as_deref()
            .map(|path| ParquetOut::create(path, &columns, text))
            .transpose()?;
        let buffers = columns.iter().map(|(_, k)| Buffer::new(*k, 0)).collect();
        Ok(TableWriter {
            columns,
            csv,
            parquet,
            buffers,
            rows: 0,
            total: 0,
        })
    }

    /// Cells in a row: the number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.total
    }

    /// Appends a row; cells must match the columns in number and kind.
    pub fn push(&mut self, row: &[Cell<'_>]) -> Result<()> {
        debug_assert_eq!(row.len(), self.columns.len());
        if let Some(csv) = &mut self.csv {
            csv.write(row)?;
        }
        if self.parquet.is_none() {
            self.total += 1;
            return Ok(());
        }
        for (buf, cell) in self.buffers.iter_mut().zip(row) {
            match (buf, cell) {
                (Buffer::Str(v), Cell::Str(s)) => v.append_value(s),
                (Buffer::Str(v), _) => v.append_null(),
                (Buffer::U64(v), Cell::U64(x)) => v.append_value(*x),
                (Buffer::U64(v), _) => v.append_null(),
                (Buffer::Time(v), Cell::Time(t)) => v.append_value(*t),
                (Buffer::Time(v), _) => v.append_null(),
                (Buffer::F64(v), Cell::F64(x)) => v.append_value(*x),
                (Buffer::F64(v), _) => v.append_null(),
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
        let fresh = self
            .columns
            .iter()
            .map(|(_, kind)| Buffer::new(*kind, height))
            .collect();
        let buffers = std::mem::replace(&mut self.buffers, fresh);
        self.rows = 0;
        parquet.send(buffers, height)
    }

    /// Finishes both files and renames them into place.
    pub fn commit(mut self) -> Result<()> {
        self.flush_group()?;
        if let Some(mut parquet) = self.parquet.take() {
            parquet.finish()?;
        }
        if let Some(csv) = self.csv.take() {
            csv.file.commit()?;
        }
        Ok(())
    }
}

/// The rows of a table as a JSON array of objects keyed by column name
/// (timestamps as RFC 3339 text, missing cells as null).
pub fn json_rows(columns: &[(String, Kind)], rows: &[Vec<Cell<'_>>]) -> serde_json::Value {
    let object = |row: &Vec<Cell<'_>>| {
        let fields = columns.iter().zip(row).map(|((name, _), cell)| {
            let value = match cell {
                Cell::Str(s) => serde_json::Value::from(s.as_ref()),
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
pub fn cell_text(cell: &Cell<'_>) -> String {
    match cell {
        Cell::Str(s) => s.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_past_one_row_group_read_back_whole() {
        use polars::prelude::{ParquetReader, SerReader};
        let dir = tempfile::tempdir().unwrap();
        let cols = columns(&[("name", Kind::Str), ("n", Kind::U64), ("at", Kind::Time)]);
        let mut t = TableWriter::create(dir.path(), "t", cols).unwrap();
        // Two whole groups handed to the Parquet thread, and the rest at
        // the commit: in order.
        let rows = 2 * ROW_GROUP + 3;
        for i in 0..rows as u64 {
            let name = format!("row {i}");
            let text = if i % 2 == 0 {
                Cell::from(name.as_str())
            } else {
                Cell::Null
            };
            t.push(&[text, Cell::U64(i), Cell::Time(i as i64 * 1_000_000)])
                .unwrap();
        }
        t.commit().unwrap();
        let file = std::fs::File::open(dir.path().join("t.parquet")).unwrap();
        let df = ParquetReader::new(file).finish().unwrap();
        assert_eq!(df.height(), rows);
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["name", "n", "at"]);
        let last = df.column("name").unwrap().str().unwrap().get(rows - 1);
        assert_eq!(last, Some(format!("row {}", rows - 1)).as_deref());
        assert_eq!(df.column("name").unwrap().str().unwrap().get(rows - 2), None);
        let n = df.column("n").unwrap().u64().unwrap();
        assert!((0..rows).all(|i| n.get(i) == Some(i as u64)));
        let csv = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(csv.lines().count(), rows + 1);
        assert_eq!(csv.lines().nth(2), Some(",1,1970-01-01T00:00:01Z"));
    }

    #[test]
    fn text_is_written_plainly_without_bounds_and_numbers_as_polars_does() {
        use polars::prelude::{ParquetReader, SerReader};
        use polars_parquet::parquet::statistics::Statistics;
        let dir = tempfile::tempdir().unwrap();
        let cols = columns(&[
            ("path", Kind::Str),
            ("n", Kind::U64),
            ("at", Kind::Time),
            ("share", Kind::F64),
        ]);
        for (stem, text) in [("plain", TextPages::Plain), ("dict", TextPages::Dictionary)] {
            let mut t = TableWriter::create_with(dir.path(), stem, cols.clone(), text).unwrap();
            for i in 0..1000u64 {
                let path = format!("/share/hr/file-{}.csv", i % 7);
                let share = if i == 3 {
                    Cell::Null
                } else {
                    Cell::F64(i as f64 / 4.0)
                };
                t.push(&[
                    Cell::from(path),
                    Cell::U64(i % 3),
                    Cell::Time(1_700_000_000_000_000),
                    share,
                ])
                .unwrap();
            }
            t.commit().unwrap();
            let path = dir.path().join(format!("{stem}.parquet"));

            // Read back whole and typed, as a reader of the outputs sees it.
            let df = ParquetReader::new(std::fs::File::open(&path).unwrap())
                .finish()
                .unwrap();
            let types: Vec<String> = df.dtypes().iter().map(|t| t.to_string()).collect();
            assert_eq!(types, ["str", "u64", "datetime[μs, UTC]", "f64"]);
            assert_eq!(
                df.column("path").unwrap().str().unwrap().get(8),
                Some("/share/hr/file-1.csv")
            );
            assert_eq!(df.column("n").unwrap().u64().unwrap().get(5), Some(2));
            let share = df.column("share").unwrap().f64().unwrap();
            assert_eq!((share.get(3), share.get(10)), (None, Some(2.5)));

            // Text: plain pages unless asked for a dictionary, null counts
            // but no bounds; numbers: a dictionary page and bounds.
            let metadata =
                polars_parquet::read::read_metadata(&mut std::fs::File::open(&path).unwrap()).unwrap();
            let chunks = metadata.row_groups[0].parquet_columns();
            let dictionary = chunks[0].dictionary_page_offset().is_some();
            assert_eq!(dictionary, text == TextPages::Dictionary, "{stem}");
            assert!(chunks[1].dictionary_page_offset().is_some());
            match chunks[0].statistics(&metadata.footer_buf).unwrap().unwrap() {
                Statistics::Binary(s) => {
                    assert_eq!((s.min_value, s.max_value, s.null_count), (None, None, Some(0)))
                }
                other => panic!("{other:?}"),
            }
            match chunks[1].statistics(&metadata.footer_buf).unwrap().unwrap() {
                Statistics::Int64(s) => assert_eq!((s.min_value, s.max_value), (Some(0), Some(2))),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_table_dropped_unfinished_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let cols = columns(&[("n", Kind::U64)]);
        let mut t = TableWriter::create(dir.path(), "t", cols).unwrap();
        // Past a row group, so the Parquet thread has written to its file.
        for i in 0..ROW_GROUP as u64 + 1 {
            t.push(&[Cell::U64(i)]).unwrap();
        }
        drop(t);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn timestamps_format_as_chrono_does() {
        for micros in [
            0,
            -1,
            951_782_400_000_000,     // 2000-02-29
            1_700_000_000_123_456,   // 2023-11-14T22:13:20Z
            4_107_542_399_999_999,   // 2100-02-28T23:59:59Z
            -62_135_596_800_000_000, // 0001-01-01
            253_402_300_800_000_000, // 10000-01-01, past the fast path
            -62_167_219_200_000_001, // before year 0
        ] {
            let want = chrono::DateTime::from_timestamp_micros(micros)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            assert_eq!(rfc3339(micros), want, "{micros}");
        }
        assert_eq!(rfc3339(1_700_000_000_123_456), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn csv_lines_read_back_as_written_by_the_csv_crate() {
        let dir = tempfile::tempdir().unwrap();
        let cols = columns(&[
            ("text", Kind::Str),
            ("n", Kind::U64),
            ("share", Kind::F64),
            ("gap", Kind::Str),
        ]);
        let mut t = TableWriter::create(dir.path(), "t", cols).unwrap();
        let texts = [
            "plain",
            "comma, inside",
            "say \"hei\"",
            "two\nlines",
            "carriage\rreturn",
            "",
            "ø æ å, \"ö\"",
        ];
        for (i, text) in texts.iter().enumerate() {
            t.push(&[
                Cell::from(*text),
                Cell::U64(i as u64),
                Cell::F64(0.25),
                Cell::Null,
            ])
            .unwrap();
        }
        t.commit().unwrap();
        let bytes = std::fs::read(dir.path().join("t.csv")).unwrap();
        // The same rows through the csv crate give the same bytes.
        let mut expected = csv::Writer::from_writer(Vec::new());
        expected.write_record(["text", "n", "share", "gap"]).unwrap();
        for (i, text) in texts.iter().enumerate() {
            expected
                .write_record([*text, &i.to_string(), "0.25", ""])
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            String::from_utf8(expected.into_inner().unwrap()).unwrap()
        );
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let read: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(read, texts);
    }
}
