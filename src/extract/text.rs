//! Plain text: the whole file, decoded, in overlapping chunks with line
//! numbers. Also the fallback for structured files that fail to parse.

use super::chunk::Chunker;
use super::decode::DecodedReader;
use super::{ExtractError, Extracted, Origin, Unit, UnitSink};
use std::io::BufRead;

/// Extracts a text file from its current position; `first_line` is the
/// line number of the reader's next byte.
pub fn extract_from(
    mut reader: DecodedReader,
    first_line: u64,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let mut chunker = Chunker::new(first_line);
    let mut emit = |text: &str, from: usize, until: usize, line: u64| {
        sink.unit(Unit {
            text,
            from,
            until,
            origin: Origin::Text { first_line: line },
        })
    };
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| ExtractError::Failed(format!("read error: {}", crate::walk::describe_io(&e))))?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        chunker.push(buf, &mut emit);
        reader.consume(n);
    }
    chunker.finish(&mut emit);
    Ok(Extracted {
        bytes_read: reader.bytes_read(),
        ..Extracted::default()
    })
}

/// Extracts a whole text file.
pub fn extract(reader: DecodedReader, sink: &mut dyn UnitSink) -> Result<Extracted, ExtractError> {
    extract_from(reader, 1, sink)
}

/// Hands the rest of a structured file to the text extractor after a parse
/// failure at decoded byte `offset` (line `line`), recording why.
pub fn fallback(
    reader: DecodedReader,
    offset: u64,
    line: u64,
    reason: String,
    sink: &mut dyn UnitSink,
) -> Result<Extracted, ExtractError> {
    let reader = reader
        .restart_at(offset)
        .map_err(|e| ExtractError::Failed(format!("cannot re-read after {reason}: {e}")))?;
    let mut out = extract_from(reader, line, sink)?;
    out.notes
        .push(format!("{reason}; read as plain text from line {line}"));
    Ok(out)
}
