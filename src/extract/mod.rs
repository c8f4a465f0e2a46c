//! Extract: turns a file's bytes into text units, each with an origin a
//! person can go to (line, cell, key path, table row, mail header). Knows
//! nothing of detection: it pushes units into a [`UnitSink`] and learns
//! from the return value where the next chunk must resume.
//!
//! Every extractor streams: memory is bounded by the chunk size, whatever
//! the file size or line length. A structured extractor that meets input it
//! cannot parse (a broken CSV quote, invalid JSON) hands the rest of the
//! file to the text extractor instead of giving up, and says so.

pub mod bytes;
pub mod chunk;
pub mod decode;
pub mod delimited;
pub mod email;
pub mod json;
pub mod sniff;
pub mod sql;
pub mod text;

use crate::model::FileKind;
use std::fs::File;
use std::io::Read;
use std::path::Path;

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

/// Receives units from an extractor.
pub trait UnitSink {
    /// Handles one unit; returns the offset (in `unit.text`) where the next
    /// overlapping chunk must resume searching (`unit.until` when nothing
    /// straddles the end).
    fn unit(&mut self, unit: Unit<'_>) -> usize;
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

/// Reads the first bytes of a file for sniffing.
pub const HEAD_LEN: usize = 8192;

/// A file opened and sniffed, ready to extract.
pub struct Opened {
    /// The kind it will be read as.
    pub kind: FileKind,
    head: Vec<u8>,
    file: File,
}

/// Opens `path` and sniffs its kind from the first bytes and the name.
pub fn open(path: &Path) -> Result<Opened, ExtractError> {
    let io_fail = |e: std::io::Error| ExtractError::Failed(crate::walk::describe_io(&e));
    let mut file = File::open(path).map_err(io_fail)?;
    let mut head = vec![0u8; HEAD_LEN];
    let n = read_full(&mut file, &mut head).map_err(io_fail)?;
    head.truncate(n);
    Ok(Opened {
        kind: sniff::sniff(path, &head),
        head,
        file,
    })
}

impl Opened {
    /// Runs the extractor for the sniffed kind, pushing units into `sink`.
    pub fn extract(self, path: &Path, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
        let Opened { kind, head, file } = self;
        match kind {
            FileKind::Binary => Err(ExtractError::Skipped("binary file".into())),
            FileKind::Unsupported(name) => Err(ExtractError::Skipped(format!(
                "{name} file: format not supported by this version, not checked"
            ))),
            _ => {
                let encoding = decode::detect(&head);
                let reader = decode::DecodedReader::new(head, file, encoding);
                let mut out = match kind {
                    FileKind::Delimited => delimited::extract(reader, path, sink),
                    FileKind::Json | FileKind::Ndjson => {
                        json::extract(reader, kind == FileKind::Ndjson, sink)
                    }
                    FileKind::Sql => sql::extract(reader, sink),
                    FileKind::Eml => email::extract(reader, sink),
                    _ => text::extract(reader, sink),
                }?;
                out.encoding = encoding.name();
                Ok(out)
            }
        }
    }
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
