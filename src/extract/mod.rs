//! Extract: turns a file's bytes into text units, each with an origin a
//! person can go to (line, cell, key path, table row, mail header). Knows
//! nothing of detection: it pushes units into a [`UnitSink`] and learns
//! from the return value where the next chunk must resume.
//!
//! Every extractor streams: memory is bounded by the chunk size, whatever
//! the file size or line length. A structured extractor that meets input it
//! cannot parse (a broken CSV quote, invalid JSON) hands the rest of the
//! file to the text extractor instead of giving up, and says so.

pub mod archive;
pub mod bytes;
pub mod cells;
pub mod chunk;
pub mod database;
pub mod decode;
pub mod delimited;
pub mod email;
pub mod json;
pub mod limits;
pub mod markup;
pub mod numbers;
pub mod office;
pub mod pdf;
pub mod sheet;
pub mod sniff;
pub mod sql;
pub mod text;

pub use limits::{DEFAULT_LIMITS, Limits};

use crate::model::FileKind;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where a unit's text came from. Borrowed, so units cost no allocation.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// Free text; the unit's first byte is on line `first_line` (1-based).
    Text {
        /// Line number of the unit's first byte.
        first_line: u64,
    },
    /// One cell of a delimited file.
    Cell {
        /// Data row, 1-based, header excluded.
        row: u64,
        /// Line on which the record starts.
        line: u64,
        /// Header of the column, or `column N`.
        column: &'a str,
    },
    /// One JSON string, number or key.
    Json {
        /// NDJSON record number, if the file has one value per line.
        record: Option<u64>,
        /// Key path, e.g. `$.customer.email`.
        path: &'a str,
        /// Line of the value.
        line: u64,
    },
    /// One value of an SQL dump row.
    Sql {
        /// Table name.
        table: &'a str,
        /// Column name, or `column N`.
        column: &'a str,
        /// Row within the table, 1-based.
        row: u64,
        /// Line of the value.
        line: u64,
    },
    /// An e-mail header.
    MailHeader {
        /// Header name as written.
        name: &'a str,
    },
    /// An e-mail body part; the unit's first byte is on `first_line`.
    MailBody {
        /// Part number, 1-based.
        part: usize,
        /// Line within the part of the unit's first byte.
        first_line: u64,
    },
    /// One spreadsheet cell.
    SheetCell {
        /// Sheet name.
        sheet: &'a str,
        /// A1 reference, e.g. `C7`.
        cell: &'a str,
        /// Header of the cell's column, or its letter.
        column: &'a str,
    },
    /// A value of a database table read directly (SQLite, Parquet).
    Table {
        /// Table name (for Parquet, the file stem).
        table: &'a str,
        /// Column name.
        column: &'a str,
        /// Row, 1-based.
        row: u64,
    },
    /// A labelled part of a document (`page 3`, `paragraph 14`,
    /// `slide 2 notes`); `first_line` counts lines within the part when
    /// the part has lines (PDF pages).
    Part {
        /// The label, used as the location.
        label: &'a str,
        /// Line within the part of the unit's first byte.
        first_line: Option<u64>,
    },
}

/// A piece of text to search, with the part of it this unit owns.
#[derive(Debug, Clone, Copy)]
pub struct Unit<'a> {
    /// The text, including context bytes before `from`.
    pub text: &'a str,
    /// Where searching starts.
    pub from: usize,
    /// Spans starting at or after this belong to the next unit.
    pub until: usize,
    /// Where the text came from.
    pub origin: Origin<'a>,
}

impl<'a> Unit<'a> {
    /// A unit that owns all of `text`.
    pub fn whole(text: &'a str, origin: Origin<'a>) -> Unit<'a> {
        Unit {
            text,
            from: 0,
            until: text.len(),
            origin,
        }
    }
}

/// What an extractor talks to: it receives units, and it holds the
/// per-file context extractors consult (limits, the clock, the nesting of
/// inner files such as archive entries and attachments).
pub trait UnitSink {
    /// Handles one unit; returns the offset (in `unit.text`) where the next
    /// overlapping chunk must resume searching (`unit.until` when nothing
    /// straddles the end).
    fn unit(&mut self, unit: Unit<'_>) -> usize;

    /// How many chunks of one long text to hand over at once through
    /// [`UnitSink::pieces`]; 1 (the default) hands them one by one.
    fn batch(&self) -> usize {
        1
    }

    /// Handles consecutive chunks of one long text (see
    /// [`chunk::Chunker::push_batched`]) in order, as [`UnitSink::unit`]
    /// would one by one; returns the last one's resume offset. A sink may
    /// search them in parallel, as long as it takes them
    /// [`chunk::in_order`].
    fn pieces<'o>(&mut self, pieces: &[chunk::Piece<'_>], origin: &dyn Fn(u64) -> Origin<'o>) -> usize {
        chunk::in_order(pieces, |p, from| {
            self.unit(Unit {
                text: p.text,
                from,
                until: p.until,
                origin: origin(p.first_line),
            })
        })
    }

    /// Handles whole units of one file (see [`cells::Cells`]) in order, as
    /// [`UnitSink::unit`] would one by one. A sink may search them in
    /// parallel, as long as it takes their findings in order.
    fn units(&mut self, units: &[Unit<'_>]) {
        for unit in units {
            self.unit(*unit);
        }
    }

    /// The limits in force.
    fn limits(&self) -> &Limits {
        &DEFAULT_LIMITS
    }

    /// When the file's time budget ends (`max_file_seconds`).
    fn deadline(&self) -> Option<Instant> {
        None
    }

    /// True once the file's time budget is spent: extractors stop at the
    /// next natural boundary and record a gap.
    fn expired(&self) -> bool {
        self.deadline().is_some_and(|d| Instant::now() >= d)
    }

    /// Nesting depth of the file being extracted: 0 for a file on disk,
    /// 1 for an entry of an archive on disk, and so on.
    fn depth(&self) -> u32 {
        0
    }

    /// Counts `bytes` of unpacked archive or attachment content against the
    /// top-level file's budget; an error (in words) when it is exhausted.
    fn expand(&mut self, bytes: u64) -> Result<(), String> {
        let _ = bytes;
        Ok(())
    }

    /// Sets a section label put in front of following locations
    /// (`message 17`), or clears it.
    fn section(&mut self, label: Option<&str>) {
        let _ = label;
    }

    /// An inner file (archive entry, attachment) starts; its units follow
    /// until [`UnitSink::end_member`]. `modified` is microseconds since the
    /// epoch, when the container records it.
    fn begin_member(&mut self, name: &str, modified: Option<i64>, kind: FileKind, size: u64) {
        let _ = (name, modified, kind, size);
    }

    /// The inner file begun last is finished, with this outcome.
    fn end_member(&mut self, result: Result<Extracted, ExtractError>) {
        let _ = result;
    }
}

/// What an extractor reports besides its units.
#[derive(Debug, Default, Clone)]
pub struct Extracted {
    /// Bytes of the file read.
    pub bytes_read: u64,
    /// The text encoding the file was decoded from.
    pub encoding: &'static str,
    /// Parts not fully checked, in words (recorded as `partial`).
    pub gaps: Vec<String>,
    /// Things worth knowing that do not reduce coverage (e.g. a CSV read as
    /// text from some line on).
    pub notes: Vec<String>,
}

/// Why a file could not be extracted at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// Not read on purpose (binary, unsupported format); reason in words.
    Skipped(String),
    /// Reading failed; reason in words.
    Failed(String),
}

impl ExtractError {
    /// A read that failed part-way: `read error: permission denied`.
    pub fn read(e: &std::io::Error) -> ExtractError {
        ExtractError::Failed(format!("read error: {}", crate::walk::describe_io(e)))
    }
}

/// Runs `f`, turning a panic inside it into a `failed` outcome whose reason
/// is `{what}: {panic message}`. Format libraries do panic on some damaged
/// files; this keeps one such file from ending more than itself.
pub fn guard<T>(what: &str, f: impl FnOnce() -> Result<T, ExtractError>) -> Result<T, ExtractError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        Err(ExtractError::Failed(format!(
            "{what}: {}",
            panic_message(&*panic)
        )))
    })
}

/// Reads the first bytes of a file for sniffing.
pub const HEAD_LEN: usize = 8192;

/// Seekable bytes of one file: a file on disk, an inner file held in
/// memory, or one spilled to a temporary file.
pub trait Blob: Read + Seek + Send {}
impl<T: Read + Seek + Send> Blob for T {}

/// A file ready to extract: its name, sniffed kind, first bytes and the
/// rest of its bytes.
pub struct Input {
    /// Name used for the extension (file name or entry name).
    pub name: String,
    /// The kind it will be read as.
    pub kind: FileKind,
    /// Size in bytes.
    pub size: u64,
    /// The first bytes, already read from `data`.
    head: Vec<u8>,
    /// The bytes, positioned just after `head`.
    data: Box<dyn Blob>,
    /// Path on disk, for formats whose library opens files by path.
    disk_path: Option<PathBuf>,
}

/// Opens `path` and sniffs its kind from the first bytes and the name.
pub fn open(path: &Path) -> Result<Input, ExtractError> {
    let io_fail = |e: std::io::Error| ExtractError::Failed(crate::walk::describe_io(&e));
    let file = File::open(path).map_err(io_fail)?;
    let size = file.metadata().map_err(io_fail)?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Input::new(name, Box::new(file), size, Some(path.to_path_buf()))
}

impl Input {
    /// Reads the head of `data` (positioned at its start) and sniffs it.
    pub fn new(
        name: String,
        mut data: Box<dyn Blob>,
        size: u64,
        disk_path: Option<PathBuf>,
    ) -> Result<Input, ExtractError> {
        let mut head = vec![0u8; HEAD_LEN];
        let n = read_full(&mut data, &mut head).map_err(|e| ExtractError::read(&e))?;
        head.truncate(n);
        let mut kind = sniff::sniff(Path::new(&name), &head);
        if kind == FileKind::Zip {
            kind = archive::zip_kind(&mut data, &name);
            data.seek(SeekFrom::Start(n as u64))
                .map_err(|e| ExtractError::read(&e))?;
        }
        Ok(Input {
            name,
            kind,
            size,
            head,
            data,
            disk_path,
        })
    }

    /// The whole content as a seekable blob, rewound.
    fn rewound(mut self) -> Result<Box<dyn Blob>, ExtractError> {
        self.data
            .seek(SeekFrom::Start(0))
            .map_err(|e| ExtractError::read(&e))?;
        Ok(self.data)
    }

    /// Refuses formats that must be held whole in memory when the file is
    /// larger than `max_document_bytes`.
    fn check_document_size(&self, sink: &dyn UnitSink) -> Result<(), ExtractError> {
        let max = sink.limits().max_document_bytes;
        if self.size > max {
            return Err(ExtractError::Skipped(format!(
                "{} file of {} MiB is larger than max_document_bytes ({} MiB): not checked",
                self.kind.as_str(),
                self.size >> 20,
                max >> 20
            )));
        }
        Ok(())
    }

    /// Runs the extractor for the sniffed kind, pushing units into `sink`.
    /// A panic inside it (format libraries do panic on some damaged files)
    /// is caught and becomes a `failed` outcome naming the format.
    pub fn extract(self, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
        let what = format!("invalid {} file: its reader crashed", self.kind.as_str());
        guard(&what, || self.dispatch(sink))
    }

    fn dispatch(self, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
        let limits = sink.limits().clone();
        match self.kind {
            FileKind::Binary => Err(ExtractError::Skipped("binary file".into())),
            FileKind::Unsupported(name) => Err(ExtractError::Skipped(format!(
                "{name} file: format not supported by this version, not checked"
            ))),
            FileKind::Pdf => {
                self.check_document_size(sink)?;
                pdf::extract(self.rewound()?, sink)
            }
            FileKind::Spreadsheet(format) => {
                if format == "xls" || format == "ods" {
                    self.check_document_size(sink)?;
                }
                let (name, size) = (self.name.clone(), self.size);
                // calamine reads the whole package itself.
                let mut out = sheet::extract(self.rewound()?, format, &name, sink)?;
                out.bytes_read = size;
                Ok(out)
            }
            FileKind::Document(format) => office::extract(self.rewound()?, format, sink),
            FileKind::Zip => archive::extract_zip(self.rewound()?, sink),
            FileKind::Tar => archive::extract_tar(self.rewound()?, sink),
            FileKind::Gzip => {
                let (name, size) = (self.name.clone(), self.size);
                archive::extract_gzip(self.rewound()?, &name, size, sink)
            }
            FileKind::Sqlite => match self.disk_path.clone() {
                Some(path) => database::extract_sqlite(&path, sink),
                None => {
                    let spilled = spill(self.rewound()?)?;
                    database::extract_sqlite(spilled.path(), sink)
                }
            },
            FileKind::Parquet => {
                let stem = Path::new(&self.name)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let disk_path = self.disk_path.clone();
                database::extract_parquet(self.rewound()?, disk_path.as_deref(), &stem, sink)
            }
            kind => {
                let Input {
                    head,
                    data,
                    size,
                    name,
                    ..
                } = self;
                let encoding = decode::detect(&head);
                let mut reader = decode::DecodedReader::new(head, data, encoding, Some(size));
                reader.set_deadline(sink.deadline());
                let capped = size > limits.max_file_bytes;
                if capped {
                    reader.cap(limits.max_file_bytes);
                }
                let mut out = match kind {
                    FileKind::Delimited => delimited::extract(reader, Path::new(&name), sink),
                    FileKind::Json | FileKind::Ndjson => {
                        json::extract(reader, kind == FileKind::Ndjson, sink)
                    }
                    FileKind::Sql => sql::extract(reader, sink),
                    FileKind::Eml => email::extract(reader, sink),
                    FileKind::Mbox => email::extract_mbox(reader, sink),
                    FileKind::Html | FileKind::Xml => markup::extract(reader, kind, sink),
                    _ => text::extract(reader, sink),
                }?;
                if capped {
                    out.gaps.push(format!(
                        "only the first {} MiB checked: file is larger than max_file_bytes",
                        limits.max_file_bytes >> 20
                    ));
                }
                out.encoding = encoding.name();
                Ok(out)
            }
        }
    }
}

/// Copies a blob to an anonymous temporary file, for libraries that open
/// files by path (SQLite).
fn spill(mut data: Box<dyn Blob>) -> Result<tempfile::NamedTempFile, ExtractError> {
    let mut tmp = tempfile::NamedTempFile::new()
        .map_err(|e| ExtractError::Failed(format!("cannot create a temporary file: {e}")))?;
    std::io::copy(&mut data, &mut tmp)
        .map_err(|e| ExtractError::Failed(format!("cannot copy to a temporary file: {e}")))?;
    Ok(tmp)
}

/// Inner files up to this size are held in memory; larger ones are spilled
/// to a temporary file, so memory stays bounded.
const MEMBER_IN_MEMORY: u64 = 16 << 20;

/// Reads an inner file from `reader` into a seekable blob, counting its
/// bytes against the expansion budget. `declared` is the size the
/// container claims, used only to choose memory or disk up front.
pub fn materialize(
    reader: &mut dyn Read,
    declared: u64,
    sink: &mut dyn UnitSink,
) -> Result<(Box<dyn Blob>, u64), ExtractError> {
    let fail = |e: std::io::Error| ExtractError::Failed(format!("cannot unpack: {e}"));
    let mut mem: Vec<u8> = Vec::with_capacity(declared.min(MEMBER_IN_MEMORY) as usize);
    let mut spilled: Option<File> = None;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(fail(e)),
        };
        total += n as u64;
        sink.expand(n as u64).map_err(ExtractError::Skipped)?;
        if spilled.is_none() && mem.len() + n > MEMBER_IN_MEMORY as usize {
            let mut f = tempfile::tempfile().map_err(fail)?;
            f.write_all(&mem).map_err(fail)?;
            mem = Vec::new();
            spilled = Some(f);
        }
        match &mut spilled {
            Some(f) => f.write_all(&buf[..n]).map_err(fail)?,
            None => mem.extend_from_slice(&buf[..n]),
        }
    }
    let blob: Box<dyn Blob> = match spilled {
        Some(mut f) => {
            f.seek(SeekFrom::Start(0)).map_err(fail)?;
            Box::new(f)
        }
        None => Box::new(std::io::Cursor::new(mem)),
    };
    Ok((blob, total))
}

/// Extracts an inner file (archive entry, attachment) as a file of its
/// own, reported under `container!name`. Nesting deeper than the limit,
/// and a panic inside the inner file's extractor, end only that file.
pub fn extract_member(
    name: &str,
    modified: Option<i64>,
    reader: &mut dyn Read,
    declared: u64,
    sink: &mut dyn UnitSink,
) {
    let max_depth = sink.limits().max_depth;
    if sink.depth() >= max_depth {
        let reason = format!("nested deeper than max_depth ({max_depth}): not checked");
        refuse_member(sink, name, modified, declared, ExtractError::Skipped(reason));
        return;
    }
    // Unpacking and sniffing run zip and gzip code on untrusted bytes;
    // `Input::extract` guards the extraction itself.
    let prepared = guard("extractor crashed", || {
        let (blob, total) = materialize(reader, declared, sink)?;
        Input::new(name.to_string(), blob, total, None)
    });
    match prepared {
        Ok(input) => {
            sink.begin_member(name, modified, input.kind, input.size);
            let result = input.extract(sink);
            sink.end_member(result);
        }
        Err(e) => refuse_member(sink, name, modified, declared, e),
    }
}

/// Records an inner file that was not extracted, with the reason.
pub fn refuse_member(
    sink: &mut dyn UnitSink,
    name: &str,
    modified: Option<i64>,
    size: u64,
    err: ExtractError,
) {
    sink.begin_member(name, modified, FileKind::Binary, size);
    sink.end_member(Err(err));
}

/// The message of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// A gap for a time budget spent part-way through a file.
pub fn time_gap(limits: &Limits, what: &str) -> String {
    format!(
        "time limit of {} s (max_file_seconds) reached: {what} not checked",
        limits.max_file_seconds
    )
}

/// Reads until `buf` is full or the reader ends; returns bytes read.
pub fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
