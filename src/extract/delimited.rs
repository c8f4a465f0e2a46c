//! Delimited files (CSV, TSV, semicolon- and pipe-separated): every cell
//! with its row and column name. The delimiter is sniffed from the first
//! lines; the first record is the header unless it already holds data
//! (an `@` or a long digit run), in which case columns are numbered.
//! Header cells are scanned too.

use super::cells::{Cells, ColumnNames};
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, UnitSink};
use std::io::{self, BufRead, Read};
use std::path::Path;

/// The longest line a CSV record may have before the rest of the file is
/// read as plain text (which streams in chunks).
pub const MAX_LINE: usize = 8 << 20;

/// Picks the delimiter that splits the first lines most consistently.
pub fn sniff_delimiter(head: &[u8], path: &Path) -> u8 {
    if matches!(super::sniff::extension(path).as_str(), "tsv" | "tab") {
        return b'\t';
    }
    let lines: Vec<&[u8]> = head
        .split(|&b| b == b'\n')
        .take(20)
        .filter(|l| !l.is_empty())
        .collect();
    let lines = if lines.len() > 1 {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    let mut best = (b',', 0usize);
    for delim in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| {
                let mut quoted = false;
                l.iter()
                    .filter(|&&b| {
                        if b == b'"' {
                            quoted = !quoted;
                        }
                        b == delim && !quoted
                    })
                    .count()
            })
            .collect();
        let Some(&first) = counts.first() else { continue };
        let consistent = counts.iter().filter(|&&c| c == first).count();
        let score = if first == 0 { 0 } else { consistent * 1000 + first };
        if score > best.1 {
            best = (delim, score);
        }
    }
    best.0
}

/// Fails a read once a line grows past [`MAX_LINE`], so the CSV parser's
/// record buffer stays bounded.
struct LineGuard<R> {
    inner: R,
    since_newline: usize,
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.since_newline = if b == b'\n' { 0 } else { self.since_newline + 1 };
        }
        if self.since_newline > MAX_LINE {
            return Err(io::Error::other(format!(
                "a line is longer than {} MiB",
                MAX_LINE >> 20
            )));
        }
        Ok(n)
    }
}

fn looks_like_data(cell: &str) -> bool {
    cell.contains('@') || {
        let mut run = 0;
        cell.bytes().any(|b| {
            run = if b.is_ascii_digit() { run + 1 } else { 0 };
            run >= 6
        })
    }
}

/// Extracts every cell of a delimited file.
pub fn extract(
    mut reader: DecodedReader,
    path: &Path,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let head = reader
        .fill_buf()
        .map_err(|e| ExtractError::Failed(crate::walk::describe_io(&e)))?
        .to_vec();
    let delimiter = sniff_delimiter(&head, path);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(LineGuard {
            inner: reader,
            since_newline: 0,
        });
    let mut record = csv::ByteRecord::new();
    let mut columns = ColumnNames::default();
    // (row, line, column index) of each value waiting in the batch.
    let mut cells: Cells<(u64, u64, usize)> = Cells::for_sink(sink);
    let mut row = 0u64;
    let mut first = true;
    let mut good_end = (0u64, 1u64);
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                cells.flush(sink, |key| cell_origin(&columns, key));
                let reason = format!("CSV parse error at line {}: {}", good_end.1, csv_error_text(&err));
                let reader = csv.into_inner().inner;
                return super::text::fallback(reader, good_end.0, good_end.1, reason, sink);
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        let fields = record.iter().map(|f| std::str::from_utf8(f).unwrap_or(""));
        if first {
            first = false;
            if !fields.clone().any(looks_like_data) {
                columns = ColumnNames::new(fields.clone().map(|f| f.trim().to_string()).collect());
                for (i, cell) in fields.enumerate() {
                    columns.number(i);
                    cells.push(cell, (0, line, i));
                }
                good_end = (csv.position().byte(), csv.position().line());
                continue;
            }
        }
        row += 1;
        for (i, cell) in fields.enumerate() {
            if cell.is_empty() {
                continue;
            }
            columns.number(i);
            cells.push(cell, (row, line, i));
        }
        if cells.is_full() {
            cells.flush(sink, |key| cell_origin(&columns, key));
        }
        good_end = (csv.position().byte(), csv.position().line());
    }
    cells.flush(sink, |key| cell_origin(&columns, key));
    let reader = csv.into_inner().inner;
    Ok(Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    })
}

/// The origin of a batched value: (row, line, column index).
fn cell_origin(columns: &ColumnNames, (row, line, i): (u64, u64, usize)) -> Origin<'_> {
    Origin::Cell {
        row,
        line,
        column: columns.name(i),
    }
}

fn csv_error_text(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Io(e) => e.to_string(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed() {
        let p = Path::new("x.csv");
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n4;5;6\n", p), b';');
        assert_eq!(sniff_delimiter(b"a,b\n1,2\n", p), b',');
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n", p), b'\t');
        assert_eq!(sniff_delimiter(b"\"x;y\",b\n\"1;2\",3\n", p), b',');
        assert_eq!(sniff_delimiter(b"a,b\n", Path::new("x.tsv")), b'\t');
    }
}
